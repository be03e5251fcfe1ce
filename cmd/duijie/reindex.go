package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"duijie/index"
	"duijie/internal/demo"
	"duijie/internal/duijie"
	"duijie/internal/indexer"
	"duijie/internal/progress"
	"duijie/internal/sqlite"
)

// dataDirFlag is the data folder flag every store command takes.
func dataDirFlag(fs *flag.FlagSet) *string {
	def := os.Getenv("DUIJIE_DATA")
	if def == "" {
		def = "var"
	}
	return fs.String("data", def, "data folder: duijie.db and index/ (env DUIJIE_DATA)")
}

func storePaths(dir string) (db, idx string) {
	return filepath.Join(dir, "duijie.db"), filepath.Join(dir, "index")
}

// openStore opens the store in the data folder dir, making the folder when
// create is set and refusing a missing store otherwise; it returns the
// index folder's path too.
func openStore(ctx context.Context, dir string, create bool) (*sqlite.DB, string, error) {
	dbPath, idxPath := storePaths(dir)
	if create {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, "", err
		}
	} else if _, err := os.Stat(dbPath); err != nil {
		return nil, "", fmt.Errorf("no store at %s: %w", dbPath, err)
	}
	db, err := sqlite.Open(ctx, dbPath)
	return db, idxPath, err
}

// runReindex rebuilds the search index from the store: the index is derived
// data, so it is deleted and built again from every posting.
func runReindex(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("reindex", flag.ContinueOnError)
	dir := dataDirFlag(fs)
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	db, idxPath, err := openStore(ctx, *dir, false)
	if err != nil {
		return err
	}
	defer db.Close()
	total, err := postingCount(ctx, db)
	if err != nil {
		return err
	}
	bar := progress.New(os.Stderr, "reindex", total)
	last := 0
	ix, err := rebuildIndex(ctx, db, idxPath, func(done int) { bar.Add(done - last); last = done })
	bar.Done()
	if err != nil {
		return err
	}
	defer ix.Close()
	n, err := ix.Count()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "indexed %d postings into %s (%d readable by the public)\n",
		n[duijie.AudienceBureau], idxPath, n[duijie.AudiencePublic])
	return nil
}

// rebuildIndex deletes the indexes in dir and builds them again from every
// posting of the store; they are returned open.
func rebuildIndex(ctx context.Context, db *sqlite.DB, dir string, progress func(done int)) (*indexer.Indexes, error) {
	if err := os.RemoveAll(dir); err != nil {
		return nil, err
	}
	ix, err := indexer.OpenIndexes(dir)
	if err != nil {
		return nil, err
	}
	if err := indexer.New(db, ix).Rebuild(ctx, progress); err != nil {
		ix.Close()
		return nil, err
	}
	return ix, nil
}

// postingCount is how many postings the store holds.
func postingCount(ctx context.Context, db *sqlite.DB) (int, error) {
	total := 0
	for _, typ := range []string{index.DocChallenge, index.DocCapability} {
		ids, err := db.PostingIDs(ctx, typ)
		if err != nil {
			return 0, err
		}
		total += len(ids)
	}
	return total, nil
}

// healIndex brings opened indexes in step with the store: it applies the
// outbox, and when an audience's index still does not hold one document per
// posting that audience may read (deleted, replaced or damaged), it
// rebuilds them from the store.
func healIndex(ctx context.Context, db *sqlite.DB, ix *indexer.Indexes, dir string, log *slog.Logger) (*indexer.Indexes, error) {
	if _, err := indexer.New(db, ix).Apply(ctx); err != nil {
		return ix, err
	}
	want, err := db.AudienceCounts(ctx)
	if err != nil {
		return ix, err
	}
	have, err := ix.Count()
	if err != nil {
		return ix, err
	}
	short := false
	for _, aud := range duijie.Audiences {
		if have[aud] != uint64(want[aud]) {
			short = true
			log.Warn("search index out of step with the store: rebuilding it", "audience", aud.String(),
				"index_docs", have[aud], "postings", want[aud])
		}
	}
	if !short {
		return ix, nil
	}
	if err := ix.Close(); err != nil {
		return nil, err
	}
	return rebuildIndex(ctx, db, dir, nil)
}

// runImportDemo loads the shipped demo set into the store and indexes it.
func runImportDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("import-demo", flag.ContinueOnError)
	dir := dataDirFlag(fs)
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	set, err := demo.Load()
	if err != nil {
		return err
	}
	set.Shift(demo.Since(duijie.Today(time.Now()))) // shown on today as written for demo.AsOf
	db, idxPath, err := openStore(ctx, *dir, true)
	if err != nil {
		return err
	}
	defer db.Close()
	// One transaction: the store holds the whole set or none of it.
	seed := &sqlite.Seed{Orgs: set.Orgs, Challenges: set.Challenges, Capabilities: set.Capabilities}
	if err := db.Seed(ctx, seed, nil); err != nil {
		return err
	}
	ix, err := indexer.OpenIndexes(idxPath)
	if err != nil {
		return err
	}
	defer ix.Close()
	n, err := indexer.New(db, ix).Apply(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "imported %d organisations, %d challenges, %d capabilities; indexed %d changes\n",
		len(set.Orgs), len(set.Challenges), len(set.Capabilities), n)
	return nil
}
