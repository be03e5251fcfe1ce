package match

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"duijie/index"
	"duijie/internal/demo"
	"duijie/internal/duijie"
)

var update = flag.Bool("update", false, "rewrite golden files")

var now = time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)

// MustIndex opens an in-memory index holding postings.
func MustIndex(tb testing.TB, caps []duijie.Capability, chs []duijie.Challenge) *index.Index {
	tb.Helper()
	ix, err := index.OpenMem(index.AnalyzerIndex)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { ix.Close() })
	var docs []index.Doc
	for i := range caps {
		docs = append(docs, CapabilityDoc(&caps[i]))
	}
	for i := range chs {
		docs = append(docs, ChallengeDoc(&chs[i]))
	}
	if err := ix.Upsert(docs...); err != nil {
		tb.Fatal(err)
	}
	return ix
}

var fixtureCaps = []duijie.Capability{
	{ID: "c-bat", OrgName: "合肥工业大学", Kind: duijie.KindAchievement, Title: "锂离子电池包液冷热管理技术",
		Description: "研制了微通道液冷板与相变材料耦合的电池包热管理系统，快充工况电芯温差小于3℃。",
		TRL:         7, Industry: "nev", Modes: []duijie.Mode{"技术开发", "技术转让"}, Region: "安徽省六安市金安区",
		Status: duijie.StatusPublished, Posted: now.AddDate(0, -1, 0)},
	{ID: "c-bld", OrgName: "东南大学", Kind: duijie.KindEquipment, Title: "建筑围护结构热管理检测平台",
		Description: "面向建筑节能的热工检测平台，可开展热管理方案评估。",
		TRL:         8, Industry: "green", Modes: []duijie.Mode{"技术服务"}, Region: "江苏省南京市",
		Status: duijie.StatusPublished, Posted: now.AddDate(-1, 0, 0)},
	{ID: "c-alloy", OrgName: "钢铁研究总院", Kind: duijie.KindExpert, Title: "镍基高温合金单晶叶片定向凝固",
		Description: "长期从事高温合金定向凝固与单晶叶片铸造缺陷控制研究。",
		Industry:    "materials", Modes: []duijie.Mode{"技术咨询"}, Region: "北京市海淀区",
		Status: duijie.StatusPublished, Posted: now.AddDate(0, -6, 0)},
}

var fixtureChallenge = duijie.Challenge{
	ID: "ch-1", Title: "锂电池包热管理优化", Problem: "快充时电芯温差过大，希望提高液冷效果。",
	Keywords: []string{"锂电池", "液冷"}, Industry: "nev", Modes: []duijie.Mode{"技术开发"}, TRLExpect: 6,
	Region: "安徽省六安市霍山县", Status: duijie.StatusPublished, Posted: now,
}

func TestMatchExplains(t *testing.T) {
	ix := MustIndex(t, fixtureCaps, nil)
	m := New(ix)
	res, err := m.Match(context.Background(), FromChallenge(&fixtureChallenge), Options{LocalFirst: true, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Matches) != 2 || res.Matches[0].ID != "c-bat" || res.Matches[1].ID != "c-bld" {
		t.Fatalf("matches = %v, want c-bat then c-bld (the alloy expert shares no word)", matchIDs(res))
	}
	top := res.Matches[0]

	terms := map[string]MatchedTerm{}
	for _, mt := range top.Terms {
		terms[mt.Term] = mt
	}
	syn, ok := terms["锂电池"]
	if !ok || syn.Found != "锂离子电池" || !contains(syn.Fields, "标题") {
		t.Errorf("锂电池 should be found as its synonym 锂离子电池 in the title: %+v", top.Terms)
	}
	if tm, ok := terms["热管理"]; !ok || !contains(tm.Fields, "标题") || !contains(tm.Fields, "正文") {
		t.Errorf("热管理 should be found in title and body: %+v", top.Terms)
	}

	for _, want := range []string{"同属产业：新能源与新能源汽车", "合作方式相符：技术开发", "成熟度 TRL 7，达到期望的 TRL 6", "地域：六安本地（本地优先）"} {
		if !contains(top.Reasons, want) {
			t.Errorf("reasons %q lack %q", top.Reasons, want)
		}
	}
	var sum float64
	for _, p := range top.Parts {
		sum += p.Value
	}
	if math.Abs(sum-top.Score) > 0.01 {
		t.Errorf("parts add up to %.3f, score is %.3f", sum, top.Score)
	}
	var marked []string
	for _, f := range top.Title {
		if f.Hit {
			marked = append(marked, f.Text)
		}
	}
	// 锂离子电池 and 电池包 overlap: the mark covers both.
	if strings.Join(marked, "|") != "锂离子电池包|液冷|热管理" {
		t.Errorf("title marks %q, want 锂离子电池包, 液冷 and 热管理", marked)
	}

	// The building lab in 南京 shares words but no industry or mode.
	if r := res.Matches[1].Reasons; strings.Join(r, "|") != "成熟度 TRL 8，达到期望的 TRL 6|地域：长三角（本地优先）" {
		t.Errorf("c-bld reasons = %q, want the TRL and 长三角 ones", r)
	}
}

func TestMatchLocalFirstSwitch(t *testing.T) {
	ix := MustIndex(t, fixtureCaps, nil)
	m := New(ix)
	src := FromChallenge(&fixtureChallenge)
	on, err := m.Match(context.Background(), src, Options{LocalFirst: true, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	off, err := m.Match(context.Background(), src, Options{LocalFirst: false, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	part := func(mt Match, key string) float64 {
		for _, p := range mt.Parts {
			if p.Key == key {
				return p.Value
			}
		}
		t.Fatalf("no part %s", key)
		return 0
	}
	if part(on.Matches[0], "region") <= 0 || part(off.Matches[0], "region") != 0 {
		t.Errorf("region part: local first %.3f, off %.3f", part(on.Matches[0], "region"), part(off.Matches[0], "region"))
	}
	if on.Matches[0].Score <= off.Matches[0].Score {
		t.Error("a local partner should score higher with local first on")
	}
	for _, r := range off.Matches[0].Reasons {
		if strings.HasPrefix(r, "地域") {
			t.Errorf("region reason %q with local first off", r)
		}
	}
}

func TestMatchFiltersAndPaging(t *testing.T) {
	ix := MustIndex(t, fixtureCaps, nil)
	m := New(ix)
	src := FromChallenge(&fixtureChallenge)
	tests := []struct {
		name string
		opt  Options
		want []string
	}{
		{"industry", Options{Filter: index.Filter{Industries: []string{"green"}}}, []string{"c-bld"}},
		{"kind", Options{Filter: index.Filter{Kinds: []string{"achievement"}}}, []string{"c-bat"}},
		{"TRL range", Options{Filter: index.Filter{TRLMin: 8}}, []string{"c-bld"}},
		{"mode", Options{Filter: index.Filter{Modes: []string{"技术服务"}}}, []string{"c-bld"}},
		{"second page", Options{Limit: 1, Offset: 1}, []string{"c-bld"}},
		{"past the end", Options{Offset: 5}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opt.Now = now
			res, err := m.Match(context.Background(), src, tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			if got := matchIDs(res); strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestMatchBadSource(t *testing.T) {
	m := New(MustIndex(t, nil, nil))
	if _, err := m.Match(context.Background(), Source{Type: "x", Title: "热管理"}, Options{}); err == nil {
		t.Error("an unknown source type must fail")
	}
	res, err := m.Match(context.Background(), Source{Type: index.DocChallenge, Title: "的了和"}, Options{})
	if err != nil || len(res.Matches) != 0 || len(res.Terms) != 0 {
		t.Errorf("stop words only: %+v, %v; want no terms and no matches", res, err)
	}
}

func TestTermsWeighTitleOverBody(t *testing.T) {
	ix := MustIndex(t, fixtureCaps, nil)
	m := New(ix)
	terms, _, err := m.Terms(context.Background(), Source{Type: index.DocChallenge, Title: "液冷板设计",
		Description: "我们希望提高产品质量，实现电芯温差控制，目前液冷板设计不合理。"})
	if err != nil {
		t.Fatal(err)
	}
	weight := map[string]float64{}
	for _, tm := range terms {
		weight[tm.Text] = tm.Weight
	}
	if len(terms) == 0 || terms[0].Weight != 1 {
		t.Fatalf("terms %+v: the heaviest should be normalised to 1", terms)
	}
	for _, generic := range []string{"希望", "提高", "实现", "目前"} {
		if w, ok := weight[generic]; ok && w >= weight["温差"] {
			t.Errorf("generic %s (%.3f) weighs as much as 温差 (%.3f)", generic, w, weight["温差"])
		}
	}
}

func TestCapabilityToChallenges(t *testing.T) {
	other := fixtureChallenge
	other.ID, other.Title, other.Keywords, other.Industry = "ch-2", "高温合金叶片铸造疏松", []string{"高温合金"}, "materials"
	other.Problem = "单晶叶片铸件疏松缺陷多。"
	ix := MustIndex(t, nil, []duijie.Challenge{fixtureChallenge, other})
	res, err := New(ix).Match(context.Background(), FromCapability(&fixtureCaps[2]), Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if got := matchIDs(res); len(got) == 0 || got[0] != "ch-2" {
		t.Fatalf("capability → challenges = %v, want ch-2 first", got)
	}
}

func matchIDs(res *Result) []string {
	var out []string
	for _, m := range res.Matches {
		out = append(out, m.ID)
	}
	return out
}

// goldenMatch is what a golden file records of a match.
type goldenMatch struct {
	ID      string   `json:"id"`
	Title   string   `json:"title"`
	Score   string   `json:"score"`
	Terms   []string `json:"terms"`
	Reasons []string `json:"reasons"`
	Parts   []string `json:"parts"`
}

// TestGoldenDemo ranks demo postings both ways and compares the top five,
// with their explanations, to testdata/*.golden (-update rewrites them).
func TestGoldenDemo(t *testing.T) {
	set, err := demo.Load()
	if err != nil {
		t.Fatal(err)
	}
	ix := MustIndex(t, set.Capabilities, set.Challenges)
	m := New(ix)
	sources := map[string]Source{}
	for _, id := range []string{"ch-a001", "ch-a024", "ch-b001", "ch-b029"} {
		for i := range set.Challenges {
			if set.Challenges[i].ID == id {
				sources[id] = FromChallenge(&set.Challenges[i])
			}
		}
	}
	for _, id := range []string{"cap-a001", "cap-b020"} {
		for i := range set.Capabilities {
			if set.Capabilities[i].ID == id {
				sources[id] = FromCapability(&set.Capabilities[i])
			}
		}
	}
	if len(sources) != 6 {
		t.Fatalf("demo set lacks golden sources: found %d of 6", len(sources))
	}
	for id, src := range sources {
		t.Run(id, func(t *testing.T) {
			res, err := m.Match(context.Background(), src, Options{LocalFirst: true, Limit: 5, Now: now})
			if err != nil {
				t.Fatal(err)
			}
			var got []goldenMatch
			for _, mt := range res.Matches {
				g := goldenMatch{ID: mt.ID, Title: mt.Doc.Title, Score: fmt.Sprintf("%.3f", mt.Score), Reasons: mt.Reasons}
				for _, tm := range mt.Terms {
					s := tm.Term + "@" + strings.Join(tm.Fields, "/")
					if tm.Found != "" {
						s += "≈" + tm.Found
					}
					g.Terms = append(g.Terms, s)
				}
				for _, p := range mt.Parts {
					g.Parts = append(g.Parts, fmt.Sprintf("%s=%.3f", p.Key, p.Value))
				}
				got = append(got, g)
			}
			b, err := json.MarshalIndent(got, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", id+".golden")
			if *update {
				if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./internal/match -update)", err)
			}
			if string(want) != string(b)+"\n" {
				t.Errorf("ranking of %s changed; if intended, run go test ./internal/match -update and review the diff\ngot:\n%s", id, b)
			}
		})
	}
}

func benchmarkDemo(b *testing.B) (*Matcher, Source) {
	b.Helper()
	set, err := demo.Load()
	if err != nil {
		b.Fatal(err)
	}
	m := New(MustIndex(b, set.Capabilities, set.Challenges))
	return m, FromChallenge(&set.Challenges[0])
}

// BenchmarkTerms measures the query builder: analysis, term statistics,
// weighting, synonyms, sub-words and phrases of a full challenge.
func BenchmarkTerms(b *testing.B) {
	m, src := benchmarkDemo(b)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, _, err := m.Terms(ctx, src); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMatch measures a whole ranking with explanations on the demo set.
func BenchmarkMatch(b *testing.B) {
	m, src := benchmarkDemo(b)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := m.Match(ctx, src, Options{LocalFirst: true, Now: now}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestKeywordsIgnoreIndex: suggestions come from the text and the lexicon,
// the same whatever the index holds.
func TestKeywordsIgnoreIndex(t *testing.T) {
	ix := MustIndex(t, fixtureCaps, []duijie.Challenge{{ID: "x", Title: "钨铼热电偶", Problem: "铌酸锂薄膜", Industry: "nev",
		Modes: []duijie.Mode{"技术开发"}, Visibility: duijie.VisibilityBureau, Status: duijie.StatusDraft}})
	empty := MustIndex(t, nil, nil)
	src := Source{Type: index.DocChallenge, Title: "钨铼热电偶高温测量漂移", Description: "铌酸锂薄膜器件在高温下的测温漂移问题"}
	got, want := New(ix).Keywords(src, 8), New(empty).Keywords(src, 8)
	if strings.Join(got, ",") != strings.Join(want, ",") || len(got) == 0 {
		t.Fatalf("suggestions depend on the index: %v vs %v", got, want)
	}
}

// TestKeyTermsNoPlacesNoFragments: places (regions are a structured
// signal), organisation and form boilerplate, and segmentation fragments
// (a suffix, measure or degree character glued to its neighbour) never
// become key terms, so never chips; real compounds the dictionary lacks
// stay.
func TestKeyTermsNoPlacesNoFragments(t *testing.T) {
	caps := append([]duijie.Capability(nil), fixtureCaps...)
	caps = append(caps, duijie.Capability{ID: "c-mush", OrgName: "皖西学院", Kind: duijie.KindAchievement,
		Title: "香菇菌棒工厂化生产与出菇管理", Description: "菌棒出菇率高，畸形菇多，六个月出菇整齐；裕安区示范基地；高效浓缩；漏检率低于1%；流道压降。",
		Industry: "food", Modes: []duijie.Mode{"技术服务"}, Region: "la-yuan", Status: duijie.StatusPublished, Posted: now})
	ix := MustIndex(t, caps, nil)
	m := New(ix)
	src := Source{Type: index.DocChallenge, Title: "香菇菌棒出菇不齐，出菇率低于六成",
		Keywords:    []string{"香菇菌棒", "出菇率"},
		Description: "我公司位于六安市裕安区，菌棒养菌6个月后出菇率高低不一，畸形菇多，漏检率低于5%，评分按GB/T标准；采用高效浓缩；流道压降偏大。希望合作。"}
	terms, _, err := m.Terms(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, tm := range terms {
		got[tm.Text] = true
	}
	for _, bad := range []string{"率高", "率低于", "菇多", "效浓缩", "个月", "检率", "低于", "裕安区", "裕安", "六安", "六安市", "公司", "评分", "gb", "希望", "合作"} {
		if got[bad] {
			t.Errorf("%q is a key term: %v", bad, terms)
		}
	}
	for _, good := range []string{"菌棒", "出菇率", "畸形菇", "漏检"} {
		if !got[good] {
			t.Errorf("%q is not a key term: %v", good, terms)
		}
	}
}
