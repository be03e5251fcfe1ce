package bench

import (
	"bytes"
	"context"
	"math"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2/registry"

	"duijie/index"
)

// tinyIndex holds five capabilities whose descriptions give the cjk
// bigrams known document frequencies: 电池 3, 管理 2, 材料 2, 热管 1.
func tinyIndex(t *testing.T, analyzer string) *index.Index {
	t.Helper()
	ix, err := index.OpenMem(analyzer)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	descs := []string{"电池", "电池材料", "电池管理", "热管理", "材料"}
	var docs []index.Doc
	for i, d := range descs {
		docs = append(docs, index.Doc{Type: index.DocCapability, ID: string(rune('a' + i)), Title: "t", Description: d})
	}
	if err := ix.Upsert(docs...); err != nil {
		t.Fatal(err)
	}
	return ix
}

func TestMLTTermsByHand(t *testing.T) {
	ix := tinyIndex(t, "cjk")
	an, err := registry.NewCache().AnalyzerNamed("cjk")
	if err != nil {
		t.Fatal(err)
	}
	// 电池电池热管理 → bigrams 电池 池电 电池 池热 热管 管理: tf 电池 2, others 1.
	// n = 5 postings; idf = 1 + ln((n+1)/(df+1)):
	//   电池 tf 2, df 3: 2 × (1 + ln(6/4)) = 2.810930
	//   热管 tf 1, df 1: 1 × (1 + ln(6/2)) = 2.098612
	//   管理 tf 1, df 2: 1 × (1 + ln(6/3)) = 1.693147
	//   池电, 池热: in no posting, dropped.
	const src = "电池电池热管理"
	tests := []struct {
		name              string
		max, minTF, minDF int
		want              []MLTTerm
	}{
		{"all that the index holds", 25, 1, 1, []MLTTerm{
			{"电池", 2, 3, 2.810930}, {"热管", 1, 1, 2.098612}, {"管理", 1, 2, 1.693147}}},
		{"top two", 2, 1, 1, []MLTTerm{{"电池", 2, 3, 2.810930}, {"热管", 1, 1, 2.098612}}},
		{"min term freq 2 (Elasticsearch's default)", 25, 2, 1, []MLTTerm{{"电池", 2, 3, 2.810930}}},
		{"min doc freq 2", 25, 1, 2, []MLTTerm{{"电池", 2, 3, 2.810930}, {"管理", 1, 2, 1.693147}}},
		{"min doc freq 5 (Elasticsearch's default)", 25, 1, 5, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := MLTTerms(context.Background(), ix, an, index.DocCapability, index.TextFields, src, tt.max, tt.minTF, tt.minDF)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
			for i := range got {
				g, w := got[i], tt.want[i]
				if g.Term != w.Term || g.TF != w.TF || g.DF != w.DF || math.Abs(g.Score-w.Score) > 1e-6 {
					t.Errorf("term %d: got %+v, want %+v", i, g, w)
				}
			}
		})
	}
}

// TestBaselinesIDsAndScoresOnly: both baselines get ids and scores of the
// best postings, never their stored fields or match locations.
func TestBaselinesIDsAndScoresOnly(t *testing.T) {
	ctx := context.Background()
	for _, analyzer := range []string{"cjk", index.AnalyzerIndex} {
		ix := tinyIndex(t, analyzer)
		an, err := registry.NewCache().AnalyzerNamed(analyzer)
		if err != nil {
			t.Fatal(err)
		}
		terms, err := MLTTerms(ctx, ix, an, index.DocCapability, index.TextFields, "电池热管理", MLTMaxQueryTerms, 1, 1)
		if err != nil || len(terms) == 0 {
			t.Fatalf("%s: terms %v, %v", analyzer, terms, err)
		}
		for name, q := range map[string]index.Query{
			"match": MatchQuery(index.DocCapability, "电池热管理", 10),
			"mlt":   MLTQuery(index.DocCapability, terms, 10),
		} {
			res, err := ix.Search(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Hits) < 3 {
				t.Errorf("%s %s: %d hits", analyzer, name, len(res.Hits))
			}
			for _, h := range res.Hits {
				empty := index.Doc{Type: h.Type, ID: h.ID}
				if h.ID == "" || h.Score <= 0 || h.Doc.Title != "" || h.Doc.Description != "" || h.Matches != nil ||
					h.Doc.Type != empty.Type || h.Doc.ID != empty.ID {
					t.Errorf("%s %s: hit %+v has more than id and score", analyzer, name, h)
				}
			}
		}
	}
}

func TestPrintSideBySide(t *testing.T) {
	r := &Report{Docs: 10, Queries: 5, Seed: 1, CPUs: 2, Variants: []Figures{
		{Name: "duijie", Index: "duijie", IndexMB: 2, Probe: Probe{P50MS: 10, Measured: 5}},
		{Name: "bleve-cjk", Index: "bleve-cjk", IndexMB: 4, Probe: Probe{P50MS: 20, Measured: 5}},
		{Name: "mlt-cjk", Index: "bleve-cjk", Method: MethodMLT, IndexMB: 4, Probe: Probe{P50MS: 5, Measured: 3}},
	}}
	var b bytes.Buffer
	Print(&b, r)
	out := b.String()
	for _, want := range []string{
		"mlt-cjk: 3 of 5 queries timed", "mlt-cjk: mlt on the bleve-cjk index",
		"/bleve-cjk   /mlt-cjk", "index size MB", "0.5x", "2x",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "index size MB") {
			continue
		}
		_, ratios, _ := strings.Cut(line, "|")
		if !strings.Contains(line, "=") || strings.Fields(ratios)[0] != "0.5x" || strings.Fields(ratios)[1] != "lower" {
			t.Errorf("index size of a shared index: %q", line)
		}
	}
}
