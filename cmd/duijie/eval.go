package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"duijie/internal/eval"
	"duijie/internal/match"
)

// multiFlag collects repeated flags.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func runEval(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	dir := fs.String("data", "", "evaluation set: a folder with challenges.jsonl, capabilities.jsonl, qrels.tsv")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	runFile := fs.String("run", "", "write every variant's top 100 per challenge to this file as TREC run lines")
	variants := fs.String("variant", strings.Join(eval.Variants, ","), "comma-separated variants to run")
	var sets multiFlag
	fs.Var(&sets, "set", "override a ranking weight, name=value (repeatable; for tuning)")
	calibrate := fs.Bool("calibrate", false, "fit the match confidence to the judgments (top 20 of every challenge) and print reliability tables instead of the report")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if *dir == "" {
		fmt.Fprintln(stderr, "eval needs --data DIR")
		fs.Usage()
		return errUsage
	}
	w := match.DefaultWeights
	for _, s := range sets {
		name, value, ok := strings.Cut(s, "=")
		if !ok {
			return fmt.Errorf("--set %q: want name=value", s)
		}
		if err := w.Set(name, value); err != nil {
			return err
		}
	}
	set, err := eval.Load(*dir)
	if err != nil {
		return err
	}
	if *calibrate {
		samples, err := eval.Samples(ctx, set, w, 20)
		if err != nil {
			return err
		}
		fitted := eval.Fit(samples, 1)
		fmt.Fprintf(stdout, "fitted: %+v\n\n", fitted)
		eval.WriteReliability(stdout, "shipped calibration", match.DefaultCalibration, samples)
		fmt.Fprintln(stdout)
		eval.WriteReliability(stdout, "fitted calibration (in sample)", fitted, samples)
		fmt.Fprintln(stdout)
		eval.WriteReliability(stdout, "fitted on half the challenges, scored on the other half", fitted, eval.CrossFit(samples, 1))
		return nil
	}
	rep, err := eval.Run(ctx, set, eval.Options{
		Variants: strings.Split(*variants, ","),
		Weights:  w,
		Progress: os.Stderr,
	})
	if err != nil {
		return err
	}
	if *runFile != "" {
		f, err := os.Create(*runFile)
		if err != nil {
			return err
		}
		if err := rep.WriteRun(f); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	fmt.Fprintf(stdout, "%d queries, %d capabilities (%s)\n\n", rep.Queries, len(set.Capabilities), *dir)
	fmt.Fprintf(stdout, "%-10s %8s %8s %10s %8s\n", "variant", "nDCG@10", "P@5", "Recall@50", "MRR")
	for _, v := range rep.Variants {
		fmt.Fprintf(stdout, "%-10s %8.4f %8.4f %10.4f %8.4f\n", v.Name, v.NDCG10, v.P5, v.Recall50, v.MRR)
	}
	return nil
}
