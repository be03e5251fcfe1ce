// Package index owns search: gse analysis registered as bleve components,
// the index mapping, and the Index facade that the rest of Duijie uses to
// upsert, delete and search postings. No other package imports bleve.
//
// The index is derived data: the store is the truth and the index can always
// be rebuilt from it. It never decides who may see what.
package index

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/cjk" // the bleve-cjk evaluation baseline
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/index/scorch/mergeplan"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"
)

// Doc is one posting as the index sees it.
type Doc struct {
	Type        string // DocChallenge | DocCapability
	ID          string // the posting's id in the store
	Kind        string
	Title       string
	Description string
	Keywords    string // given and extracted keywords and the technical field, "、"-separated
	OrgName     string
	Org         string
	Industry    string
	Region      string
	RegionTier  string
	Modes       []string
	TRL         int
	Status      string
	Visibility  string
	Posted      time.Time
	Deadline    time.Time // challenges: the last open day; zero when none
}

// docKey is the bleve document id: ids of the two types never collide.
func docKey(typ, id string) string { return typ + ":" + id }

func splitKey(key string) (typ, id string) {
	typ, id, _ = strings.Cut(key, ":")
	return typ, id
}

// Index is a bleve index of postings.
type Index struct {
	b        bleve.Index
	analyzer string
	mem      bool // in memory: nothing to merge on disk

	// Document frequencies are asked for the same domain words again and
	// again; they are cached until the next write.
	dfMu      sync.Mutex
	dfVersion uint64 // bumped by every write
	dfCache   map[string]uint64
	dfN       uint64
	dfAt      uint64 // the version dfCache belongs to
}

// maxDFCache bounds the document-frequency cache.
const maxDFCache = 200_000

// Open opens the index in dir, creating it if it does not exist. A second
// process that opens the same dir gets an error after a second rather than
// waiting forever on bleve's file lock.
func Open(dir string) (*Index, error) {
	return OpenWith(dir, AnalyzerIndex)
}

// OpenWith is Open with another analyzer for the text fields (evaluation
// baselines and benchmarks).
func OpenWith(dir, analyzer string) (*Index, error) {
	if err := loadFor(analyzer); err != nil {
		return nil, err
	}
	cfg := map[string]interface{}{"bolt_timeout": "1s"}
	b, err := bleve.OpenUsing(dir, cfg)
	if err == nil {
		if v, verr := b.GetInternal([]byte(mappingKey)); verr != nil || string(v) != MappingVersion {
			// Built with another mapping: derived data, built again.
			if err := errors.Join(b.Close(), os.RemoveAll(dir)); err != nil {
				return nil, fmt.Errorf("index: replace %s: %w", dir, err)
			}
			err = bleve.ErrorIndexPathDoesNotExist
		}
	}
	if errors.Is(err, bleve.ErrorIndexPathDoesNotExist) {
		if err := os.MkdirAll(filepath.Dir(dir), 0o750); err != nil {
			return nil, fmt.Errorf("index: %w", err)
		}
		if b, err = bleve.NewUsing(dir, NewMapping(analyzer), scorch.Name, scorch.Name, cfg); err == nil {
			if err = b.SetInternal([]byte(mappingKey), []byte(MappingVersion)); err != nil {
				b.Close()
			}
		}
	}
	if err != nil {
		return nil, fmt.Errorf("index: open %s: %w", dir, err)
	}
	return &Index{b: b, analyzer: analyzer}, nil
}

// mappingKey is where an index keeps its MappingVersion.
const mappingKey = "duijie:mapping"

// SetMappingVersion overwrites the recorded mapping version (tests of an
// index built by an earlier version).
func (x *Index) SetMappingVersion(v string) error {
	return x.b.SetInternal([]byte(mappingKey), []byte(v))
}

// OpenMem opens an in-memory scorch index (BM25 like the on-disk one;
// bleve's NewMemOnly would silently fall back to TF-IDF).
func OpenMem(analyzer string) (*Index, error) {
	if err := loadFor(analyzer); err != nil {
		return nil, err
	}
	b, err := bleve.NewUsing("", NewMapping(analyzer), scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, fmt.Errorf("index: %w", err)
	}
	return &Index{b: b, analyzer: analyzer, mem: true}, nil
}

// loadFor loads the lexicons an analyzer needs before the first document,
// so a broken dictionary is an error here rather than empty tokens later.
func loadFor(analyzer string) error {
	var names []string
	switch analyzer {
	case AnalyzerIndex, AnalyzerQuery:
		names = []string{LexiconDomain}
	case AnalyzerPlain:
		names = []string{LexiconPlain}
	}
	for _, n := range names {
		if _, err := LoadLexicon(n); err != nil {
			return err
		}
	}
	return nil
}

// Close closes the index.
func (x *Index) Close() error { return x.b.Close() }

// Mapping exposes the index mapping (for tests of the mapping itself).
func (x *Index) Mapping() mapping.IndexMapping { return x.b.Mapping() }

// Upsert indexes docs in one batch; it returns after the batch is durable.
func (x *Index) Upsert(docs ...Doc) error {
	if len(docs) == 0 {
		return nil
	}
	batch := x.b.NewBatch()
	for i := range docs {
		d := &docs[i]
		if d.Type != DocChallenge && d.Type != DocCapability {
			return fmt.Errorf("index: doc %q has type %q", d.ID, d.Type)
		}
		if err := batch.Index(docKey(d.Type, d.ID), d.fields()); err != nil {
			return fmt.Errorf("index: %w", err)
		}
	}
	err := x.b.Batch(batch)
	x.written()
	if err != nil {
		return fmt.Errorf("index: batch: %w", err)
	}
	return nil
}

// Generation counts the writes to the index: what was derived from its
// content at one generation holds until the next.
func (x *Index) Generation() uint64 {
	x.dfMu.Lock()
	defer x.dfMu.Unlock()
	return x.dfVersion
}

// written invalidates what was derived from the index's content.
func (x *Index) written() {
	x.dfMu.Lock()
	x.dfVersion++
	x.dfMu.Unlock()
}

// Delete removes postings; deleting a missing one is not an error.
func (x *Index) Delete(typ string, ids ...string) error {
	batch := x.b.NewBatch()
	for _, id := range ids {
		batch.Delete(docKey(typ, id))
	}
	err := x.b.Batch(batch)
	x.written()
	if err != nil {
		return fmt.Errorf("index: delete: %w", err)
	}
	return nil
}

// Compact merges the index into one segment. After a bulk load (reindex,
// import) it makes every query cheaper: a term is looked up once per
// segment. It blocks until the merge is done. An in-memory index has no
// persister to finish a merge: Compact does nothing there.
func (x *Index) Compact(ctx context.Context) error {
	if x.mem {
		return nil
	}
	adv, err := x.b.Advanced()
	if err != nil {
		return err
	}
	s, ok := adv.(*scorch.Scorch)
	if !ok {
		return nil
	}
	if err := s.ForceMerge(ctx, &mergeplan.SingleSegmentMergePlanOptions); err != nil {
		return fmt.Errorf("index: compact: %w", err)
	}
	return nil
}

// Count is the number of indexed postings.
func (x *Index) Count() (uint64, error) { return x.b.DocCount() }

func (d *Doc) fields() map[string]interface{} {
	m := map[string]interface{}{
		FieldType:                          d.Type,
		physical(d.Type, FieldTitle):       d.Title,
		physical(d.Type, FieldDescription): d.Description,
		physical(d.Type, FieldKeywords):    d.Keywords,
		physical(d.Type, FieldOrgName):     d.OrgName,
		FieldOrg:                           d.Org,
		FieldIndustry:                      d.Industry,
		FieldRegion:                        d.Region,
		FieldRegionTier:                    d.RegionTier,
		FieldTRL:                           float64(d.TRL),
		FieldStatus:                        d.Status,
		FieldVisibility:                    d.Visibility,
	}
	if d.Kind != "" {
		m[FieldKind] = d.Kind
	}
	if len(d.Modes) > 0 {
		m[FieldModes] = d.Modes
	}
	if !d.Posted.IsZero() {
		m[FieldPosted] = d.Posted
	}
	if d.Type == DocChallenge {
		m[FieldDeadline] = OpenEnded
		if !d.Deadline.IsZero() {
			m[FieldDeadline] = d.Deadline
		}
	}
	return m
}

// docFreq is the number of postings that hold term in field.
func docFreq(ctx context.Context, r index.IndexReader, field, term string) (uint64, error) {
	tfr, err := r.TermFieldReader(ctx, []byte(term), field, false, false, false)
	if err != nil {
		return 0, err
	}
	defer tfr.Close()
	return tfr.Count(), nil
}

// DocFreqs returns, for every term, the largest number of postings that
// hold it in any of fields (an estimate of its document frequency that needs
// no extra index structure), and the number of postings. Answers are cached
// until the next write.
func (x *Index) DocFreqs(ctx context.Context, typ string, fields, terms []string) (df []uint64, n uint64, err error) {
	phys := make([]string, len(fields))
	for i, f := range fields {
		phys[i] = physical(typ, f)
	}
	fields = phys
	key := func(t string) string { return strings.Join(fields, ",") + "\x00" + t }
	df = make([]uint64, len(terms))
	var missing []int
	x.dfMu.Lock()
	if x.dfAt != x.dfVersion || x.dfCache == nil || len(x.dfCache) > maxDFCache {
		x.dfCache, x.dfAt, x.dfN = map[string]uint64{}, x.dfVersion, 0
	}
	version := x.dfAt
	for i, t := range terms {
		if d, ok := x.dfCache[key(t)]; ok {
			df[i] = d
		} else {
			missing = append(missing, i)
		}
	}
	n = x.dfN
	x.dfMu.Unlock()
	if len(missing) == 0 && n > 0 {
		return df, n, nil
	}

	adv, err := x.b.Advanced()
	if err != nil {
		return nil, 0, err
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, 0, err
	}
	defer r.Close()
	if n, err = r.DocCount(); err != nil {
		return nil, 0, err
	}
	for _, i := range missing {
		for _, f := range fields {
			d, err := docFreq(ctx, r, f, terms[i])
			if err != nil {
				return nil, 0, err
			}
			df[i] = max(df[i], d)
		}
	}
	x.dfMu.Lock()
	if x.dfAt == version { // no write in between
		for _, i := range missing {
			x.dfCache[key(terms[i])] = df[i]
		}
		x.dfN = n
	}
	x.dfMu.Unlock()
	return df, n, nil
}
