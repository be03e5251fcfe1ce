// Package indexer keeps the search index in step with the store: it applies
// the store's outbox to the index in order and records how far it got, so a
// crash at any point heals on the next run, and it rebuilds the index from
// the store on demand. The store is the truth; the index is derived.
package indexer

import (
	"context"
	"fmt"

	"duijie/index"
	"duijie/internal/duijie"
	"duijie/internal/match"
	"duijie/internal/sqlite"
)

// Consumer is the name under which the indexer records its progress.
const Consumer = "bleve"

// batchSize is how many outbox rows one index batch takes.
const batchSize = 500

// Indexer applies store changes to an index.
type Indexer struct {
	db *sqlite.DB
	ix *index.Index
}

// New returns an indexer.
func New(db *sqlite.DB, ix *index.Index) *Indexer { return &Indexer{db: db, ix: ix} }

// Apply indexes every change recorded since the last run and returns how
// many outbox rows it applied.
func (x *Indexer) Apply(ctx context.Context) (int, error) {
	applied := 0
	for {
		changes, err := x.db.Changes(ctx, Consumer, batchSize)
		if err != nil || len(changes) == 0 {
			return applied, err
		}
		ids := map[string][]string{}
		for _, c := range changes {
			ids[c.DocType] = append(ids[c.DocType], c.DocID)
		}
		if err := x.index(ctx, ids); err != nil {
			return applied, err
		}
		last := changes[len(changes)-1].ID
		if err := x.db.MarkApplied(ctx, Consumer, last); err != nil {
			return applied, err
		}
		applied += len(changes)
	}
}

// Rebuild indexes every posting of the store again, then marks the outbox
// applied up to where it stood when the rebuild began.
func (x *Indexer) Rebuild(ctx context.Context, progress func(done int)) error {
	pending, err := x.db.Changes(ctx, Consumer, 1<<30)
	if err != nil {
		return err
	}
	done := 0
	for _, typ := range []string{index.DocChallenge, index.DocCapability} {
		all, err := x.db.PostingIDs(ctx, typ)
		if err != nil {
			return err
		}
		for i := 0; i < len(all); i += batchSize {
			chunk := all[i:min(i+batchSize, len(all))]
			if err := x.index(ctx, map[string][]string{typ: chunk}); err != nil {
				return err
			}
			done += len(chunk)
			if progress != nil {
				progress(done)
			}
		}
	}
	if err := x.ix.Compact(ctx); err != nil {
		return err
	}
	if len(pending) > 0 {
		return x.db.MarkApplied(ctx, Consumer, pending[len(pending)-1].ID)
	}
	return nil
}

// index upserts the named postings, deleting those the store no longer has.
func (x *Indexer) index(ctx context.Context, ids map[string][]string) error {
	var docs []index.Doc
	for typ, list := range ids {
		var gone []string
		for _, id := range list {
			doc, err := x.load(ctx, typ, id)
			switch {
			case duijie.ErrorCode(err) == duijie.ENOTFOUND:
				gone = append(gone, id)
			case err != nil:
				return err
			default:
				docs = append(docs, doc)
			}
		}
		if len(gone) > 0 {
			if err := x.ix.Delete(typ, gone...); err != nil {
				return err
			}
		}
	}
	return x.ix.Upsert(docs...)
}

func (x *Indexer) load(ctx context.Context, typ, id string) (index.Doc, error) {
	switch typ {
	case index.DocChallenge:
		c, err := x.db.Challenge(ctx, id)
		if err != nil {
			return index.Doc{}, err
		}
		return match.ChallengeDoc(c), nil
	case index.DocCapability:
		c, err := x.db.Capability(ctx, id)
		if err != nil {
			return index.Doc{}, err
		}
		return match.CapabilityDoc(c), nil
	}
	return index.Doc{}, fmt.Errorf("indexer: posting type %q", typ)
}
