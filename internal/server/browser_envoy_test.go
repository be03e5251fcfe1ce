package server_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"duijie/internal/duijie"
)

// TestBrowserEnvoy walks 科技特派员 through a real browser: the system
// administrator creates an envoy's account; a broker assigns the envoy to
// an enterprise; the envoy sets a password, logs a visit and drafts a
// challenge from it, which an anonymous reader does not find; a member of
// the enterprise confirms it and it is published. With -screenshots it
// writes docs/screenshots/envoy.png.
func TestBrowserEnvoy(t *testing.T) {
	chromium := browserFind(t)
	base, passwords := browserStack(t)
	newTab := browserStart(t, chromium)
	admin, broker, envoy, ent, anon := newTab(), newTab(), newTab(), newTab(), newTab()
	step := func(name string, tab context.Context, f func(p *browserPage)) bool {
		return t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(tab, browserJourneyTimeout)
			defer cancel()
			f(&browserPage{t: t, ctx: ctx, base: base})
		})
	}
	issued := ""
	if !step("the system administrator creates the envoy's account", admin, func(p *browserPage) {
		p.signIn("xitong", passwords["xitong"], "/admin/users")
		form := `main form[action="/admin/users"]`
		p.fill(form, map[string]string{"username": "tepai", "display_name": "特派员老周", "role": "envoy"})
		p.submit(form+" button", 200)
		issued = p.text("main .notice code")
		if issued == "" {
			t.Fatalf("no initial password: %.300s", p.text("main"))
		}
	}) {
		return
	}
	if !step("a broker assigns the envoy to an enterprise", broker, func(p *browserPage) {
		p.signIn("jingjiren", passwords["jingjiren"], "/broker/queue")
		p.open("/broker/envoys", 200)
		form := `main form[action="/broker/envoys/assignments"]`
		browserEval[string](p, `(() => { const s = document.querySelector('`+form+` select[name="envoy"]');
			s.value = [...s.options].find(o => o.text.includes("特派员老周")).value; return s.value })()`)
		p.fill(form, map[string]string{"org": "ent-a01"})
		p.submit(form+" button", 200)
		p.wantText("main .flash", "已派驻")
		p.wantText("main", "安徽淠源新能源科技有限公司")
	}) {
		return
	}
	const password = "Tepai-Zhou-2026"
	var challengePath string
	if !step("the envoy logs a visit and drafts a challenge", envoy, func(p *browserPage) {
		p.signIn("tepai", issued, "/account/password")
		form := `main form[action="/account/password"]`
		p.fill(form, map[string]string{"current": issued, "password": password, "password2": password})
		p.submit(form+" button", 200)
		p.signIn("tepai", password, "/envoy")
		p.wantText("main", "安徽淠源新能源科技有限公司")
		form = `main form[action="/envoy/visits"]`
		browserEval[string](p, `(() => { const s = document.querySelector('`+form+` select[name="assignment"]');
			s.value = s.options[1].value; return s.value })()`)
		p.fill(form, map[string]string{"on": duijie.Today(time.Now()).Format(duijie.DateLayout), "topic": "储能电池热失控预警",
			"findings": "储能柜缺少早期热失控预警手段，需要气体与温度联合监测。"})
		if got := p.submit(form+" button", 200); !strings.HasPrefix(got, "/envoy/visits/") {
			t.Fatalf("landed on %s", got)
		}
		p.wantText("main .flash", "走访记录已保存")
		p.submit(`main a[href$="/challenge"]`, 200)
		form = `main form[action$="/challenge"]`
		p.fill(form, map[string]string{"title": "储能柜热失控早期预警系统", "industry": "nev"})
		p.click(form + ` input[name="modes"][value="技术开发"]`)
		p.submit(form+" button", 200)
		p.wantText("main .flash", "企业确认前不会公开")
		p.wantText("main", "待企业确认")
		p.shot("envoy.png")
	}) {
		return
	}
	if !step("nobody else finds the draft", anon, func(p *browserPage) {
		p.open("/challenges?limit=50", 200)
		if strings.Contains(p.text("main"), "储能柜热失控早期预警系统") {
			t.Error("the unconfirmed draft is listed")
		}
	}) {
		return
	}
	if !step("the enterprise confirms it", ent, func(p *browserPage) {
		p.signIn("qiye", passwords["qiye"], "/my")
		p.open("/my/envoy-drafts", 200)
		p.wantText("main", "储能柜热失控早期预警系统")
		p.wantText("main", "特派员老周")
		challengePath = p.submit(`main form[action$="/confirm"] button`, 200)
		p.wantText("main h1", "储能柜热失控早期预警系统")
	}) {
		return
	}
	step("now it is public", anon, func(p *browserPage) {
		p.open(challengePath, 200)
		p.wantText("main h1", "储能柜热失控早期预警系统")
	})
	step("the envoy sees it confirmed", envoy, func(p *browserPage) {
		p.open("/envoy", 200)
		p.wantText("main", "企业已确认")
	})
}
