package server_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserContractJourney is the broker's workflow in Chromium, each
// person in a session of their own: an institute proposes on a challenge;
// the broker takes it up and recommends it; both sides accept and then see
// each other's contacts; the broker moves it to 洽谈中, notes a visit and
// records a contract with its 登记编号; the enterprise sees the stage and
// the inbox message.
func TestBrowserContractJourney(t *testing.T) {
	start := time.Now()
	j := newBrowserJourney(t)
	passwords, step := j.passwords, j.step
	ent, broker, inst := j.tab(), j.tab(), j.tab()
	const (
		challenge = "/challenges/ch-a001" // 安徽淠源新能源 (qiye), public
		title     = "动力电池模组液冷板优化"
		regNo     = "2026340015000789"
	)
	var intro string // the introduction's path

	if !step(inst, "institute proposes", func(p *browserPage) {
		p.signIn("yuansuo", passwords["yuansuo"], "/my")
		p.open(challenge, 200)
		form := `#propose form`
		p.fill(form, map[string]string{
			"approach": "采用仿生流道液冷板与分区流量控制，配合电芯间导热垫优化，目标快充末段温差 ≤3℃。",
			"team":     "皖西学院电气与光电工程学院热管理团队，副教授 2 名、研究生 5 名",
			"months":   "8",
		})
		if got := p.submit(form+" button", 200); got != challenge {
			p.t.Fatalf("the proposal led to %s; page: %.300s", got, p.text("main"))
		}
	}) {
		return
	}

	if !step(ent, "the enterprise hears a proposal waits, not who made it", func(p *browserPage) {
		p.signIn("qiye", passwords["qiye"], "/my")
		p.wantText("table.intros tbody", "科技局审核中")
		if strings.Contains(p.text("table.intros tbody"), "皖西学院") {
			p.t.Error("the proposer is named before the bureau recommended it")
		}
	}) {
		return
	}

	if !step(broker, "broker takes it up and recommends it", func(p *browserPage) {
		p.signIn("jingjiren", passwords["jingjiren"], "/broker/queue")
		p.open("/broker/queue?view=unassigned", 200)
		link := `table.queue a[href^="/introductions/"]`
		if !strings.Contains(p.text(link), title) {
			p.t.Fatalf("the proposal is not in the unassigned view: %.400s", p.text("main"))
		}
		intro = p.submit(link, 200)
		p.wantText("main h1", title)
		p.wantText(".detail", "皖西学院")
		if got := p.submit(`form[action$="/take"] button`, 200); got != intro {
			p.t.Fatalf("taking it led to %s", got)
		}
		p.wantText(".flash", "已由您负责跟进")
		form := `#stage-form`
		p.must(chromedp.Do(p.ctx, chromedp.SetValue(chromedp.CSS(form+` select[name=to]`), "recommended")), "choose 推荐")
		p.fill(form, map[string]string{"note": "团队做过同类液冷板项目，建议双方先约一次技术交流。"})
		if got := p.submit(form+" button", 200); got != intro {
			p.t.Fatalf("recommending led to %s; page: %.300s", got, p.text("main"))
		}
		p.wantText(".stages .current", "已推荐")
	}) {
		return
	}

	accept := func(who string) func(p *browserPage) {
		return func(p *browserPage) {
			p.open(intro, 200)
			p.wantText("#answer h2", "是否愿意对接")
			if strings.Contains(p.text("main"), "13905640202") || strings.Contains(p.text("main"), "13805640101") {
				p.t.Fatalf("%s sees the other side's phone before both accepted", who)
			}
			p.click(`#answer input[name=answer][value=accept]`)
			if got := p.submit(`#answer button`, 200); got != intro {
				p.t.Fatalf("accepting led to %s; page: %.300s", got, p.text("main"))
			}
			p.wantText(".flash", "您的答复已提交")
		}
	}
	if !step(ent, "the enterprise accepts (inbox first)", func(p *browserPage) {
		p.open("/my", 200)
		if p.count(".who .badge") == 0 {
			p.t.Error("no unread badge in the header")
		}
		p.open("/inbox", 200)
		p.wantText(".messages", "科技局为您推荐了对接")
		accept("the enterprise")(p)
		if strings.Contains(p.text("main"), "13905640202") {
			p.t.Error("the enterprise sees the institute's phone after accepting alone")
		}
	}) {
		return
	}
	if !step(inst, "the institute accepts and sees the enterprise's contacts", func(p *browserPage) {
		accept("the institute")(p)
		p.wantText(".stages .current", "双方确认")
		p.wantText("#contacts", "13805640101")
	}) {
		return
	}
	if !step(ent, "the enterprise sees the institute's contacts", func(p *browserPage) {
		p.open(intro, 200)
		p.wantText("#contacts", "13905640202")
		p.wantText("#contacts", "li.laoshi@wxc-demo.example")
	}) {
		return
	}

	if !step(broker, "broker: 洽谈中, a visit, a contract with its 登记编号", func(p *browserPage) {
		p.open(intro, 200)
		form := `#stage-form`
		p.must(chromedp.Do(p.ctx, chromedp.SetValue(chromedp.CSS(form+` select[name=to]`), "negotiating")), "choose 洽谈")
		if got := p.submit(form+" button", 200); got != intro {
			p.t.Fatalf("洽谈 led to %s", got)
		}
		p.wantText(".stages .current", "洽谈中")
		p.fill(`#note form`, map[string]string{"note": "走访淠源新能源，现场查看模组台架，约定先做两轮样件测试。"})
		if got := p.submit(`#note button`, 200); got != intro {
			p.t.Fatalf("the note led to %s", got)
		}
		p.wantText(".timeline", "走访淠源新能源")
		contract := `#contract form`
		p.must(chromedp.Do(p.ctx, chromedp.SetValue(chromedp.CSS(contract+` select[name=type]`), "development")), "choose 技术开发")
		p.fill(contract, map[string]string{"title": "动力电池模组液冷板优化技术开发", "amount": "860000", "local_amount": "860000",
			"signed": "2026-03-18", "reg_no": regNo, "registered": "2026-03-25"})
		if got := p.submit(contract+" button", 200); got != intro {
			p.t.Fatalf("the contract led to %s; page: %.400s", got, p.text("main"))
		}
		p.wantText(".stages .current", "已登记")
		p.wantText(".detail", "86.00 万元")
		p.wantText(".detail", regNo)
		p.shot("introduction.png")
		p.open("/broker/queue?view=closed", 200)
		p.wantText("table.queue", "已登记")
		p.shot("queue.png")
	}) {
		return
	}

	step(ent, "the enterprise sees the stage and the message", func(p *browserPage) {
		p.open("/my", 200)
		p.wantText("table.intros", "已登记")
		p.open("/inbox", 200)
		p.wantText(".messages", "已登记")
		p.wantText(".messages", "登记编号 "+regNo)
		p.shot("inbox.png")
	})
	t.Logf("the contract journey took %s", time.Since(start).Round(time.Millisecond))
}
