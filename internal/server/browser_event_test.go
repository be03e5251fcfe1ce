package server_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserEventJourney is a 对接会 in Chromium: a broker creates an
// event, invites two challenges and two capabilities, the enterprise
// confirms the slots it can come, the broker publishes the event,
// generates the timetable, adjusts it by hand (a removal and an addition,
// each priced before it is confirmed, and a change the rules refuse), and
// records an outcome that becomes an introduction, which shows in the
// broker's queue, and notifies the parties; the enterprise opens its
// agenda from the inbox and prints it.
func TestBrowserEventJourney(t *testing.T) {
	start := time.Now()
	j := newBrowserJourney(t)
	passwords, step := j.passwords, j.step
	broker, ent := j.tab(), j.tab()
	const theme = "新能源汽车与装备制造技术对接会"
	var event string // the event's path

	if !step(broker, "broker creates an event", func(p *browserPage) {
		p.signIn("jingjiren", passwords["jingjiren"], "/broker/queue")
		p.open("/events", 200)
		if got := p.submit(`main a[href="/events/new"]`, 200); got != "/events/new" {
			p.t.Fatalf("new event led to %s", got)
		}
		form := `form.event-form`
		p.fill(form, map[string]string{"theme": theme, "day": "2026-12-20", "place": "六安市科技大市场三楼", "tables": "3",
			"slots": "09:00–09:20\n09:20–09:40\n09:40–10:00"})
		p.click(form + ` input[name=industries][value=nev]`)
		p.click(form + ` input[name=industries][value=equipment]`)
		event = p.submit(form+" button", 200)
		if !strings.HasPrefix(event, "/events/ev-") {
			p.t.Fatalf("creating led to %s; page: %.300s", event, p.text("main"))
		}
		p.wantText(".flash", "对接会已创建")
		p.wantText("main h1", theme)
		p.wantText(".event .meta", "筹备中")
	}) {
		return
	}

	if !step(broker, "broker invites challenges and capabilities", func(p *browserPage) {
		for _, id := range []string{"ch-a001", "ch-a004"} {
			p.click(`#invite-challenges input[value="` + id + `"]`)
		}
		if got := p.submit(`#invite-challenges button`, 200); got != event {
			p.t.Fatalf("inviting led to %s", got)
		}
		p.wantText(".flash", "已邀请")
		for _, id := range []string{"cap-a018", "cap-a009"} {
			p.click(`#invite-capabilities input[value="` + id + `"]`)
		}
		if got := p.submit(`#invite-capabilities button`, 200); got != event {
			p.t.Fatalf("inviting led to %s", got)
		}
		if n := p.count(`table.parties tbody tr`); n != 4 {
			p.t.Fatalf("%d parties, want 4: %.400s", n, p.text("#parties"))
		}
		p.wantText("#parties", "安徽淠源新能源科技有限公司")
		p.wantText("#parties", "皖西学院")
		p.shot("event.png")
	}) {
		return
	}

	if !step(ent, "the enterprise confirms the slots it can come", func(p *browserPage) {
		p.signIn("qiye", passwords["qiye"], "/my")
		p.open("/inbox", 200)
		p.wantText(".messages", "科技局邀请您参加对接会")
		p.open(event, 200)
		p.wantText("#my-party", "动力电池模组液冷板优化")
		if strings.Contains(p.text("main"), "骏驰") {
			p.t.Error("the enterprise sees another enterprise taking part")
		}
		p.click(`#answer-form input[name=slots][value="2"]`) // not in the third slot
		if got := p.submit(`#answer-form button[value=attend]`, 200); got != event {
			p.t.Fatalf("confirming led to %s", got)
		}
		p.wantText(".flash", "已保存参会时段")
		p.wantText("#my-party", "第 1、2 时段")
	}) {
		return
	}

	timetable := func() string { return event + "/timetable" }
	if !step(broker, "broker publishes and generates the timetable", func(p *browserPage) {
		p.open(event, 200)
		p.must(chromedp.Do(p.ctx, chromedp.SetValue(chromedp.CSS(`#status-form select[name=status]`), "published")), "choose 已发布")
		if got := p.submit(`#status-form button`, 200); got != event {
			p.t.Fatalf("publishing led to %s", got)
		}
		p.wantText(".event .meta", "已发布")
		p.open(timetable(), 200)
		if got := p.submit(`#generate-form button`, 200); got != timetable() {
			p.t.Fatalf("generating led to %s", got)
		}
		p.wantText(".flash", "日程已生成")
		if p.count(`table.grid .meet`) == 0 {
			p.t.Fatalf("no meeting proposed: %.600s", p.text("main"))
		}
		if p.count(`#violations`) != 0 {
			p.t.Errorf("the proposal breaks the rules: %s", p.text("#violations"))
		}
		p.shot("event-timetable.png")
	}) {
		return
	}

	// The first meeting of the grid: its id, slot and table (1-based) and
	// its parties' names.
	var mid, slot, table, entName, instName string
	if !step(broker, "broker removes a meeting, priced first", func(p *browserPage) {
		got := browserEval[[]string](p, `(() => { const m = document.querySelector('table.grid .meet'); const td = m.closest('td');
			return [m.id.slice(2), String(td.parentElement.sectionRowIndex + 1), String(td.cellIndex),
				m.querySelector('.ent').textContent, m.querySelector('.inst').textContent]; })()`)
		mid, slot, table, entName, instName = got[0], got[1], got[2], got[3], got[4]
		p.must(chromedp.Do(p.ctx, chromedp.SetValue(chromedp.CSS(`#edit-form select[name=op]`), "remove")), "choose 取消")
		p.must(chromedp.Do(p.ctx, chromedp.SetValue(chromedp.CSS(`#edit-form select[name=meeting]`), mid)), "choose the meeting")
		if got := p.submit(`#edit-form button`, 200); got != timetable() {
			p.t.Fatalf("the preview led to %s", got)
		}
		p.wantText("#cost", "取消")
		p.wantText("#cost .summary", "总分 −")
		p.wantText("#cost .summary", "减为")
		p.shot("event-cost.png")
		if got := p.submit(`#confirm-form button`, 200); got != timetable() {
			p.t.Fatalf("confirming led to %s", got)
		}
		p.wantText(".flash", "日程已调整")
		if p.count("#m-"+mid) != 0 {
			p.t.Error("the removed meeting is still in the grid")
		}
	}) {
		return
	}

	if !step(broker, "broker adds the pair back by hand; the rules refuse a table taken", func(p *browserPage) {
		pair := browserEval[string](p, fmt.Sprintf(`[...document.querySelectorAll('#edit-form select[name=pair] option')]
			.find(o => o.textContent.startsWith(%q))?.value ?? ""`, entName+" ↔ "+instName))
		if pair == "" {
			p.t.Fatalf("the pair %s ↔ %s is not offered", entName, instName)
		}
		set := func(fields map[string]string) {
			for name, v := range fields {
				if !browserEval[bool](p, fmt.Sprintf(`(() => { const s = document.querySelector('#edit-form select[name=%s]'); s.value = %q; return s.value === %q; })()`, name, v, v)) {
					p.t.Fatalf("cannot choose %s = %s", name, v)
				}
			}
		}
		set(map[string]string{"op": "add", "pair": pair, "slot": slot, "table": table})
		p.submit(`#edit-form button`, 200)
		p.wantText("#cost .summary", "总分 +")
		p.wantText("#cost .summary", "增为")
		if got := p.submit(`#confirm-form button`, 200); got != timetable() {
			p.t.Fatalf("confirming led to %s", got)
		}
		p.wantText(".flash", "日程已调整")
		if p.count(`table.grid .meet.manual`) != 1 {
			p.t.Fatalf("no manual meeting in the grid: %.400s", p.text("table.grid"))
		}
		// Another pair at the same table in the same slot: refused, with why.
		another := browserEval[string](p, `[...document.querySelectorAll('#edit-form select[name=pair] option')].find(o => o.value)?.value ?? ""`)
		if another == "" {
			p.t.Fatal("no other pair is offered")
		}
		set(map[string]string{"op": "add", "pair": another, "slot": slot, "table": table})
		p.submit(`#edit-form button`, 200)
		p.wantText("#cost", "同时安排了")
		if p.count(`#confirm-form`) != 0 {
			p.t.Error("a change that breaks the rules may be confirmed")
		}
	}) {
		return
	}

	if !step(broker, "broker records an outcome that becomes an introduction", func(p *browserPage) {
		p.open(timetable(), 200)
		manual := browserEval[string](p, `document.querySelector('table.grid .meet.manual').id.slice(2)`)
		row := "#o-" + manual
		p.must(chromedp.Do(p.ctx, chromedp.SetValue(chromedp.CSS(row+` select[name=outcome]`), "intro")), "choose 生成对接")
		p.fill(row, map[string]string{"note": "双方约定下周到企业现场交流"})
		if got := p.submit(row+` button`, 200); got != timetable() {
			p.t.Fatalf("recording led to %s; page: %.300s", got, p.text("main"))
		}
		p.wantText(".flash", "已生成对接")
		p.wantText(row, "生成对接")
		intro := p.submit(row+` a[href^="/introductions/"]`, 200)
		if !strings.HasPrefix(intro, "/introductions/") {
			p.t.Fatalf("the outcome's link led to %s", intro)
		}
		p.wantText(".stages .current", "已推荐")
		p.wantText("main", "双方约定下周到企业现场交流")
		p.open("/broker/queue?view=mine", 200)
		p.wantText("table.queue", entName)
		p.wantText("table.queue", instName)
		if p.count(`table.queue a[href="`+intro+`"]`) != 1 {
			p.t.Errorf("the introduction %s is not in the broker's queue", intro)
		}
		p.open(timetable(), 200)
		if got := p.submit(`#notify-form button`, 200); got != timetable() {
			p.t.Fatalf("notifying led to %s", got)
		}
		p.wantText(".flash", "已通知参会方")
	}) {
		return
	}

	step(ent, "the enterprise opens its agenda from the inbox and prints it", func(p *browserPage) {
		p.open("/inbox", 200)
		p.wantText(".messages", "对接会日程："+theme)
		agenda := p.submit(`.messages li:first-child form button`, 200)
		if !strings.HasPrefix(agenda, event+"/agenda/") {
			p.t.Fatalf("the message led to %s", agenda)
		}
		p.wantText("main h2", "参会日程")
		if strings.Contains(p.text("main"), "很可能相关") {
			p.t.Error("the enterprise's agenda shows the bureau's match figures")
		}
		if hidden := browserEval[bool](p, `(() => { const s = [...document.styleSheets].find(s => s.href && s.href.endsWith('/events.css'));
			return !!s && [...s.cssRules].some(r => r.media && r.media.mediaText === 'print'); })()`); !hidden {
			p.t.Error("no print stylesheet for the agenda")
		}
		p.shot("event-agenda.png")
	})
	t.Logf("the event journey took %s", time.Since(start).Round(time.Millisecond))
}
