// Package bench measures Duijie's search against baselines a Go developer
// would write (bleve's cjk analyzer with the text as a match query, and
// more-like-this on both indexes) on a seeded, realistic corpus: analyzer
// throughput, indexing rate, index size, match latency, ready time and heap.
package bench

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"strings"
	"time"
	"unicode/utf8"

	"duijie/data"
	"duijie/index"
	"duijie/internal/duijie"
)

// vocab is what generated postings are made of: clauses of the demo set and
// the words of the domain dictionary.
type vocab struct {
	clauses []string
	words   []string
	regions []string
}

func loadVocab() (*vocab, error) {
	v := &vocab{}
	files, err := fs.Glob(data.Demo, "demo/*.jsonl")
	if err != nil {
		return nil, err
	}
	for _, name := range files {
		b, err := fs.ReadFile(data.Demo, name)
		if err != nil {
			return nil, err
		}
		sc := bufio.NewScanner(strings.NewReader(string(b)))
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			var m map[string]any
			if json.Unmarshal(sc.Bytes(), &m) != nil {
				continue
			}
			for _, k := range []string{"problem", "targets", "tried", "constraints", "description"} {
				s, _ := m[k].(string)
				v.clauses = append(v.clauses, splitClauses(s)...)
			}
			if r, _ := m["region"].(string); r != "" {
				v.regions = append(v.regions, r)
			}
		}
	}
	dom, err := fs.ReadFile(data.Dict, "dict/domain.txt")
	if err != nil {
		return nil, err
	}
	for _, line := range strings.Split(string(dom), "\n") {
		f := strings.Fields(line)
		if len(f) > 0 && !strings.HasPrefix(f[0], "#") && utf8.RuneCountInString(f[0]) >= 2 {
			v.words = append(v.words, f[0])
		}
	}
	if len(v.clauses) < 100 || len(v.words) < 100 {
		return nil, fmt.Errorf("bench: vocabulary too small (%d clauses, %d words)", len(v.clauses), len(v.words))
	}
	if len(v.regions) == 0 {
		v.regions = []string{"安徽省六安市金安区"}
	}
	return v, nil
}

func splitClauses(s string) []string {
	var out []string
	for _, c := range strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune("。；！？\n", r) }) {
		if n := utf8.RuneCountInString(c); n >= 8 && n <= 200 {
			out = append(out, c+"。")
		}
	}
	return out
}

// generator makes postings from a seed: the same seed, the same corpus.
type generator struct {
	v   *vocab
	rng *rand.Rand
}

func newGenerator(v *vocab, seed uint64) *generator {
	return &generator{v: v, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

func (g *generator) word() string { return g.v.words[g.rng.IntN(len(g.v.words))] }

var titleTemplates = []string{"%s%s关键技术研究", "%s的%s优化", "基于%s的%s系统", "%s%s工艺开发", "面向%s的%s装置", "%s与%s集成应用", "高性能%s%s"}
var clausePrefixes = []string{"针对%s，", "基于%s，", "围绕%s与%s，", "在%s方面，", "结合%s，", ""}

// title is 10–40 characters.
func (g *generator) title() string {
	t := fmt.Sprintf(titleTemplates[g.rng.IntN(len(titleTemplates))], g.word(), g.word())
	for utf8.RuneCountInString(t) < 10 {
		t = g.word() + t
	}
	for utf8.RuneCountInString(t) > 40 {
		r := []rune(t)
		t = string(r[:40])
	}
	return t
}

// text is lo–hi characters of clauses, each perhaps led by domain words.
func (g *generator) text(lo, hi int) string {
	want := lo + g.rng.IntN(hi-lo+1)
	var b strings.Builder
	n := 0
	for n < want {
		p := clausePrefixes[g.rng.IntN(len(clausePrefixes))]
		switch strings.Count(p, "%s") {
		case 1:
			p = fmt.Sprintf(p, g.word())
		case 2:
			p = fmt.Sprintf(p, g.word(), g.word())
		}
		c := p + g.v.clauses[g.rng.IntN(len(g.v.clauses))]
		b.WriteString(c)
		n += utf8.RuneCountInString(c)
	}
	r := []rune(b.String())
	return string(r[:min(len(r), hi)])
}

var benchKinds = []string{"achievement", "achievement", "direction", "expert", "equipment"}

// capability is one generated capability.
func (g *generator) capability(i int) index.Doc {
	ind := duijie.Industries[g.rng.IntN(len(duijie.Industries))].Code
	region := g.v.regions[g.rng.IntN(len(g.v.regions))]
	return index.Doc{
		Type: index.DocCapability, ID: fmt.Sprintf("b%07d", i), Kind: benchKinds[g.rng.IntN(len(benchKinds))],
		Title: g.title(), Description: g.text(100, 1500), Keywords: g.word() + "、" + g.word() + "、" + g.word(),
		OrgName: "研究院", Industry: string(ind), Region: region, RegionTier: string(duijie.RegionTier(region)),
		Modes: []string{string(duijie.Modes[g.rng.IntN(len(duijie.Modes))])}, TRL: 1 + g.rng.IntN(9),
		Status: string(duijie.StatusPublished), Visibility: string(duijie.VisibilityPublic),
	}
}

// challenge is one generated challenge, as a match source.
type challenge struct {
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Keywords    []string `json:"keywords"`
	Industry    string   `json:"industry"`
}

// text is what the baselines match: title, description and keywords, as
// the evaluation's bleve-cjk variant reads a challenge.
func (c challenge) text() string {
	return strings.Join(append([]string{c.Title, c.Description}, c.Keywords...), "\n")
}

func (g *generator) challenge() challenge {
	return challenge{
		Title: g.title(), Description: g.text(100, 1500),
		Keywords: []string{g.word(), g.word()},
		Industry: string(duijie.Industries[g.rng.IntN(len(duijie.Industries))].Code),
	}
}

// Capabilities generates n capabilities for a portal store at scale (the
// load figures at 10k and 100k), owned in turn by the organisations orgs,
// published, with ids gen-0000001…; the same seed, the same postings. The
// text is made like the bench's corpus: clauses of the demo set led by
// domain words.
func Capabilities(seed uint64, n int, orgs []*duijie.Organization, posted time.Time) ([]*duijie.Capability, error) {
	if len(orgs) == 0 {
		return nil, fmt.Errorf("bench: no organisation to own generated capabilities")
	}
	v, err := loadVocab()
	if err != nil {
		return nil, err
	}
	g := newGenerator(v, seed)
	out := make([]*duijie.Capability, 0, n)
	for i := range n {
		d := g.capability(i)
		o := orgs[i%len(orgs)]
		c := &duijie.Capability{ID: fmt.Sprintf("gen-%07d", i+1), OrgID: o.ID, OrgName: o.Name, Kind: duijie.Kind(d.Kind),
			Title: d.Title, Description: d.Description, TRL: d.TRL, Industry: duijie.Industry(d.Industry),
			Modes: []duijie.Mode{duijie.Mode(d.Modes[0])}, Keywords: strings.Split(d.Keywords, "、"),
			Status: duijie.StatusPublished, Posted: posted}
		if r, ok := duijie.ParseRegion(d.Region); ok {
			c.Region = r
		}
		out = append(out, c)
	}
	return out, nil
}
