package server

import (
	"mime"
	"net/url"
	"strings"
	"testing"
)

// TestAttachmentContentDisposition: a Chinese name with the characters
// url.PathEscape leaves alone (' ( ) * , : = @ and a space) comes out as
// an RFC 5987 ext-value of attr-chars only, which a parser reads back to
// the same name; the fallback name is ASCII.
func TestAttachmentContentDisposition(t *testing.T) {
	name := "方案 (终版)'*,=@;x.pdf"
	h := contentDisposition(name)
	i := strings.Index(h, "filename*=UTF-8''")
	if i < 0 {
		t.Fatalf("no ext-value: %s", h)
	}
	v := h[i+len("filename*=UTF-8''"):]
	for j := 0; j < len(v); j++ {
		c := v[j]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$&+-.^_`|~%", c) >= 0) {
			t.Fatalf("byte %q outside attr-char in %s", c, v)
		}
	}
	if got, _ := url.PathUnescape(v); got != name {
		t.Errorf("decodes to %q, want %q", got, name)
	}
	_, params, err := mime.ParseMediaType(h)
	if err != nil {
		t.Fatalf("%s: %v", h, err)
	}
	if params["filename"] != name {
		t.Errorf("mime reads filename %q, want %q", params["filename"], name)
	}
	for _, r := range h {
		if r > 0x7e || r < 0x20 {
			t.Fatalf("header not ASCII: %q", h)
		}
	}
}
