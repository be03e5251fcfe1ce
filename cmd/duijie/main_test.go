package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"duijie/index"
	"duijie/internal/bench"
	"duijie/internal/datasets"
	"duijie/internal/duijie"
	"duijie/internal/eval"
	"duijie/internal/indexer"
	"duijie/internal/sqlite"
)

// TestMain lets the test binary stand in for duijie when bench runs itself
// again as a probe (duijie bench -probe ...).
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == "bench" {
		os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

func runCmd(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantErr  string
	}{
		{"serve with a bad flag", []string{"--nope"}, 2, "flag provided but not defined"},
		{"serve with no time to answer", []string{"serve", "--answer-days", "0"}, 2, "--answer-days must be between 1 and 365 days"},
		{"serve with a year and a day to negotiate", []string{"--negotiate-days", "366"}, 2, "--negotiate-days must be between 1 and 365 days"},
		{"serve with an unknown log format", []string{"--log-format", "xml"}, 2, "--log-format must be json, text or auto"},
		{"serve with a bad proxy", []string{"--trusted-proxies", "10.0.0.0/8,proxy.lan"}, 2, `trusted proxy "proxy.lan"`},
		{"serve with a public URL with a path", []string{"--public-url", "https://portal.example/duijie"}, 2, "without a path"},
		{"backup without --out", []string{"backup", "--data", "x"}, 2, "backup needs --out FILE"},
		{"unknown command", []string{"serve-me"}, 2, `unknown command "serve-me"`},
		{"eval without data", []string{"eval"}, 2, "eval needs --data DIR"},
		{"eval with a bad flag", []string{"eval", "--nope"}, 2, "flag provided but not defined"},
		{"eval of a missing folder", []string{"eval", "--data", "/nonexistent"}, 1, "no such file or directory"},
		{"eval with an unknown weight", []string{"eval", "--data", "../../data/eval/demo", "--set", "Nope=1"}, 1, `no weight named "Nope"`},
		{"eval with a bad weight value", []string{"eval", "--data", "../../data/eval/demo", "--set", "Text=abc"}, 1, "is not a number"},
		{"eval with an unknown variant", []string{"eval", "--data", "../../data/eval/demo", "--variant", "tfidf"}, 1, `unknown variant "tfidf"`},
		{"segeval without gold", []string{"segeval"}, 2, "segeval needs --gold FILE"},
		{"bench with too many docs", []string{"bench", "--docs", "2000000"}, 1, "--docs must be"},
		{"stray argument", []string{"eval", "--data", "x", "extra"}, 2, `unexpected argument "extra"`},
		{"load of another machine", []string{"load", "--url", "http://192.0.2.7:8080"}, 1, "not a loopback address"},
		{"load with too many clients", []string{"load", "-c", "500"}, 1, "-c must be between 1 and 200"},
		{"help", []string{"help"}, 0, "Commands:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCmd(t, tt.args...)
			if code != tt.wantCode || !strings.Contains(stderr, tt.wantErr) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, stderr, tt.wantCode, tt.wantErr)
			}
		})
	}
}

// TestEvalDemoBeatsBaseline is the engine's bar: on the demo set the
// product's ranking beats bleve-cjk on nDCG@10 and MRR, in the same run.
func TestEvalDemoBeatsBaseline(t *testing.T) {
	runFile := filepath.Join(t.TempDir(), "run.txt")
	code, stdout, stderr := runCmd(t, "eval", "--data", "../../data/eval/demo", "--json", "--run", runFile)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rep eval.Report
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("--json output: %v\n%s", err, stdout)
	}
	if rep.Queries < 80 || len(rep.Variants) != 3 {
		t.Fatalf("report %+v", rep)
	}
	got := map[string][2]float64{}
	for _, v := range rep.Variants {
		got[v.Name] = [2]float64{v.NDCG10, v.MRR}
	}
	d, c := got["duijie"], got["bleve-cjk"]
	if d[0] <= c[0] || d[1] <= c[1] {
		t.Errorf("duijie nDCG@10 %.4f MRR %.4f does not beat bleve-cjk %.4f %.4f", d[0], d[1], c[0], c[1])
	}
	b, err := os.ReadFile(runFile)
	if err != nil {
		t.Fatal(err)
	}
	if lines := strings.Count(string(b), "\n"); lines < rep.Queries*3*10 {
		t.Errorf("run file has %d lines for %d queries and 3 variants", lines, rep.Queries)
	}
}

// TestEvalCSLBeatsBaseline prepares the CSL keyword set and holds the same
// bar there.
func TestEvalCSLBeatsBaseline(t *testing.T) {
	if testing.Short() {
		t.Skip("CSL evaluation takes a few seconds")
	}
	src := datasets.Require(t, "csl-keywords")
	dir := filepath.Join(t.TempDir(), "csl")
	if code, _, stderr := runCmd(t, "prepare-csl", "--from", src, "--out", dir); code != 0 {
		t.Fatalf("prepare-csl: %s", stderr)
	}
	code, stdout, stderr := runCmd(t, "eval", "--data", dir, "--json", "--variant", "duijie,bleve-cjk")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rep eval.Report
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Queries < 1000 || len(rep.Variants) != 2 {
		t.Fatalf("report %+v", rep)
	}
	if d, c := rep.Variants[0], rep.Variants[1]; d.NDCG10 <= c.NDCG10 || d.MRR <= c.MRR {
		t.Errorf("CSL: duijie %+v does not beat bleve-cjk %+v", d, c)
	}
}

func TestSegEval(t *testing.T) {
	gold := filepath.Join(datasets.Require(t, "icwb2"), "gold", "pku_test_gold.utf8")
	code, stdout, stderr := runCmd(t, "segeval", "--gold", gold)
	if code != 0 || !strings.Contains(stdout, "F1 0.8") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

// TestBenchSmall runs the whole benchmark on a tiny corpus, probes in a
// fresh process included.
func TestBenchSmall(t *testing.T) {
	if testing.Short() {
		t.Skip("the benchmark builds two indexes and probes four variants")
	}
	code, stdout, stderr := runCmd(t, "bench", "--docs", "300", "--queries", "5", "--dir", t.TempDir(), "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rep bench.Report
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	if rep.Docs != 300 || len(rep.Variants) != len(bench.Variants) {
		t.Fatalf("report %+v", rep)
	}
	for i, v := range rep.Variants {
		if v.Name != bench.Variants[i].Name || v.Index != bench.Variants[i].Index || v.Method != bench.Variants[i].Method ||
			v.IndexDocsS <= 0 || v.P99MS <= 0 || v.Measured != 5 || v.IndexMB <= 0 {
			t.Errorf("%s: figures missing: %+v", v.Name, v)
		}
	}
}

// TestImportDemoAndReindex fills a store with the demo set, then rebuilds
// the index from the store alone after the index folder is lost.
func TestImportDemoAndReindex(t *testing.T) {
	dir := t.TempDir()
	code, stdout, stderr := runCmd(t, "import-demo", "--data", dir)
	if code != 0 || !strings.Contains(stdout, "108 challenges, 220 capabilities; indexed 328 changes") {
		t.Fatalf("import-demo: exit %d, %q, %q", code, stdout, stderr)
	}
	if err := os.RemoveAll(filepath.Join(dir, "index")); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr = runCmd(t, "reindex", "--data", dir)
	if code != 0 || !strings.Contains(stdout, "indexed 328 postings") {
		t.Fatalf("reindex: exit %d, %q, %q", code, stdout, stderr)
	}
	if code, _, stderr := runCmd(t, "reindex", "--data", filepath.Join(dir, "nothing")); code != 1 || !strings.Contains(stderr, "no store at") {
		t.Errorf("reindex without a store: exit %d, %q", code, stderr)
	}
}

// TestHealIndex: a start finds an audience's index lost (deleted, left in
// the single-index layout of earlier versions, built with an earlier
// mapping, or holding fewer documents than the postings its audience may
// read) and rebuilds the indexes.
func TestHealIndex(t *testing.T) {
	dir := t.TempDir()
	if code, stdout, stderr := runCmd(t, "import-demo", "--data", dir); code != 0 {
		t.Fatalf("import-demo: exit %d, %q, %q", code, stdout, stderr)
	}
	dbPath, idxPath := storePaths(dir)
	ctx := context.Background()
	db, err := sqlite.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	want, err := db.AudienceCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want[duijie.AudienceBureau] != 328 || want[duijie.AudiencePublic] >= 328 || want[duijie.AudiencePublic] < 300 {
		t.Fatalf("audience counts %v", want)
	}
	for _, tc := range []struct {
		name  string
		spoil func(t *testing.T)
	}{
		{"deleted", func(t *testing.T) { os.RemoveAll(idxPath) }},
		{"public index deleted", func(t *testing.T) { os.RemoveAll(filepath.Join(idxPath, "public")) }},
		{"index of an earlier mapping", func(t *testing.T) {
			old, err := index.Open(filepath.Join(idxPath, "bureau"))
			if err != nil {
				t.Fatal(err)
			}
			if err := old.SetMappingVersion("1"); err != nil {
				t.Fatal(err)
			}
			old.Close()
		}},
		{"old single index", func(t *testing.T) {
			os.RemoveAll(idxPath)
			old, err := index.Open(idxPath)
			if err != nil {
				t.Fatal(err)
			}
			old.Close()
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.spoil(t)
			ix, err := indexer.OpenIndexes(idxPath)
			if err != nil {
				t.Fatal(err)
			}
			var logs strings.Builder
			ix, err = healIndex(ctx, db, ix, idxPath, slog.New(slog.NewTextHandler(&logs, nil)))
			if err != nil {
				t.Fatal(err)
			}
			defer ix.Close()
			have, _ := ix.Count()
			for _, aud := range duijie.Audiences {
				if have[aud] != uint64(want[aud]) {
					t.Fatalf("healed %s index holds %d documents, want %d", aud, have[aud], want[aud])
				}
			}
			if !strings.Contains(logs.String(), "rebuilding") {
				t.Errorf("no warning logged: %q", logs.String())
			}
			// In step: nothing to do, nothing logged.
			logs.Reset()
			again, err := healIndex(ctx, db, ix, idxPath, slog.New(slog.NewTextHandler(&logs, nil)))
			if err != nil || logs.Len() > 0 || again != ix {
				t.Fatalf("healthy index: %v, %q, reopened: %v", err, logs.String(), again != ix)
			}
		})
	}
}

// TestNewLogger: JSON or text as asked; auto gives JSON when the output
// is not a terminal (a file, a pipe, a collector).
func TestNewLogger(t *testing.T) {
	for format, want := range map[string]string{"json": `{"time":`, "text": "time=", "auto": `{"time":`} {
		var b strings.Builder
		log, err := newLogger(format, &b)
		if err != nil {
			t.Fatal(err)
		}
		log.Info("request", "rid", "0123456789abcdef")
		if !strings.HasPrefix(b.String(), want) || !strings.Contains(b.String(), "0123456789abcdef") {
			t.Errorf("%s: %q", format, b.String())
		}
	}
	f, err := os.CreateTemp(t.TempDir(), "log")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if isTerminal(f) {
		t.Error("a file is taken for a terminal")
	}
}
