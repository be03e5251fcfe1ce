package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"duijie/internal/eval"
)

// cslRow is a line of FewCLUE CSL: an abstract with a keyword list that is
// genuine (label "1") or has one fake keyword (label "0").
type cslRow struct {
	Abst    string   `json:"abst"`
	Keyword []string `json:"keyword"`
	Label   any      `json:"label"`
}

// runPrepareCSL writes an evaluation set from CSL: every distinct abstract is
// a capability; every distinct genuine keyword list is a challenge whose one
// relevant capability (grade 3) is its abstract.
func runPrepareCSL(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("prepare-csl", flag.ContinueOnError)
	from := fs.String("from", "../shared/datasets/csl-keywords", "folder with the CSL *.json files")
	out := fs.String("out", "var/eval/csl", "folder to write challenges.jsonl, capabilities.jsonl, qrels.tsv")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	files, err := filepath.Glob(filepath.Join(*from, "*.json"))
	if err != nil || len(files) == 0 {
		return fmt.Errorf("no CSL *.json files in %s", *from)
	}
	sort.Strings(files)
	docID := map[string]string{}
	var caps []eval.Capability
	var chs []eval.Challenge
	var qrels []string
	seenQuery := map[string]bool{}
	for _, f := range files {
		rows, err := readCSL(f)
		if err != nil {
			return err
		}
		for _, r := range rows {
			id, ok := docID[r.Abst]
			if !ok {
				id = fmt.Sprintf("d%04d", len(caps)+1)
				docID[r.Abst] = id
				caps = append(caps, eval.Capability{ID: id, Description: r.Abst})
			}
			if fmt.Sprint(r.Label) != "1" || len(r.Keyword) == 0 {
				continue
			}
			key := id + "|" + strings.Join(r.Keyword, "、")
			if seenQuery[key] {
				continue
			}
			seenQuery[key] = true
			qid := fmt.Sprintf("q%04d", len(chs)+1)
			chs = append(chs, eval.Challenge{ID: qid, Description: strings.Join(r.Keyword, "、"), Keywords: r.Keyword})
			qrels = append(qrels, qid+"\t"+id+"\t3")
		}
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	if err := writeJSONL(filepath.Join(*out, "challenges.jsonl"), chs); err != nil {
		return err
	}
	if err := writeJSONL(filepath.Join(*out, "capabilities.jsonl"), caps); err != nil {
		return err
	}
	q := "challenge_id\tcapability_id\tgrade\n" + strings.Join(qrels, "\n") + "\n"
	if err := os.WriteFile(filepath.Join(*out, "qrels.tsv"), []byte(q), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %d challenges, %d capabilities to %s\n", len(chs), len(caps), *out)
	return nil
}

func readCSL(path string) ([]cslRow, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var rows []cslRow
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for line := 1; sc.Scan(); line++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var r cslRow
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return nil, fmt.Errorf("%s:%d: %v", path, line, err)
		}
		rows = append(rows, r)
	}
	return rows, sc.Err()
}

func writeJSONL[T any](path string, rows []T) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, r := range rows {
		if err := enc.Encode(r); err != nil {
			f.Close()
			return err
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
