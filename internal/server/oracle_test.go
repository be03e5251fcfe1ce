package server

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"testing"
)

// TestOracleHiddenPostingsHTTP is the no-oracle test through the server:
// the pages and API answers of anonymous, enterprise and institute readers
// (lists with totals and facets, search, postings with their explained
// matches both ways, the API's lists and matches) are byte-identical
// before and after hidden postings are saved through the API: a
// 仅科技局可见 challenge and drafts of both kinds. A broker finds them.
func TestOracleHiddenPostingsHTTP(t *testing.T) {
	if testing.Short() {
		t.Skip("loads its own demo store")
	}
	st := newTestStack(t)
	readers := map[string]*client{"anonymous": st.anon(t), "enterprise": st.as(t, "qiye"), "institute": st.as(t, "yuansuo")}
	targets := []string{
		"/", "/challenges", "/capabilities", "/challenges?q=" + url.QueryEscape("氮化硅陶瓷球"),
		"/capabilities?q=" + url.QueryEscape("氮化硅陶瓷球 坯体"), "/challenges?q=" + url.QueryEscape("陶瓷"),
		"/challenges?region_tier=local", "/challenges?region=la-etdz", "/challenges?region=la-jinan&expired=1",
		"/capabilities?region=la-yuan", "/challenges?expired=1&q=" + url.QueryEscape("陶瓷"),
		"/api/v1/challenges?region=la-etdz", "/capabilities/cap-a093", "/capabilities/cap-a093?local=1",
		"/capabilities/cap-a001", "/challenges/ch-a001", "/challenges/ch-a024?local=1",
		"/api/v1/challenges?q=" + url.QueryEscape("坯体"), "/api/v1/capabilities?q=" + url.QueryEscape("氮化硅陶瓷球"),
		"/api/v1/capabilities/cap-a093/matches", "/api/v1/capabilities/cap-a093/matches?local=1",
		"/api/v1/capabilities/cap-a001/matches", "/api/v1/challenges/ch-a001/matches",
	}
	// A page carries its CSRF token, fresh per sign-in; nothing else varies.
	token := regexp.MustCompile(`(name="_csrf" value=|name="csrf-token" content=)"[^"]*"`)
	snapshot := func(c *client) map[string]string {
		out := map[string]string{}
		for _, target := range targets {
			res, body := c.do(t, "GET", target, nil, nil)
			if res.StatusCode != 200 {
				t.Fatalf("GET %s: %d", target, res.StatusCode)
			}
			out[target] = token.ReplaceAllString(body, "$1")
		}
		return out
	}
	before := map[string]map[string]string{}
	for name, c := range readers {
		before[name] = snapshot(c)
	}

	markers := "氮化硅陶瓷球的坯体在烧结时开裂，素坯密度不均，热等静压后仍有气孔；钇稳定氧化锆球磨混料和凝胶注模都试过。"
	ent, inst := apiToken(t, st, "qiye"), apiToken(t, st, "gongyanyuan")
	for _, w := range []struct{ token, path, body string }{
		{ent, "/api/v1/challenges", `{"title":"氮化硅陶瓷球坯体烧结开裂","problem":"` + markers + `","industry":"materials","keywords":["氮化硅陶瓷球","坯体","凝胶注模"],"modes":["技术开发"],"visibility":"bureau","publish":true}`},
		{ent, "/api/v1/challenges", `{"title":"素坯密度不均","problem":"` + markers + `","industry":"materials","keywords":["坯体"],"modes":["技术开发"],"visibility":"public"}`},
		{inst, "/api/v1/capabilities", `{"kind":"achievement","title":"氮化硅陶瓷球凝胶注模成型","description":"` + markers + `","trl":6,"industry":"materials","modes":["技术转让"],"keywords":["坯体"],"ip":[],"fields":[]}`},
	} {
		if code, body := st.anon(t).doRaw2(t, "POST", w.path, w.body, w.token); code != 201 {
			t.Fatalf("POST %s: %d %s", w.path, code, body)
		}
	}
	_, body := st.as(t, "jingjiren").do(t, "GET", "/challenges?q="+url.QueryEscape("凝胶注模"), nil, nil)
	if !regexp.MustCompile(`氮化硅陶瓷球坯体烧结开裂`).MatchString(body) {
		t.Fatal("the broker does not find the hidden challenge: the write did not reach the bureau's index")
	}

	for name, c := range readers {
		after := snapshot(c)
		for _, target := range targets {
			if b, a := before[name][target], after[target]; b != a {
				i := 0
				for i < len(a) && i < len(b) && a[i] == b[i] {
					i++
				}
				t.Errorf("%s reader: GET %s changed after hidden writes:\nbefore …%s\nafter  …%s", name, target,
					around(b, i), around(a, i))
			}
		}
	}
}

func around(s string, i int) string {
	lo, hi := max(0, i-150), min(len(s), i+300)
	b, _ := json.Marshal(s[lo:hi])
	return fmt.Sprint(string(b))
}
