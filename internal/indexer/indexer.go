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

// Indexer applies store changes to the indexes of every audience.
type Indexer struct {
	db *sqlite.DB
	ix *Indexes
}

// New returns an indexer.
func New(db *sqlite.DB, ix *Indexes) *Indexer { return &Indexer{db: db, ix: ix} }

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
	for _, ix := range x.ix.by {
		if err := ix.Compact(ctx); err != nil {
			return err
		}
	}
	if len(pending) > 0 {
		return x.db.MarkApplied(ctx, Consumer, pending[len(pending)-1].ID)
	}
	return nil
}

// index upserts the named postings into every audience's index as that
// audience reads them, deleting them where the audience may not read them
// (or the store no longer has them).
func (x *Indexer) index(ctx context.Context, ids map[string][]string) error {
	docs := map[duijie.Audience][]index.Doc{}
	gone := map[duijie.Audience]map[string][]string{}
	for _, aud := range duijie.Audiences {
		gone[aud] = map[string][]string{}
	}
	for typ, list := range ids {
		for _, id := range list {
			byAud, err := x.load(ctx, typ, id)
			if err != nil {
				return err
			}
			for _, aud := range duijie.Audiences {
				if d, ok := byAud[aud]; ok {
					docs[aud] = append(docs[aud], d)
				} else {
					gone[aud][typ] = append(gone[aud][typ], id)
				}
			}
		}
	}
	for _, aud := range duijie.Audiences {
		ix := x.ix.For(aud)
		for typ, list := range gone[aud] {
			// Only what the index holds: a draft saved again and again is
			// not in the public index, and a delete of nothing would still
			// count as a write there (and drop what was derived from it).
			held, err := ix.Docs(ctx, typ, list)
			if err != nil {
				return err
			}
			var del []string
			for _, id := range list {
				if _, ok := held[id]; ok {
					del = append(del, id)
				}
			}
			if len(del) == 0 {
				continue
			}
			if err := ix.Delete(typ, del...); err != nil {
				return err
			}
		}
		if err := ix.Upsert(docs[aud]...); err != nil {
			return err
		}
	}
	return nil
}

// load is a posting as each audience reads it; an audience that may not
// read it (or a posting the store no longer has) has no entry.
func (x *Indexer) load(ctx context.Context, typ, id string) (map[duijie.Audience]index.Doc, error) {
	out := map[duijie.Audience]index.Doc{}
	switch typ {
	case index.DocChallenge:
		c, err := x.db.Challenge(ctx, id)
		if duijie.ErrorCode(err) == duijie.ENOTFOUND {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		for _, aud := range duijie.Audiences {
			if r := c.ForAudience(aud); r != nil {
				out[aud] = match.ChallengeDoc(r)
			}
		}
	case index.DocCapability:
		c, err := x.db.Capability(ctx, id)
		if duijie.ErrorCode(err) == duijie.ENOTFOUND {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		for _, aud := range duijie.Audiences {
			if r := c.ForAudience(aud); r != nil {
				out[aud] = match.CapabilityDoc(r)
			}
		}
	default:
		return nil, fmt.Errorf("indexer: posting type %q", typ)
	}
	return out, nil
}
