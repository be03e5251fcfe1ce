package duijie

import "testing"

func TestContacts(t *testing.T) {
	for _, tt := range []struct {
		in     string
		valid  bool
		masked string
	}{
		{"13812345678", true, "138****5678"},
		{"+86 138 1234 5678", true, "138****5678"},
		{"0564-3311234", true, "056*****1234"},
		{"12345", false, "*****"},
		{"1381234567a", false, "138****567a"},
	} {
		p := NormalizePhone(tt.in)
		if ValidPhone(p) != tt.valid || MaskPhone(p) != tt.masked {
			t.Errorf("%q: valid %v mask %q, want %v %q", tt.in, ValidPhone(p), MaskPhone(p), tt.valid, tt.masked)
		}
	}
	for in, want := range map[string]string{"zhang.wei@example.com": "z***@example.com", "李@科技局.cn": "李***@科技局.cn", "nope": ""} {
		if got := MaskEmail(in); got != want {
			t.Errorf("MaskEmail(%q) = %q, want %q", in, got, want)
		}
	}
	if ValidEmail("a@b") || !ValidEmail("a@b.cn") {
		t.Error("ValidEmail")
	}
}
