package server

import (
	"net/url"
	"strings"
	"testing"
)

// TestMatchSectionFollowsTheIndex: an anonymous reader's list of matches
// is kept rendered, and a posting published meanwhile shows in it at
// once (the public index's generation moved); a signed-in reader's list
// is made afresh and is the same list.
func TestMatchSectionFollowsTheIndex(t *testing.T) {
	st := newTestStack(t)
	anon := st.anon(t)
	page := func(c *client) string {
		t.Helper()
		res, body := c.do(t, "GET", "/challenges/ch-a001", nil, nil)
		if res.StatusCode != 200 {
			t.Fatalf("challenge page: %d", res.StatusCode)
		}
		i := strings.Index(body, `<section class="matches"`)
		j := strings.Index(body[max(i, 0):], "</section>")
		if i < 0 || j < 0 {
			t.Fatalf("no match list on the page")
		}
		return body[i : i+j]
	}
	first := page(anon)
	if again := page(anon); again != first {
		t.Fatal("the same anonymous list differs when asked again")
	}
	if n := len(st.srv.sections.m); n != 1 {
		t.Errorf("%d lists kept, want 1", n)
	}
	if member := page(st.as(t, "gongyanyuan")); member != first {
		t.Error("a member's list differs from the anonymous reader's on a public challenge")
	}
	const title = "液冷板模组均温与快充温差控制一体化技术ZQK"
	res, _ := st.as(t, "yuansuo").do(t, "POST", "/capabilities/new", url.Values{"kind": {"achievement"}, "title": {title},
		"description": {"动力电池模组液冷板流道优化，快充时模组温差小于3℃，冷板压降低，适配280Ah磷酸铁锂模组的热管理与均温设计。"},
		"keywords":    {"液冷板,电池热管理,快充,均温"}, "trl": {"6"}, "industry": {"nev"}, "modes": {"技术开发"}, "action": {"publish"}}, nil)
	if res.StatusCode != 303 {
		t.Fatalf("publish: %d", res.StatusCode)
	}
	// Its link, not its title: the title's matched words are in <mark>.
	link, _, _ := strings.Cut(res.Header.Get("Location"), "?")
	if !strings.HasPrefix(link, "/capabilities/cap-") {
		t.Fatalf("redirected to %q", link)
	}
	link = `href="` + link + `"`
	if fresh := page(st.as(t, "gongyanyuan")); !strings.Contains(fresh, link) {
		t.Fatal("the capability does not rank among the first ten even afresh")
	}
	if after := page(anon); !strings.Contains(after, link) {
		t.Errorf("the capability published after the list was kept is not in it")
	}
}
