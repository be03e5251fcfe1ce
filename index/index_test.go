package index

import (
	"context"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2/mapping"
)

// MustOpenMem opens an in-memory index with docs in it.
func MustOpenMem(tb testing.TB, analyzer string, docs ...Doc) *Index {
	tb.Helper()
	ix, err := OpenMem(analyzer)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { ix.Close() })
	if err := ix.Upsert(docs...); err != nil {
		tb.Fatal(err)
	}
	return ix
}

var fixture = []Doc{
	{Type: DocCapability, ID: "p1", Kind: "achievement", Title: "锂离子电池热管理系统", Description: "研制了液冷板与相变材料复合的电池包热管理方案，电芯温差小于3℃。",
		Keywords: "热管理、液冷板", Industry: "nev", Region: "安徽省合肥市", RegionTier: "hefei", Modes: []string{"技术开发", "技术转让"}, TRL: 6, Status: "published", Visibility: "public",
		Posted: time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)},
	{Type: DocCapability, ID: "p2", Kind: "expert", Title: "高温合金定向凝固专家", Description: "长期从事镍基高温合金单晶叶片定向凝固工艺研究。",
		Keywords: "高温合金、单晶叶片", Industry: "materials", Region: "北京市海淀区", RegionTier: "other", Modes: []string{"技术咨询"}, TRL: 0, Status: "published", Visibility: "public",
		Posted: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)},
	{Type: DocCapability, ID: "p3", Kind: "equipment", Title: "建筑热管理与节能检测平台", Description: "面向建筑围护结构的热工检测与节能评估。",
		Keywords: "建筑节能", Industry: "green", Region: "安徽省六安市金安区", RegionTier: "local", Modes: []string{"技术服务"}, TRL: 8, Status: "published", Visibility: "public",
		Posted: time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)},
	{Type: DocChallenge, ID: "p1", Title: "电池包热管理方案", Description: "快充时电芯温差过大。", Industry: "nev", RegionTier: "local", Status: "published", Visibility: "public"},
}

func ids(res *Result) []string {
	var out []string
	for _, h := range res.Hits {
		out = append(out, h.ID)
	}
	return out
}

func TestSearch(t *testing.T) {
	ix := MustOpenMem(t, AnalyzerIndex, fixture...)
	ctx := context.Background()
	term := func(s string) []Term { return []Term{{Text: s, Weight: 1}} }
	tests := []struct {
		name string
		q    Query
		want []string
	}{
		{"term in title and description", Query{Type: DocCapability, Terms: term("热管理")}, []string{"p1", "p3"}},
		{"type keeps challenges out", Query{Type: DocChallenge, Terms: term("热管理")}, []string{"p1"}},
		{"sub-word of an indexed word", Query{Type: DocCapability, Terms: term("合金")}, []string{"p2"}},
		{"synonym as alternative", Query{Type: DocCapability, Terms: []Term{{Text: "锂电池", Alts: []string{"锂离子电池"}, Weight: 1}}}, []string{"p1"}},
		{"industry filter", Query{Type: DocCapability, Terms: term("热管理"), Filter: Filter{Industries: []string{"green"}}}, []string{"p3"}},
		{"region tier filter", Query{Type: DocCapability, Terms: term("热管理"), Filter: Filter{RegionTiers: []string{"hefei", "yrd"}}}, []string{"p1"}},
		{"mode filter", Query{Type: DocCapability, Terms: term("热管理"), Filter: Filter{Modes: []string{"技术转让"}}}, []string{"p1"}},
		{"kind filter", Query{Type: DocCapability, Terms: term("热管理"), Filter: Filter{Kinds: []string{"equipment"}}}, []string{"p3"}},
		{"TRL range", Query{Type: DocCapability, Terms: term("热管理"), Filter: Filter{TRLMin: 7, TRLMax: 9}}, []string{"p3"}},
		{"exclude ids", Query{Type: DocCapability, Terms: term("热管理"), Filter: Filter{ExcludeIDs: []string{"p1"}}}, []string{"p3"}},
		{"no terms lists newest first", Query{Type: DocCapability}, []string{"p3", "p1", "p2"}},
		{"zero-weight terms match nothing", Query{Type: DocCapability, Terms: []Term{{Text: "热管理"}}}, nil},
		{"query syntax is just text", Query{Type: DocCapability, Match: "热管理:方案"}, []string{"p1", "p3"}},
		{"operators are just words", Query{Type: DocCapability, Match: "AND OR NOT"}, nil},
		{"unknown word finds nothing", Query{Type: DocCapability, Terms: term("量子计算")}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := ix.Search(ctx, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			got := ids(res)
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("got %v, want %v", got, tt.want)
				}
			}
		})
	}
}

func TestSearchBadType(t *testing.T) {
	ix := MustOpenMem(t, AnalyzerIndex)
	if _, err := ix.Search(context.Background(), Query{Type: "posting"}); err == nil {
		t.Fatal("a query without a valid type must fail")
	}
	if err := ix.Upsert(Doc{Type: "x", ID: "1"}); err == nil {
		t.Fatal("a doc without a valid type must fail")
	}
}

func TestMatchLocationsAndStoredFields(t *testing.T) {
	ix := MustOpenMem(t, AnalyzerIndex, fixture...)
	res, err := ix.Search(context.Background(), Query{Type: DocCapability, Terms: []Term{{Text: "热管理", Weight: 1}}, Size: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 1 {
		t.Fatalf("want 1 hit, got %d", len(res.Hits))
	}
	h := res.Hits[0]
	if h.Doc.Title != "锂离子电池热管理系统" || h.Doc.TRL != 6 || len(h.Doc.Modes) != 2 || h.Doc.Posted.IsZero() || h.Doc.RegionTier != "hefei" {
		t.Errorf("stored fields not returned: %+v", h.Doc)
	}
	found := map[string]Span{}
	for _, m := range h.Matches {
		found[m.Field] = m.Spans[0]
	}
	if s, ok := found[FieldTitle]; !ok || h.Doc.Title[s.Start:s.End] != "热管理" {
		t.Errorf("title match spans %+v do not mark 热管理", found)
	}
	if s, ok := found[FieldKeywords]; !ok || h.Doc.Keywords[s.Start:s.End] != "热管理" {
		t.Errorf("keywords match spans %+v do not mark 热管理", found)
	}
}

func TestFacets(t *testing.T) {
	ix := MustOpenMem(t, AnalyzerIndex, fixture...)
	res, err := ix.Search(context.Background(), Query{Type: DocCapability, Facets: true})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]map[string]int{
		FieldKind:     {"achievement": 1, "expert": 1, "equipment": 1},
		FieldIndustry: {"nev": 1, "materials": 1, "green": 1},
		FieldModes:    {"技术开发": 1, "技术转让": 1, "技术咨询": 1, "技术服务": 1},
		FieldTRL:      {"6": 1, "8": 1},
	}
	for facet, values := range want {
		got := map[string]int{}
		for _, c := range res.Facets[facet] {
			if c.Count > 0 {
				got[c.Value] = c.Count
			}
		}
		if len(got) != len(values) {
			t.Errorf("facet %s = %v, want %v", facet, got, values)
			continue
		}
		for v, n := range values {
			if got[v] != n {
				t.Errorf("facet %s = %v, want %v", facet, got, values)
			}
		}
	}
}

func TestUpsertDeleteDocFreq(t *testing.T) {
	ix := MustOpenMem(t, AnalyzerIndex, fixture...)
	ctx := context.Background()
	docFreq := func(typ string) (uint64, uint64, error) {
		df, n, err := ix.DocFreqs(ctx, typ, []string{FieldTitle}, []string{"热管理"})
		if err != nil {
			return 0, 0, err
		}
		return df[0], n, nil
	}
	df, n, err := docFreq(DocCapability)
	// challenges have text fields of their own: the challenge p1 is not counted
	if err != nil || df != 2 || n != 4 {
		t.Fatalf("DocFreq(热管理) = %d of %d, %v; want 2 of 4", df, n, err)
	}
	changed := fixture[0]
	changed.Title = "钠离子电池储能系统"
	if err := ix.Upsert(changed); err != nil {
		t.Fatal(err)
	}
	if df, _, _ := docFreq(DocCapability); df != 1 {
		t.Errorf("after re-upsert DocFreq(热管理) = %d, want 1", df)
	}
	if df, _, _ := docFreq(DocChallenge); df != 1 {
		t.Errorf("challenge DocFreq(热管理) = %d, want 1", df)
	}
	if err := ix.Delete(DocCapability, "p1", "missing"); err != nil {
		t.Fatal(err)
	}
	if c, _ := ix.Count(); c != 3 {
		t.Errorf("Count after delete = %d, want 3", c)
	}
}

func TestMappingUsesBM25(t *testing.T) {
	m, ok := NewMapping(AnalyzerIndex).(*mapping.IndexMappingImpl)
	if !ok {
		t.Fatal("NewMapping is not an *IndexMappingImpl")
	}
	if m.ScoringModel != "bm25" {
		t.Errorf("ScoringModel = %q, want bm25", m.ScoringModel)
	}
	if err := m.Validate(); err != nil {
		t.Errorf("mapping does not validate: %v", err)
	}
	if got := m.AnalyzerNameForPath(FieldTitle); got != AnalyzerIndex {
		t.Errorf("title analyzer = %q", got)
	}
}

func TestOnDiskCompactReopenAndLock(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ { // three batches, three segments
		if err := ix.Upsert(fixture[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := ix.Compact(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir); err == nil {
		t.Fatal("a second open of a locked index must fail, not wait")
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	again, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if n, _ := again.Count(); n != 3 {
		t.Errorf("after compact and reopen: %d postings, want 3", n)
	}
	res, err := again.Search(context.Background(), Query{Type: DocCapability, Terms: []Term{{Text: "热管理", Weight: 1}}})
	if err != nil || len(res.Hits) != 2 {
		t.Errorf("search after reopen: %v hits, %v", len(res.Hits), err)
	}
}

// TestDeadlineAndRegionFilters: OpenOn keeps challenges open on a day
// (their last day included, those without a deadline always); Regions
// filters by code and the region facet counts codes.
func TestDeadlineAndRegionFilters(t *testing.T) {
	day := func(s string) time.Time { d, _ := time.Parse("2006-01-02", s); return d }
	ix := MustOpenMem(t, AnalyzerIndex,
		Doc{Type: DocChallenge, ID: "c1", Title: "电池热管理", Region: "la-jinan", RegionTier: "local", Status: "published", Deadline: day("2026-12-02")},
		Doc{Type: DocChallenge, ID: "c2", Title: "电池热管理", Region: "la-jinan", RegionTier: "local", Status: "published", Deadline: day("2026-12-03")},
		Doc{Type: DocChallenge, ID: "c3", Title: "电池热管理", Region: "hefei", RegionTier: "hefei", Status: "published"},
		Doc{Type: DocChallenge, ID: "c4", Title: "电池热管理", RegionTier: "", Status: "published", Deadline: day("2027-01-01")},
	)
	ctx := context.Background()
	for _, tt := range []struct {
		name string
		f    Filter
		want []string
	}{
		{"no filter", Filter{}, []string{"c1", "c2", "c3", "c4"}},
		{"open on the 3rd", Filter{OpenOn: day("2026-12-03")}, []string{"c2", "c3", "c4"}},
		{"open on the 4th", Filter{OpenOn: day("2026-12-04")}, []string{"c3", "c4"}},
		{"region", Filter{Regions: []string{"la-jinan"}}, []string{"c1", "c2"}},
		{"region and open", Filter{Regions: []string{"la-jinan"}, OpenOn: day("2026-12-03")}, []string{"c2"}},
	} {
		for _, terms := range [][]Term{nil, {{Text: "热管理", Weight: 1}}} {
			res, err := ix.Search(ctx, Query{Type: DocChallenge, Terms: terms, Filter: tt.f, Facets: true})
			if err != nil {
				t.Fatal(err)
			}
			got := ids(res)
			sort.Strings(got)
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("%s (terms %v): %v, want %v", tt.name, terms != nil, got, tt.want)
			}
			if tt.name == "no filter" {
				if f := res.Facets[FieldRegion]; len(f) != 3 || f[2] != (FacetCount{"la-jinan", 2}) {
					t.Errorf("region facet %v", f)
				}
			}
		}
	}
	res, err := ix.Search(ctx, Query{Type: DocChallenge, Filter: Filter{IDs: []string{"c2", "c3"}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range res.Hits {
		if (h.ID == "c2" && !h.Doc.Deadline.Equal(day("2026-12-03"))) || (h.ID == "c3" && !h.Doc.Deadline.IsZero()) {
			t.Errorf("%s: stored deadline %v", h.ID, h.Doc.Deadline)
		}
	}
}

// TestStaleMappingReplaced: an index built with another mapping version
// is replaced by an empty one at open (its content is derived data).
func TestStaleMappingReplaced(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ix")
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Upsert(fixture...); err != nil {
		t.Fatal(err)
	}
	ix.Close()
	for _, tc := range []struct {
		version string
		want    uint64
	}{{MappingVersion, uint64(len(fixture))}, {"1", 0}} {
		ix, err := Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := ix.Count(); n != tc.want {
			t.Errorf("opened after version %s: %d documents, want %d", tc.version, n, tc.want)
		}
		if err := ix.Upsert(fixture...); err != nil {
			t.Fatal(err)
		}
		if err := ix.SetMappingVersion("1"); err != nil {
			t.Fatal(err)
		}
		ix.Close()
	}
}
