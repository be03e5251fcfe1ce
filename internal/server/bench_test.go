package server

import (
	"net/http/httptest"
	"net/url"
	"testing"
)

// BenchmarkPages measures whole requests through the Fiber app (session
// lookup, store reads, index, templates). The static stylesheet, served
// through the same middleware, is the baseline for ratios:
//
//	go test -run '^$' -bench Pages ./internal/server
func BenchmarkPages(b *testing.B) {
	st := mustStack(b)
	broker, anon := st.as(b, "jingjiren"), st.anon(b)
	for _, bc := range []struct {
		name, url string
		as        *client
	}{
		{"static baseline", "/static/app.css", broker},
		{"home", "/", broker},
		{"list", "/challenges", broker},
		{"search", "/challenges?q=" + url.QueryEscape("电池热管理"), broker},
		{"challenge with matches", "/challenges/ch-a001", broker},
		{"capability with matches", "/capabilities/cap-a001", broker},
		{"challenge with matches, anonymous", "/challenges/ch-a001", anon},
		{"capability with matches, anonymous", "/capabilities/cap-a001", anon},
		{"api search", "/api/v1/capabilities?q=" + url.QueryEscape("石斛 多糖"), broker},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				req := httptest.NewRequest("GET", bc.url, nil)
				for k, v := range bc.as.cookies {
					req.Header.Add("Cookie", k+"="+v)
				}
				res, err := st.srv.App().Test(req, -1)
				if err != nil || res.StatusCode != 200 {
					b.Fatalf("%s: %v %v", bc.url, err, res.StatusCode)
				}
				res.Body.Close()
			}
		})
	}
}
