package index

import (
	"strings"
	"testing"
)

func render(fs []Fragment) string {
	var b strings.Builder
	for _, f := range fs {
		if f.Hit {
			b.WriteString("[" + f.Text + "]")
		} else {
			b.WriteString(f.Text)
		}
	}
	return b.String()
}

func TestSnippet(t *testing.T) {
	text := "钠离子电池热管理技术"
	long := strings.Repeat("无关内容。", 40) + "锂离子电池热失控预警" + strings.Repeat("其他内容。", 40)
	at := strings.Index(long, "热失控")
	tests := []struct {
		name  string
		text  string
		spans []Span
		width int
		want  string
	}{
		{"no spans", text, nil, 100, "钠离子电池热管理技术"},
		{"one span", text, []Span{{15, 24}}, 100, "钠离子电池[热管理]技术"},
		{"word and sub-word merge to the longer", text, []Span{{0, 9}, {0, 15}}, 100, "[钠离子电池]热管理技术"},
		{"overlapping spans merge", text, []Span{{0, 9}, {3, 15}}, 100, "[钠离子电池]热管理技术"},
		{"adjacent spans stay apart", text, []Span{{0, 15}, {15, 24}}, 100, "[钠离子电池][热管理]技术"},
		{"bad spans are ignored", text, []Span{{1, 4}, {-1, 3}, {20, 99}, {9, 3}}, 100, "钠离子电池热管理技术"},
		{"window around the hit", long, []Span{{at, at + len("热失控")}}, 20, "…锂离子电池[热失控]预警其他内容。其他内容。…"},
		{"empty text", "", []Span{{0, 3}}, 10, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := render(Snippet(tt.text, tt.spans, tt.width)); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}
