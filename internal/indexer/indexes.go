package indexer

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"duijie/index"
	"duijie/internal/duijie"
)

// Indexes are the search indexes of the portal, one per audience
// (duijie.Audiences): each holds the postings as its audience may read
// them and nothing else, so that bleve's statistics (document counts,
// document frequencies, field lengths), and so every score, total and
// facet count computed over an index, come from what its readers may see.
type Indexes struct {
	by map[duijie.Audience]*index.Index
}

// For is the index of audience aud.
func (x *Indexes) For(aud duijie.Audience) *index.Index { return x.by[aud] }

// Close closes every index.
func (x *Indexes) Close() error {
	var errs []error
	for _, ix := range x.by {
		errs = append(errs, ix.Close())
	}
	return errors.Join(errs...)
}

// Count is the number of postings in each audience's index.
func (x *Indexes) Count() (map[duijie.Audience]uint64, error) {
	out := map[duijie.Audience]uint64{}
	for aud, ix := range x.by {
		n, err := ix.Count()
		if err != nil {
			return nil, err
		}
		out[aud] = n
	}
	return out, nil
}

// OpenIndexes opens (or creates) the indexes under dir, one folder per
// audience. A folder that still holds the single index of earlier
// versions is removed first: the index is derived data, and a start
// rebuilds what is missing.
func OpenIndexes(dir string) (*Indexes, error) {
	if _, err := os.Stat(filepath.Join(dir, "index_meta.json")); err == nil {
		if err := os.RemoveAll(dir); err != nil {
			return nil, fmt.Errorf("index: remove the old single index: %w", err)
		}
	}
	x := &Indexes{by: map[duijie.Audience]*index.Index{}}
	for _, aud := range duijie.Audiences {
		ix, err := index.Open(filepath.Join(dir, aud.String()))
		if err != nil {
			x.Close()
			return nil, err
		}
		x.by[aud] = ix
	}
	return x, nil
}

// OpenMemIndexes opens in-memory indexes (tests).
func OpenMemIndexes() (*Indexes, error) {
	x := &Indexes{by: map[duijie.Audience]*index.Index{}}
	for _, aud := range duijie.Audiences {
		ix, err := index.OpenMem(index.AnalyzerIndex)
		if err != nil {
			x.Close()
			return nil, err
		}
		x.by[aud] = ix
	}
	return x, nil
}
