package server_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"duijie/internal/duijie"
)

// TestBrowserDashboard opens the dashboard as the demo broker jingjiren,
// reads its charts and tables, downloads an export from the page's own
// link (the bytes of an .xlsx start with PK), and checks the page on a
// phone. With -screenshots it writes docs/screenshots/dashboard.png.
func TestBrowserDashboard(t *testing.T) {
	chromium := browserFind(t)
	base, passwords := browserStack(t)
	newTab := browserStart(t, chromium)
	broker := newTab()
	step := func(name string, f func(p *browserPage)) bool {
		return t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(broker, browserJourneyTimeout)
			defer cancel()
			f(&browserPage{t: t, ctx: ctx, base: base})
		})
	}
	// The demo postings were published over the last years: a custom
	// period of nine years up to today takes them all in.
	today := duijie.Today(time.Now())
	period := fmt.Sprintf("/broker/dashboard?period=custom&from=%s&to=%s",
		today.AddDate(-9, 0, 0).Format(duijie.DateLayout), today.Format(duijie.DateLayout))

	if !step("broker records two contracts", func(p *browserPage) {
		p.signIn("jingjiren", passwords["jingjiren"], "/broker/queue")
		for _, c := range []map[string]string{
			{"challenge": "ch-a024", "type": "development", "title": "储能电池热管理技术开发", "seller": "合肥工业大学",
				"amount": "860000", "signed": today.AddDate(0, 0, -20).Format(duijie.DateLayout)},
			{"challenge": "ch-a001", "type": "service", "title": "电芯材料检测技术服务", "seller": "皖西学院",
				"amount": "125000", "signed": today.AddDate(0, 0, -12).Format(duijie.DateLayout),
				"reg_no": "2026340015009001", "registered": today.AddDate(0, 0, -5).Format(duijie.DateLayout)},
		} {
			p.open("/broker/contracts/new", 200)
			p.fill(`main form[action="/broker/contracts"]`, c)
			if got := p.submit(`main form[action="/broker/contracts"] button`, 200); got != "/broker/contracts" {
				p.t.Fatalf("recording %s led to %s: %.300s", c["title"], got, p.text("main"))
			}
		}
	}) {
		return
	}

	if !step("broker opens the dashboard", func(p *browserPage) {
		if got := p.submit(`.menu a[href="/broker/dashboard"]`, 200); got != "/broker/dashboard" {
			p.t.Fatalf("the menu led to %s", got)
		}
		p.wantText("main h1", "统计看板")
		p.open(period, 200)
		p.wantText(".dash-period", "至")
		if n := p.count("main svg"); n != 7 {
			p.t.Errorf("%d charts, want the funnel and six bar charts", n)
		}
		if n := p.count("#funnel svg rect"); n != 6 {
			p.t.Errorf("the funnel has %d steps, want 6", n)
		}
		if posted := p.text("#funnel tbody tr:first-child td.num"); posted == "" || posted == "0" {
			p.t.Errorf("no challenges posted in the demo period: %q", posted)
		}
		p.wantText("#stages table", "待受理")
		p.wantText(".kpis", "98.50") // 860,000 + 125,000 元
		p.wantText("#types table", "技术开发")
		browserEval[bool](p, `(window.scrollTo(0, 0), true)`)
		p.shot("dashboard.png")
	}) {
		return
	}

	step("broker downloads the dashboard and a list as xlsx", func(p *browserPage) {
		for _, sel := range []string{`.exports a[href^="/broker/export/dashboard.xlsx?"]`, `.exports a[href="/broker/export/contracts.xlsx"]`} {
			expr := fmt.Sprintf(`(async () => {
				const a = document.querySelector(%q);
				if (!a) return "no link";
				const r = await fetch(a.href);
				const b = new Uint8Array(await r.arrayBuffer());
				return r.status + " " + String.fromCharCode(b[0], b[1]) + " " + r.headers.get("content-type") + " " + b.length;
			})()`, sel)
			got, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](expr, chromedp.EvalAwaitPromise))
			p.must(err, "fetch "+sel)
			if !strings.HasPrefix(got, "200 PK application/vnd.openxmlformats-officedocument.spreadsheetml.sheet ") {
				p.t.Errorf("%s: %s", sel, got)
			}
		}
	})

	step("dashboard on a phone", func(p *browserPage) {
		p.must(chromedp.Do(p.ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile)), "emulate")
		p.open(period, 200)
		if w := browserEval[int](p, `document.documentElement.scrollWidth`); w > 390 {
			p.t.Errorf("the dashboard is %dpx wide in a 390px viewport", w)
		}
		if w := browserEval[int](p, `Math.round(document.querySelector("#funnel svg").getBoundingClientRect().width)`); w > 390 || w < 200 {
			p.t.Errorf("the funnel is %dpx wide on a phone", w)
		}
	})
}
