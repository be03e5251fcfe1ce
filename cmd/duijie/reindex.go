package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"duijie/index"
	"duijie/internal/demo"
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

// runReindex rebuilds the search index from the store: the index is derived
// data, so it is deleted and built again from every posting.
func runReindex(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("reindex", flag.ContinueOnError)
	dir := dataDirFlag(fs)
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	dbPath, idxPath := storePaths(*dir)
	if _, err := os.Stat(dbPath); err != nil {
		return fmt.Errorf("no store at %s: %w", dbPath, err)
	}
	db, err := sqlite.Open(ctx, dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := os.RemoveAll(idxPath); err != nil {
		return err
	}
	ix, err := index.Open(idxPath)
	if err != nil {
		return err
	}
	defer ix.Close()
	var total int
	for _, typ := range []string{index.DocChallenge, index.DocCapability} {
		ids, err := db.PostingIDs(ctx, typ)
		if err != nil {
			return err
		}
		total += len(ids)
	}
	bar := progress.New(os.Stderr, "reindex", total)
	last := 0
	err = indexer.New(db, ix).Rebuild(ctx, func(done int) { bar.Add(done - last); last = done })
	bar.Done()
	if err != nil {
		return err
	}
	n, _ := ix.Count()
	fmt.Fprintf(stdout, "indexed %d postings into %s\n", n, idxPath)
	return nil
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
	if err := os.MkdirAll(*dir, 0o750); err != nil {
		return err
	}
	dbPath, idxPath := storePaths(*dir)
	db, err := sqlite.Open(ctx, dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	for i := range set.Orgs {
		if err := db.PutOrganization(ctx, &set.Orgs[i]); err != nil {
			return err
		}
	}
	bar := progress.New(os.Stderr, "import", len(set.Challenges)+len(set.Capabilities))
	for i := range set.Challenges {
		if err := db.PutChallenge(ctx, &set.Challenges[i]); err != nil {
			return err
		}
		bar.Add(1)
	}
	for i := range set.Capabilities {
		if err := db.PutCapability(ctx, &set.Capabilities[i]); err != nil {
			return err
		}
		bar.Add(1)
	}
	bar.Done()
	ix, err := index.Open(idxPath)
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
