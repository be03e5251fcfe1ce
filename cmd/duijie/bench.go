package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"duijie/internal/bench"
)

func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	docs := fs.Int("docs", 10000, "capabilities in the generated corpus (up to 1,000,000)")
	queries := fs.Int("queries", 200, "full challenge texts to match")
	seed := fs.Uint64("seed", 1, "corpus seed: the same seed builds the same corpus")
	dir := fs.String("dir", filepath.Join(os.TempDir(), "duijie-bench"), "work folder for the indexes")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	probe := fs.String("probe", "", "internal: open this index in a fresh process and match")
	analyzer := fs.String("analyzer", "", "internal: the probed index's analyzer")
	method := fs.String("method", bench.MethodProduct, "internal: how the probe matches (product, match, mlt)")
	qfile := fs.String("queries-file", "", "internal: the probe's queries")
	budget := fs.Duration("budget", 2*time.Minute, "time for timing queries, per variant (at least 20 are timed)")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if *probe != "" {
		p, err := bench.ProbeIndex(ctx, *probe, *analyzer, *method, *qfile, *budget)
		if err != nil {
			return err
		}
		return json.NewEncoder(stdout).Encode(p)
	}
	if *docs < 1 || *docs > 1_000_000 || *queries < 1 || *queries > 100_000 {
		return fmt.Errorf("--docs must be 1–1000000 and --queries 1–100000")
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	rep, err := bench.Run(ctx, bench.Options{Docs: *docs, Queries: *queries, Seed: *seed, Dir: *dir, Progress: os.Stderr, Self: self, Budget: *budget})
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	bench.Print(stdout, rep)
	return nil
}
