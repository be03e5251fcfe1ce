package eval

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"duijie/internal/match"
)

// writeSet writes an evaluation set into a temporary folder.
func writeSet(t *testing.T, challenges, capabilities, qrels string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range map[string]string{"challenges.jsonl": challenges, "capabilities.jsonl": capabilities, "qrels.tsv": qrels} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const tinyChallenges = `{"id":"q1","title":"锂电池低温放电","description":"冬天电池续航短，低温放电容量下降。","keywords":["低温","锂电池"]}
{"id":"q2","title":"石斛多糖提取","description":"提高霍山石斛多糖提取率。"}
{"id":"q3","title":"无人判断的需求","description":"没有任何判断。"}
`

const tinyCapabilities = `{"id":"d1","title":"锂离子电池低温电解液","description":"研制了低温电解液，零下30℃放电容量保持率80%。","kind":"achievement","region":"安徽省合肥市"}
{"id":"d2","title":"","description":"铁皮石斛多糖超声辅助提取与纯化工艺。","region":"安徽省六安市霍山县"}
{"id":"d3","title":"高温合金定向凝固","description":"单晶叶片铸造。"}
`

const tinyQrels = "challenge_id\tcapability_id\tgrade\nq1\td1\t3\nq2\td2\t3\nq2\td3\t0\n"

func TestRunTinySet(t *testing.T) {
	set, err := Load(writeSet(t, tinyChallenges, tinyCapabilities, tinyQrels))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Run(context.Background(), set, Options{Weights: match.DefaultWeights})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Queries != 2 {
		t.Errorf("queries = %d, want 2 (q3 has no judgment)", rep.Queries)
	}
	if len(rep.Variants) != 3 {
		t.Fatalf("variants = %d, want 3", len(rep.Variants))
	}
	for _, v := range rep.Variants {
		if v.NDCG10 != 1 || v.MRR != 1 {
			t.Errorf("%s: nDCG@10 %.3f MRR %.3f, want 1 and 1 on this obvious set", v.Name, v.NDCG10, v.MRR)
		}
	}
	var b bytes.Buffer
	if err := rep.WriteRun(&b); err != nil {
		t.Fatal(err)
	}
	first := strings.Split(b.String(), "\n")[0]
	if f := strings.Fields(first); len(f) != 6 || f[0] != "q1" || f[1] != "Q0" || f[2] != "d1" || f[3] != "1" || f[5] != VariantDuijie {
		t.Errorf("first run line %q, want q1 Q0 d1 1 <score> duijie", first)
	}
}

func TestLoadRejectsBadSets(t *testing.T) {
	tests := []struct {
		name             string
		chs, caps, qrels string
		wantErr          string
	}{
		{"grade out of range", tinyChallenges, tinyCapabilities, "challenge_id\tcapability_id\tgrade\nq1\td1\t4\n", "not 0–3"},
		{"unknown capability", tinyChallenges, tinyCapabilities, "q1\td9\t3\n", "unknown capability"},
		{"unknown challenge", tinyChallenges, tinyCapabilities, "q9\td1\t3\n", "unknown challenge"},
		{"two columns", tinyChallenges, tinyCapabilities, "q1\td1\n", "3 tab-separated columns"},
		{"duplicate id", tinyChallenges + `{"id":"q1","title":"x"}` + "\n", tinyCapabilities, tinyQrels, "duplicate id"},
		{"bad JSON", tinyChallenges, "{\"id\":\n", tinyQrels, "capabilities.jsonl:1"},
		{"no text", tinyChallenges, `{"id":"d1","title":"","description":" "}` + "\n", "", "neither title nor description"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(writeSet(t, tt.chs, tt.caps, tt.qrels))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("err = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
	if _, err := Load(t.TempDir()); err == nil {
		t.Error("an empty folder must fail")
	}
}
