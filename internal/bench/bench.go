package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"time"

	"github.com/blevesearch/bleve/v2/registry"

	"duijie/index"
	"duijie/internal/duijie"
	"duijie/internal/match"
	"duijie/internal/progress"
)

// Indexes built, the product's first; each is named after the variant that
// owns it.
var Indexes = []struct{ Name, Analyzer string }{
	{"duijie", index.AnalyzerIndex},
	{"bleve-cjk", "cjk"},
}

// Ways of matching a challenge text against an index.
const (
	MethodProduct = "product" // internal/match, as the portal calls it
	MethodMatch   = "match"   // the whole text as one match query per text field
	MethodMLT     = "mlt"     // the text's top tf-idf terms, OR-ed (MLTTerms)
)

// Variant is a way of matching on one of the Indexes.
type Variant struct {
	Name   string
	Index  string // a name in Indexes
	Method string
}

// Variants compared, product first. Every baseline asks for ids and scores
// of the top 10 only, as a Go developer would; mlt runs on both indexes:
// on the cjk bigram index it is what a search engine offers out of the box,
// on the product's index it differs from duijie by the query alone.
var Variants = []Variant{
	{"duijie", "duijie", MethodProduct},
	{"bleve-cjk", "bleve-cjk", MethodMatch},
	{"mlt-cjk", "bleve-cjk", MethodMLT},
	{"mlt-gse", "duijie", MethodMLT},
}

func analyzerOf(indexName string) string {
	for _, x := range Indexes {
		if x.Name == indexName {
			return x.Analyzer
		}
	}
	return ""
}

// Options of a benchmark run.
type Options struct {
	Docs     int
	Queries  int
	Seed     uint64
	Dir      string        // work folder for the indexes (kept)
	Progress io.Writer     // progress when a terminal
	Self     string        // this executable, run again to measure a fresh process
	Budget   time.Duration // time for timing queries, per variant
}

// Figures are one variant's measurements. Variants on the same index share
// its analyzer, indexing and size figures.
type Figures struct {
	Name        string  `json:"name"`
	Index       string  `json:"index"`
	Method      string  `json:"method"`
	AnalyzerMBs float64 `json:"analyzer_mb_s"`
	IndexDocsS  float64 `json:"index_docs_s"`
	IndexMB     float64 `json:"index_mb"`
	Probe
}

// Probe is what a fresh process measures: opening the index and matching.
type Probe struct {
	ReadyMS float64 `json:"ready_ms"` // dictionary load + index open
	HeapMB  float64 `json:"heap_mb"`  // live heap once ready
	PeakMB  float64 `json:"peak_heap_mb"`
	P50MS   float64 `json:"p50_ms"`
	P95MS   float64 `json:"p95_ms"`
	P99MS   float64 `json:"p99_ms"`
	// Measured is how many queries were timed (all, unless the time budget
	// ran out first).
	Measured int `json:"queries_measured"`
}

// Report is a whole run.
type Report struct {
	Docs     int       `json:"docs"`
	Queries  int       `json:"queries"`
	Seed     uint64    `json:"seed"`
	CPUs     int       `json:"cpus"`
	Variants []Figures `json:"variants"`
}

// Run builds the corpus once per variant, measures it, and has a fresh
// process open each index and run the queries.
func Run(ctx context.Context, opt Options) (*Report, error) {
	v, err := loadVocab()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(opt.Dir, 0o755); err != nil {
		return nil, err
	}
	qfile := filepath.Join(opt.Dir, "queries.json")
	qg := newGenerator(v, opt.Seed+1)
	qs := make([]challenge, opt.Queries)
	for i := range qs {
		qs[i] = qg.challenge()
	}
	b, _ := json.Marshal(qs)
	if err := os.WriteFile(qfile, b, 0o644); err != nil {
		return nil, err
	}

	rep := &Report{Docs: opt.Docs, Queries: opt.Queries, Seed: opt.Seed, CPUs: runtime.NumCPU()}
	built := map[string]Figures{}
	for _, x := range Indexes {
		var f Figures
		if f.AnalyzerMBs, err = analyzerRate(v, x.Analyzer, opt.Seed+2); err != nil {
			return nil, err
		}
		dir := filepath.Join(opt.Dir, x.Name)
		if err := os.RemoveAll(dir); err != nil {
			return nil, err
		}
		if f.IndexDocsS, err = build(ctx, v, dir, x.Analyzer, opt); err != nil {
			return nil, err
		}
		built[x.Name] = f
	}
	for _, variant := range Variants {
		f := built[variant.Index]
		f.Name, f.Index, f.Method = variant.Name, variant.Index, variant.Method
		dir := filepath.Join(opt.Dir, variant.Index)
		out, err := exec.CommandContext(ctx, opt.Self, "bench", "-probe", dir, "-analyzer", analyzerOf(variant.Index),
			"-method", variant.Method, "-queries-file", qfile, "-budget", opt.Budget.String()).Output()
		if err != nil {
			return nil, fmt.Errorf("bench: probe of %s: %v", variant.Name, exitDetail(err))
		}
		if err := json.Unmarshal(out, &f.Probe); err != nil {
			return nil, fmt.Errorf("bench: probe of %s: %v", variant.Name, err)
		}
		// Measured after a probe has opened the index once: scorch
		// deletes the files a merge made obsolete when it next opens.
		if f.IndexMB, err = dirMB(dir); err != nil {
			return nil, err
		}
		rep.Variants = append(rep.Variants, f)
	}
	return rep, nil
}

func exitDetail(err error) string {
	if ee, ok := err.(*exec.ExitError); ok && len(ee.Stderr) > 0 {
		return string(ee.Stderr)
	}
	return err.Error()
}

// analyzerRate analyses generated descriptions for at least a second.
func analyzerRate(v *vocab, analyzer string, seed uint64) (float64, error) {
	if analyzer == index.AnalyzerIndex {
		if _, err := index.LoadLexicon(index.LexiconDomain); err != nil {
			return 0, err
		}
	}
	a, err := registry.NewCache().AnalyzerNamed(analyzer)
	if err != nil {
		return 0, err
	}
	g := newGenerator(v, seed)
	texts := make([][]byte, 500)
	for i := range texts {
		texts[i] = []byte(g.text(100, 1500))
	}
	var bytes int
	start := time.Now()
	for time.Since(start) < time.Second {
		for _, t := range texts {
			a.Analyze(t)
			bytes += len(t)
		}
	}
	return float64(bytes) / 1e6 / time.Since(start).Seconds(), nil
}

// build indexes opt.Docs generated capabilities and returns docs per second.
// Two writers send batches at once, so one batch's analysis overlaps the
// other's segment building; generation runs ahead and is not timed.
func build(ctx context.Context, v *vocab, dir, analyzer string, opt Options) (float64, error) {
	ix, err := index.OpenWith(dir, analyzer)
	if err != nil {
		return 0, err
	}
	const batch = 1000
	batches := make(chan []index.Doc, 4)
	go func() {
		defer close(batches)
		g := newGenerator(v, opt.Seed)
		for i := 0; i < opt.Docs; i += batch {
			docs := make([]index.Doc, 0, batch)
			for j := i; j < min(i+batch, opt.Docs); j++ {
				docs = append(docs, g.capability(j))
			}
			select {
			case batches <- docs:
			case <-ctx.Done():
				return
			}
		}
	}()
	// wait for the first batches so generation does not count
	for len(batches) < cap(batches) && ctx.Err() == nil && opt.Docs > batch*cap(batches) {
		time.Sleep(10 * time.Millisecond)
	}
	bar := progress.New(opt.Progress, "index "+analyzer, opt.Docs)
	start := time.Now()
	errs := make(chan error, 2)
	for w := 0; w < 2; w++ {
		go func() {
			for docs := range batches {
				if err := ix.Upsert(docs...); err != nil {
					errs <- err
					for range batches {
					}
					return
				}
				bar.Add(len(docs))
			}
			errs <- nil
		}()
	}
	err = errors.Join(<-errs, <-errs, ctx.Err())
	bar.Done()
	if err == nil { // a bulk load ends merged, as reindex does; it is timed
		err = ix.Compact(ctx)
	}
	if cerr := ix.Close(); err == nil { // Close waits for merges to persist
		err = cerr
	}
	if err != nil {
		return 0, err
	}
	return float64(opt.Docs) / time.Since(start).Seconds(), nil
}

func dirMB(dir string) (float64, error) {
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			info, err := d.Info()
			if err != nil {
				return err
			}
			n += info.Size()
		}
		return nil
	})
	return float64(n) / (1 << 20), err
}

// ProbeIndex is the fresh process's part: open, measure heap, match with
// method (MethodProduct, MethodMatch or MethodMLT).
func ProbeIndex(ctx context.Context, dir, analyzer, method, queriesFile string, budget time.Duration) (*Probe, error) {
	switch method {
	case MethodProduct, MethodMatch, MethodMLT:
	default:
		return nil, fmt.Errorf("bench: method %q", method)
	}
	start := time.Now()
	if analyzer == index.AnalyzerIndex {
		if _, err := index.LoadLexicon(index.LexiconDomain); err != nil {
			return nil, err
		}
	}
	ix, err := index.OpenWith(dir, analyzer)
	if err != nil {
		return nil, err
	}
	defer ix.Close()
	p := &Probe{ReadyMS: ms(time.Since(start))}
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	p.HeapMB = float64(m.HeapAlloc) / (1 << 20)

	b, err := os.ReadFile(queriesFile)
	if err != nil {
		return nil, err
	}
	var qs []challenge
	if err := json.Unmarshal(b, &qs); err != nil {
		return nil, err
	}
	peak := make(chan float64)
	stop := make(chan struct{})
	go func() {
		var top float64
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			top = max(top, float64(m.HeapAlloc)/(1<<20))
			select {
			case <-stop:
				peak <- top
				return
			case <-t.C:
			}
		}
	}()
	mt := match.New(ix)
	an, err := registry.NewCache().AnalyzerNamed(analyzer)
	if err != nil {
		return nil, err
	}
	one := func(q challenge) error {
		var err error
		switch method {
		case MethodProduct:
			_, err = mt.Match(ctx, match.Source{Type: index.DocChallenge, Title: q.Title, Description: q.Description,
				Keywords: q.Keywords, Industry: duijie.Industry(q.Industry)}, match.Options{LocalFirst: true, Limit: 10})
		case MethodMatch:
			_, err = ix.Search(ctx, MatchQuery(index.DocCapability, q.text(), 10))
		case MethodMLT:
			var terms []MLTTerm
			terms, err = MLTTerms(ctx, ix, an, index.DocCapability, index.TextFields, q.text(),
				MLTMaxQueryTerms, MLTMinTermFreq, MLTMinDocFreq)
			if err == nil && len(terms) > 0 {
				_, err = ix.Search(ctx, MLTQuery(index.DocCapability, terms, 10))
			}
		}
		return err
	}
	for _, q := range qs[:min(10, len(qs))] { // warm up
		if err := one(q); err != nil {
			return nil, err
		}
	}
	lat := make([]time.Duration, 0, len(qs))
	begin := time.Now()
	for _, q := range qs {
		if budget > 0 && time.Since(begin) > budget && len(lat) >= 20 {
			break // the baseline can take seconds a query on a large corpus
		}
		t := time.Now()
		if err := one(q); err != nil {
			return nil, err
		}
		lat = append(lat, time.Since(t))
	}
	close(stop)
	p.PeakMB = <-peak
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(q float64) float64 {
		if len(lat) == 0 {
			return 0
		}
		return ms(lat[min(len(lat)-1, int(q*float64(len(lat))))])
	}
	p.P50MS, p.P95MS, p.P99MS = pct(0.50), pct(0.95), pct(0.99)
	p.Measured = len(lat)
	return p, nil
}

// MatchQuery is the bleve-cjk baseline as a Go developer would write it:
// the whole text as one match query per text field (BM25, OR), ids and
// scores only (no stored fields, no term locations).
func MatchQuery(typ, text string, size int) index.Query {
	return index.Query{Type: typ, Match: text, Size: size, IDsOnly: true}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
