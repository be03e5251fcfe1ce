package server

import (
	"html/template"
	"strings"
	"testing"

	"duijie/internal/portal"
)

// TestMarksEscapesLikeTheTemplate: marks builds template.HTML from
// postings' text (user data), so it must escape exactly as html/template
// did when the fragments were ranged over in the page: compared byte for
// byte with that template on hostile and ordinary text.
func TestMarksEscapesLikeTheTemplate(t *testing.T) {
	ranged := template.Must(template.New("t").Parse(`{{range .}}{{if .Hit}}<mark>{{.Text}}</mark>{{else}}{{.Text}}{{end}}{{end}}`))
	texts := []string{
		`<script>alert(1)</script>`, `"><img src=x onerror=alert(1)>`, `' onmouseover='x`, "a\x00b", "钠电电芯+电池包",
		`&amp; &lt; &#34;`, "+ADw-script+AD4-", "`backtick` ${x}", "\u202e反向", "普通的中文文本，含全角（括号）与 ASCII.", "</mark><mark>",
	}
	for _, a := range texts {
		for _, b := range texts {
			frags := []portal.Fragment{{Text: a}, {Text: b, Hit: true}, {Text: a + b}}
			var want strings.Builder
			if err := ranged.Execute(&want, frags); err != nil {
				t.Fatal(err)
			}
			if got := string(marks(frags)); got != want.String() {
				t.Errorf("marks(%q, %q):\n got %s\nwant %s", a, b, got, want.String())
			}
		}
	}
}
