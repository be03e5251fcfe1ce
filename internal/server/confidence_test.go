package server

import (
	"net/url"
	"strings"
	"testing"
)

// TestConfidencePages: match cards show the calibrated confidence in words,
// and a challenge nobody in the demo set answers gets the no-strong-partner
// notice with what helps, its weak hits behind a switch.
func TestConfidencePages(t *testing.T) {
	if testing.Short() {
		t.Skip("loads its own demo store")
	}
	st := newTestStack(t)
	anon := st.anon(t)
	_, body := anon.do(t, "GET", "/challenges/ch-a001", nil, nil)
	for _, want := range []string{"很可能相关", "匹配把握"} {
		if !strings.Contains(body, want) {
			t.Errorf("ch-a001's matches lack %q", want)
		}
	}
	if strings.Contains(body, "暂未找到把握较大的合作方") {
		t.Error("ch-a001 is told it has no strong partner")
	}
	ent := st.as(t, "qiye")
	res, _ := ent.do(t, "POST", "/challenges/new", url.Values{"title": {"船用柴油机缸套穴蚀"},
		"problem": {"船用中速柴油机气缸套外壁冷却水侧出现穴蚀坑，运行两千小时后深度超过一毫米。"}, "industry": {"equipment"},
		"field": {"船舶动力"}, "keywords": {"缸套、穴蚀、柴油机"}, "modes": {"技术开发"}, "visibility": {"public"}, "action": {"publish"}}, nil)
	if res.StatusCode != 303 {
		t.Fatalf("posting: %d", res.StatusCode)
	}
	loc := res.Header.Get("Location")
	_, body = ent.do(t, "GET", strings.SplitN(loc, "?", 2)[0], nil, nil)
	for _, want := range []string{"暂未找到把握较大的合作方", "合肥、长三角", "仍然查看"} {
		if !strings.Contains(body, want) {
			t.Errorf("the marine challenge's page lacks %q", want)
		}
	}
	if strings.Contains(body, "很可能相关") {
		t.Error("a weak hit is called very likely")
	}
}
