package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"duijie/internal/bench"
	"duijie/internal/duijie"
	"duijie/internal/progress"
	"duijie/internal/sqlite"
)

// scaleBatch is how many generated capabilities one transaction writes.
const scaleBatch = 2000

// runScale adds generated capabilities to a portal store, to measure the
// portal at 10k and 100k capabilities (README, "Load"): they belong in turn
// to the store's approved institutes, are published, and are written
// through the import's transaction (validation, outbox, an audit entry a
// batch); the search index is rebuilt from the store afterwards. A store
// that already holds generated capabilities is refused: start from a fresh
// data folder (duijie serve --data DIR loads the demo set first).
func runScale(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("scale", flag.ContinueOnError)
	dir := dataDirFlag(fs)
	n := fs.Int("capabilities", 10_000, "how many capabilities to generate (1–1,000,000)")
	seed := fs.Uint64("seed", 1, "the generator's seed: the same seed, the same postings")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if *n < 1 || *n > 1_000_000 {
		return errors.New("scale: --capabilities must be between 1 and 1,000,000")
	}
	db, idxPath, err := openStore(ctx, *dir, false)
	if err != nil {
		return fmt.Errorf("scale: %w (run duijie serve --data %s once first: it loads the demo set)", err, *dir)
	}
	defer db.Close()
	if _, err := db.Capability(ctx, "gen-0000001"); err == nil {
		return fmt.Errorf("scale: %s already holds generated capabilities; start from a fresh data folder", *dir)
	}
	orgs, err := db.Organizations(ctx, duijie.OrgApproved)
	if err != nil {
		return err
	}
	var owners []*duijie.Organization
	for i := range orgs {
		if orgs[i].Kind == duijie.OrgInstitute {
			owners = append(owners, &orgs[i])
		}
	}
	caps, err := bench.Capabilities(*seed, *n, owners, time.Now())
	if err != nil {
		return fmt.Errorf("scale: %w", err)
	}
	bar := progress.New(os.Stderr, "store", len(caps))
	for lo := 0; lo < len(caps); lo += scaleBatch {
		hi := min(lo+scaleBatch, len(caps))
		b := &sqlite.ImportBatch{Audit: duijie.AuditEntry{Action: "posting.scale", Object: "store",
			Detail: fmt.Sprintf("generated capabilities %s–%s (seed %d) for load measurements", caps[lo].ID, caps[hi-1].ID, *seed)}}
		for i, c := range caps[lo:hi] {
			b.Postings = append(b.Postings, sqlite.ImportPosting{Row: lo + i + 1, Capability: c})
		}
		if err := db.Import(ctx, b); err != nil {
			return fmt.Errorf("scale: %w", err)
		}
		bar.Add(hi - lo)
	}
	bar.Done()
	total, err := postingCount(ctx, db)
	if err != nil {
		return err
	}
	ibar := progress.New(os.Stderr, "reindex", total)
	last := 0
	start := time.Now()
	ix, err := rebuildIndex(ctx, db, idxPath, func(done int) { ibar.Add(done - last); last = done })
	ibar.Done()
	if err != nil {
		return err
	}
	defer ix.Close()
	fmt.Fprintf(stdout, "added %d generated capabilities to %s; indexed %d postings in %v\n", len(caps), *dir, total,
		time.Since(start).Round(time.Second))
	return nil
}
