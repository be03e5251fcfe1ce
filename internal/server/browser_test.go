package server_test

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"duijie/internal/auth"
	"duijie/internal/duijie"
	"duijie/internal/indexer"
	"duijie/internal/portal"
	"duijie/internal/server"
	"duijie/internal/sqlite"
)

// The browser tests drive the real stack (store, index, portal, server)
// with headless Chromium through the journeys of an enterprise, the broker
// and an institute. Run with -screenshots to refresh docs/screenshots.
var browserScreenshots = flag.Bool("screenshots", false, "browser tests: write PNG screenshots to docs/screenshots")

const browserJourneyTimeout = 60 * time.Second

// browserFind returns Chromium's path, or skips (fails under CI=true).
func browserFind(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := "browser tests need Chromium: apt-get install -y chromium"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg + " (CI=true: browser tests must run)")
	}
	t.Skip(msg)
	return ""
}

func browserMust(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// browserStack starts the whole portal with the demo set in a temporary
// folder and returns its base URL and the demo passwords by username.
func browserStack(t *testing.T) (string, map[string]string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	dir := t.TempDir()
	db, err := sqlite.Open(ctx, filepath.Join(dir, "duijie.db"))
	browserMust(t, err)
	t.Cleanup(func() { db.Close() })
	ix, err := indexer.OpenIndexes(filepath.Join(dir, "index"))
	browserMust(t, err)
	t.Cleanup(func() { ix.Close() })
	logs, err := os.Create(filepath.Join(dir, "server.log")) // shown when a test fails
	browserMust(t, err)
	t.Cleanup(func() {
		logs.Close()
		if b, err := os.ReadFile(logs.Name()); t.Failed() && err == nil {
			t.Logf("server log:\n%s", b)
		}
	})
	log := slog.New(slog.NewTextHandler(logs, nil))
	hasher := auth.NewHasher(auth.Params{Memory: 64, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}, 2)
	svc, err := portal.New(ctx, db, ix, hasher, log)
	browserMust(t, err)
	logins, err := svc.LoadDemo(ctx, nil)
	browserMust(t, err)
	passwords := map[string]string{}
	for _, l := range logins {
		passwords[l.Username] = l.Password
	}
	srv, err := server.New(server.Config{Service: svc, Log: log, SecureCookies: true}) // as served: Chromium keeps Secure __Host- cookies on http://127.0.0.1
	browserMust(t, err)
	ready, done := make(chan string, 1), make(chan error, 1)
	go func() { done <- srv.Listen(ctx, "127.0.0.1:0", func(a string) { ready <- a }) }()
	t.Cleanup(func() { cancel(); <-done })
	select {
	case a := <-ready:
		return "http://" + a, passwords
	case err := <-done:
		done <- err // for the cleanup
		t.Fatalf("server did not start: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("server did not start in 30s")
	}
	return "", nil
}

// browserStart starts headless Chromium and returns a func that opens a
// tab with cookies of its own (one per person in the journeys).
func browserStart(t *testing.T, execPath string) func() context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(execPath), chromedp.NoSandbox, chromedp.Headless,
		chromedp.Flag("disable-gpu", true), chromedp.WindowSize(1280, 900))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	browser, cancelBrowser := chromedp.NewContext(alloc)
	t.Cleanup(cancelBrowser)
	if err := chromedp.Do(browser); err != nil { // starts the browser, with no deadline
		t.Fatalf("start Chromium: %v", err)
	}
	return func() context.Context {
		tab, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
		t.Cleanup(cancel)
		if err := chromedp.Do(tab, chromedp.EmulateViewport(1280, 900)); err != nil {
			t.Fatalf("open tab: %v", err)
		}
		return tab
	}
}

// browserPage is one person's tab during one step of the journeys.
type browserPage struct {
	t    *testing.T
	ctx  context.Context
	base string
}

func (p *browserPage) must(err error, what string) {
	p.t.Helper()
	if err != nil {
		p.t.Fatalf("%s: %v", what, err)
	}
}

// browserEval evaluates a JavaScript expression in the page.
func browserEval[T any](p *browserPage, expr string) T {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[T](expr))
	p.must(err, "evaluate "+expr)
	return v
}

// text is the text of the first element matching a CSS selector, "" if none.
func (p *browserPage) text(sel string) string {
	p.t.Helper()
	return browserEval[string](p, fmt.Sprintf(`(document.querySelector(%q)?.textContent ?? "").trim().replace(/\s+/g, " ")`, sel))
}

func (p *browserPage) count(sel string) int {
	p.t.Helper()
	return browserEval[int](p, fmt.Sprintf(`document.querySelectorAll(%q).length`, sel))
}

// wantText fails unless the element's text contains want.
func (p *browserPage) wantText(sel, want string) {
	p.t.Helper()
	if got := p.text(sel); !strings.Contains(got, want) {
		p.t.Errorf("%s: text %.300q does not contain %q", sel, got, want)
	}
}

// open navigates to a path of the portal and checks the answer's status.
func (p *browserPage) open(path string, status int64) {
	p.t.Helper()
	resp, err := chromedp.Run(p.ctx, chromedp.NavigateResponse(p.base+path))
	p.must(err, "open "+path)
	if resp.Status != status {
		p.t.Fatalf("GET %s: status %d, want %d; page: %.300s", path, resp.Status, status, p.text("main"))
	}
}

// fill sets fields by name in the form matching the CSS selector form.
func (p *browserPage) fill(form string, fields map[string]string) {
	p.t.Helper()
	for name, v := range fields {
		p.must(chromedp.Do(p.ctx, chromedp.SetValue(chromedp.CSS(form+` [name="`+name+`"]`), v)), "fill "+name)
	}
}

// click clicks the element matching the CSS selector, with no navigation.
func (p *browserPage) click(sel string) {
	p.t.Helper()
	p.must(chromedp.Do(p.ctx, chromedp.Click(chromedp.CSS(sel))), "click "+sel)
}

// submit clicks a button or link and waits for the page it leads to; it
// checks that page's status (after redirects) and returns its path.
func (p *browserPage) submit(sel string, status int64) string {
	p.t.Helper()
	resp, err := chromedp.RunResponse(p.ctx, chromedp.Click(chromedp.CSS(sel)))
	p.must(err, "click "+sel)
	u, err := url.Parse(resp.URL)
	p.must(err, "parse "+resp.URL)
	if resp.Status != status {
		p.t.Fatalf("%s led to %s with status %d, want %d; page: %.400s", sel, u.Path, resp.Status, status, p.text("main"))
	}
	return u.Path
}

// signIn signs a user in and checks where they land.
func (p *browserPage) signIn(username, password, wantPath string) {
	p.t.Helper()
	p.open("/login", 200)
	form := `main form[action="/login"]`
	p.fill(form, map[string]string{"username": username, "password": password})
	if got := p.submit(form+" button", 200); got != wantPath {
		p.t.Fatalf("%s signed in and landed on %s, want %s; page: %.300s", username, got, wantPath, p.text("main"))
	}
}

// shot writes the viewport as docs/screenshots/name under -screenshots.
func (p *browserPage) shot(name string) {
	p.t.Helper()
	if !*browserScreenshots {
		return
	}
	b, err := chromedp.Run(p.ctx, chromedp.CaptureScreenshot())
	p.must(err, "screenshot "+name)
	if len(b) > 400<<10 {
		p.t.Errorf("screenshot %s is %d KB, want at most 400 KB", name, len(b)>>10)
	}
	dir := filepath.Join("..", "..", "docs", "screenshots")
	p.must(os.MkdirAll(dir, 0o755), "mkdir "+dir)
	p.must(os.WriteFile(filepath.Join(dir, name), b, 0o644), "write "+name)
	p.t.Logf("wrote docs/screenshots/%s (%d KB)", name, len(b)>>10)
}

// browserCreditCode completes a 17-character prefix with its GB 32100
// check character.
func browserCreditCode(prefix string) string {
	for _, c := range "0123456789ABCDEFGHJKLMNPQRTUWXY" {
		if code := prefix + string(c); duijie.ValidCreditCode(code) {
			return code
		}
	}
	panic("no check character for " + prefix)
}

// browserJourney is a story told in Chromium against a fresh demo portal:
// one tab per person, and its steps.
type browserJourney struct {
	t         *testing.T
	base      string
	passwords map[string]string
	tab       func() context.Context
}

func newBrowserJourney(t *testing.T) *browserJourney {
	chromium := browserFind(t)
	base, passwords := browserStack(t)
	return &browserJourney{t: t, base: base, passwords: passwords, tab: browserStart(t, chromium)}
}

// step runs one step of the story on a person's tab, with its own
// deadline; false when it failed (the story stops there).
func (j *browserJourney) step(tab context.Context, name string, f func(p *browserPage)) bool {
	return j.t.Run(name, func(t *testing.T) {
		ctx, cancel := context.WithTimeout(tab, browserJourneyTimeout)
		defer cancel()
		f(&browserPage{t: t, ctx: ctx, base: j.base})
	})
}

func TestBrowserJourneys(t *testing.T) {
	start := time.Now()
	j := newBrowserJourney(t)
	passwords, step := j.passwords, j.step
	anon, ent, broker, inst := j.tab(), j.tab(), j.tab(), j.tab()

	const (
		orgName = "六安市栗香园食品有限公司"
		entUser = "lixiang"
		entPass = "Lixiang-2026!"
		word    = "板栗" // in no demo posting
		title   = "板栗冷库贮藏霉变与失水控制"
		prefix  = "91341522MA8R7K2W3" // 17 characters; the check character is computed
	)
	var challengePath string

	if !step(anon, "home", func(p *browserPage) {
		p.open("/", 200)
		p.wantText(".hero h1", "企业出题")
		if p.count(".two .card") == 0 {
			p.t.Error("the home page lists no postings")
		}
		p.shot("home.png")
	}) {
		return
	}

	if !step(ent, "enterprise registers", func(p *browserPage) {
		p.open("/register", 200)
		form := `main form[action="/register"]`
		typed := map[string]string{"org_name": orgName, "region": "la-jinzhai", "username": entUser, "display_name": "周经理", "phone": "13956400099"}
		good, bad := browserCreditCode(prefix), prefix+"X" // X: a wrong check character
		if bad == good {
			bad = prefix + "Y"
		}
		typed["credit_code"] = bad
		p.fill(form, typed)
		p.fill(form, map[string]string{"password": entPass, "password2": entPass})
		p.click(form + ` input[name=org_kind][value=enterprise]`)
		if got := p.submit(form+" button", 422); got != "/register" {
			p.t.Fatalf("a bad credit code led to %s", got)
		}
		// The message stands next to the field, inside the field's label.
		p.wantText(`label:has(> input[name=credit_code]) .field-error`, "统一社会信用代码应为 18 位且校验位正确")
		p.wantText(".form-error", "请根据提示修改")
		for name, want := range typed {
			if got := browserEval[string](p, fmt.Sprintf(`document.querySelector('%s [name=%s]').value`, form, name)); got != want {
				p.t.Errorf("after the error, %s = %q, want %q as typed", name, got, want)
			}
		}
		if !browserEval[bool](p, `document.querySelector('input[name=org_kind][value=enterprise]').checked`) {
			p.t.Error("after the error, the organisation kind is no longer 企业")
		}

		p.fill(form, map[string]string{"credit_code": good, "password": entPass, "password2": entPass})
		if got := p.submit(form+" button", 200); got != "/my" {
			p.t.Fatalf("registration landed on %s, want /my; page: %.300s", got, p.text("main"))
		}
		p.wantText(".flash", "注册成功")
		p.wantText("main .notice", "等待科技局审核")
		p.wantText("main .meta strong", orgName)
	}) {
		return
	}

	if !step(broker, "broker approves the registration", func(p *browserPage) {
		p.signIn("jingjiren", passwords["jingjiren"], "/broker/queue")
		p.open("/broker/orgs", 200)
		approve := fmt.Sprintf(`//article[h3[normalize-space()=%q]]//button[@value="approve"]`, orgName)
		resp, err := chromedp.RunResponse(p.ctx, chromedp.Click(chromedp.Search(approve)))
		p.must(err, "approve")
		if resp.Status != 200 || !strings.HasSuffix(resp.URL, "/broker/orgs?ok=reviewed") {
			p.t.Fatalf("approval led to %s (%d)", resp.URL, resp.Status)
		}
		p.wantText(".flash", "审核结果已保存")
		if strings.Contains(p.text("main"), orgName) {
			p.t.Error("the approved organisation is still listed for review")
		}
	}) {
		return
	}

	if !step(ent, "enterprise publishes a challenge", func(p *browserPage) {
		p.open("/my", 200)
		if p.count("main .notice") != 0 {
			p.t.Errorf("after approval /my still says: %s", p.text("main .notice"))
		}
		p.open("/challenges/new", 200)
		form := `main form.posting`
		p.fill(form, map[string]string{
			"title":    title,
			"problem":  "公司年收购金寨板栗约两千吨，采后在冷库贮藏三个月后霉变率超过百分之十五，失水导致果仁变硬。希望引入气调保鲜、冷链温湿度控制和生物防腐保鲜技术，延长板栗贮藏期。",
			"targets":  "贮藏六个月霉变率低于百分之三，失重率低于百分之五，不使用化学杀菌剂。",
			"field":    "果蔬保鲜",
			"keywords": "板栗、冷库、气调保鲜、防腐保鲜",
			"industry": "food",
		})
		p.click(form + ` input[name=modes][value="技术开发"]`)
		p.click(form + ` input[name=visibility][value=public]`)
		path := p.submit(form+` button[name=action][value=publish]`, 200)
		if !strings.HasPrefix(path, "/challenges/") || path == "/challenges/new" {
			p.t.Fatalf("publishing landed on %s; page: %.400s", path, p.text("main"))
		}
		challengePath = path
		p.wantText(".flash", "已发布")
		p.wantText("main h1", title)
		if p.count("#matches .match") == 0 {
			p.t.Fatalf("no match cards in #matches: %.300s", p.text("#matches"))
		}
		if p.count("#matches .match .why .chip") == 0 {
			p.t.Error("the match cards explain nothing: no reason chips")
		}
		// The end of the challenge and its first matches, in one picture.
		browserEval[bool](p, `(window.scrollTo(0, document.querySelector('#matches').offsetTop - 470), true)`)
		p.shot("matches.png")
	}) {
		return
	}

	if !step(inst, "institute finds the challenge and proposes", func(p *browserPage) {
		p.signIn("yuansuo", passwords["yuansuo"], "/my")
		p.open("/challenges?q="+url.QueryEscape(word), 200)
		link := fmt.Sprintf(`.results .card h3 a[href="%s"]`, challengePath)
		if p.count(link) != 1 {
			p.t.Fatalf("the search for %s does not list %s: %.400s", word, challengePath, p.text(".results"))
		}
		if got := p.text(link + " mark"); got != word {
			p.t.Errorf("title highlight = %q, want <mark>%s</mark>", got, word)
		}
		p.shot("search.png")
		if got := p.submit(link, 200); got != challengePath {
			p.t.Fatalf("the result led to %s", got)
		}
		p.wantText("main h1", title)
		form := `#propose form`
		p.fill(form, map[string]string{
			"approach": "采用气调包装结合壳聚糖涂膜与低温高湿贮藏，辅以臭氧间歇处理抑制霉菌。",
			"team":     "食品学院果蔬贮藏团队，教授 1 名、讲师 2 名、研究生 4 名",
			"months":   "10",
		})
		if got := p.submit(form+" button", 200); got != challengePath {
			p.t.Fatalf("the proposal led to %s; page: %.300s", got, p.text("main"))
		}
		p.wantText(".flash", "已提交，科技局技术经纪人将尽快与您联系")
	}) {
		return
	}

	if !step(broker, "broker sees the interest in the queue", func(p *browserPage) {
		p.open("/broker/queue", 200)
		if got := p.text(`table.data a[href^="/introductions/"]`); got != title {
			p.t.Fatalf("queue link = %q, want the title %q; queue: %.400s", got, title, p.text("main"))
		}
		p.wantText("table.data tbody", "皖西学院")
		p.wantText("table.data tbody", "待受理") // queue.png: TestBrowserContractJourney
	}) {
		return
	}

	step(anon, "challenge page at mobile width", func(p *browserPage) {
		p.must(chromedp.Do(p.ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile)), "emulate")
		p.open(challengePath, 200)
		p.wantText("main h1", title)
		if w := browserEval[int](p, `document.documentElement.scrollWidth`); w > 390 {
			p.t.Errorf("the challenge page is %dpx wide in a 390px viewport: it scrolls sideways", w)
		}
		p.shot("mobile.png")
	})
	t.Logf("browser journeys took %s", time.Since(start).Round(time.Millisecond))
}
