package server

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"duijie/internal/duijie"
)

// TestExpiredChallengeHTTP: a challenge whose deadline passed is out of
// the default list, the search, the API and the match rankings of every
// reader, still opens (marked 已截止, without the proposal form), comes
// back with 显示已截止, and cannot be given a past deadline.
func TestExpiredChallengeHTTP(t *testing.T) {
	if testing.Short() {
		t.Skip("loads its own demo store")
	}
	st := newTestStack(t)
	ctx := context.Background()
	// The store has no rule about today: move ch-a001's deadline to
	// yesterday there, as if the days had passed, and index it.
	c, err := st.db.Challenge(ctx, "ch-a001")
	if err != nil {
		t.Fatal(err)
	}
	yesterday := duijie.Today(time.Now()).AddDate(0, 0, -1)
	c.Deadline = yesterday
	if err := st.db.UpdateChallenge(ctx, c); err != nil {
		t.Fatal(err)
	}
	st.srv.svc.Sync(ctx)

	q := url.QueryEscape("液冷板")
	link := `href="/challenges/ch-a001"`
	for _, who := range []string{"", "qiye", "yuansuo", "jingjiren"} {
		cl := st.as(t, who)
		// check GETs target and requires ch-a001 listed there or not, and
		// the texts also.
		check := func(target string, listed bool, also ...string) {
			t.Helper()
			res, body := cl.do(t, "GET", target, nil, nil)
			if res.StatusCode != 200 {
				t.Fatalf("%s: GET %s: %d", who, target, res.StatusCode)
			}
			if has := strings.Contains(body, link) || strings.Contains(body, `"id":"ch-a001"`); has != listed {
				t.Errorf("%s: GET %s lists the expired challenge: %v, want %v", who, target, has, listed)
			}
			for _, s := range also {
				if !strings.Contains(body, s) {
					t.Errorf("%s: GET %s lacks %q", who, target, s)
				}
			}
		}
		check("/challenges?q="+q, false)
		check("/challenges?q="+q+"&expired=1", true, "已截止", "✓ 显示已截止")
		check("/api/v1/challenges?q="+q, false)
		check("/api/v1/challenges?q="+q+"&expired=1", true, `"expired":true`)
		check("/capabilities/cap-a001", false)
		check("/api/v1/capabilities/cap-a001/matches?limit=50", false)
		check("/challenges/ch-a001", false, "已截止", "该需求已过截止日期")
	}
	_, body := st.as(t, "yuansuo").do(t, "GET", "/challenges/ch-a001", nil, nil)
	if strings.Contains(body, "提交揭榜意向") {
		t.Error("an expired challenge offers the proposal form")
	}
	_, body = st.as(t, "qiye").do(t, "GET", "/challenges/ch-a001", nil, nil)
	if !strings.Contains(body, "如仍需合作，请编辑需求、修改截止日期") {
		t.Error("the owner is not told how to open it again")
	}

	// A past deadline is refused with a message next to the field; the
	// unchanged one of an expired challenge may stay.
	form := url.Values{"title": {c.Title}, "problem": {c.Problem}, "industry": {string(c.Industry)}, "modes": duijie.ModeNames(c.Modes),
		"visibility": {string(c.Visibility)}, "deadline": {yesterday.Format(duijie.DateLayout)}}
	res, _ := st.as(t, "qiye").do(t, "POST", "/challenges/ch-a001/edit", form, nil)
	if res.StatusCode != 303 {
		t.Errorf("edit keeping the passed deadline: %d", res.StatusCode)
	}
	form.Set("deadline", yesterday.AddDate(0, 0, -1).Format(duijie.DateLayout))
	res, body = st.as(t, "qiye").do(t, "POST", "/challenges/ch-a001/edit", form, nil)
	if res.StatusCode != 422 || !strings.Contains(body, "截止日期不能早于今天") {
		t.Errorf("edit to an earlier deadline: %d %.300s", res.StatusCode, body)
	}
	form.Set("deadline", yesterday.Format(duijie.DateLayout))
	form.Set("action", "publish")
	res, body = st.as(t, "qiye").do(t, "POST", "/challenges/new", form, nil)
	if res.StatusCode != 422 || !strings.Contains(body, "截止日期不能早于今天") {
		t.Errorf("new challenge with a past deadline: %d %.300s", res.StatusCode, body)
	}
}
