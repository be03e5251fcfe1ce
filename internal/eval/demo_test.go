package eval

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"duijie/internal/demo"
)

var update = flag.Bool("update", false, "rewrite golden and generated files")

const demoEvalDir = "../../data/eval/demo"

func encodeJSONL[T any](tb testing.TB, rows []T) []byte {
	tb.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	for _, r := range rows {
		if err := enc.Encode(r); err != nil {
			tb.Fatal(err)
		}
	}
	return b.Bytes()
}

// TestDemoEvalSetInSync checks that data/eval/demo holds the demo set as the
// portal indexes it (go test ./internal/eval -run DemoEval -update rewrites
// it after the demo set changes) and that its judgments are sound.
func TestDemoEvalSetInSync(t *testing.T) {
	set, err := demo.Load()
	if err != nil {
		t.Fatal(err)
	}
	chs, caps := FromDemo(set)
	files := map[string][]byte{
		"challenges.jsonl":   encodeJSONL(t, chs),
		"capabilities.jsonl": encodeJSONL(t, caps),
	}
	for name, want := range files {
		path := filepath.Join(demoEvalDir, name)
		if *update {
			if err := os.WriteFile(path, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is out of date with data/demo: run go test ./internal/eval -run DemoEval -update", path)
		}
	}

	es, err := Load(demoEvalDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(es.Challenges) < 80 || len(es.Capabilities) < 200 {
		t.Errorf("demo set has %d challenges and %d capabilities, want at least 80 and 200", len(es.Challenges), len(es.Capabilities))
	}
	for _, c := range es.Challenges {
		best := 0
		for _, g := range es.Qrels[c.ID] {
			best = max(best, g)
		}
		if best < Relevant {
			t.Errorf("challenge %s has no judgment of grade >= %d", c.ID, Relevant)
		}
	}
}
