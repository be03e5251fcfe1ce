package index

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"duijie/internal/datasets"
)

// Stock gse (its full simplified dictionary, Cut without HMM) scores these
// F1 on the SIGHAN 2005 gold sets; measured on this project's machine with
// gse v0.80.3. Duijie's segmentation must not score lower.
var stockF1 = map[string]float64{"pku": 0.8280, "msr": 0.8255}

func TestSegmentationQuality(t *testing.T) {
	dir := datasets.Require(t, "icwb2")
	for _, corpus := range []string{"pku", "msr"} {
		for _, name := range []string{LexiconDomain, LexiconPlain} {
			t.Run(corpus+"/"+name, func(t *testing.T) {
				lex, err := LoadLexicon(name)
				if err != nil {
					t.Fatal(err)
				}
				words, err := os.Open(filepath.Join(dir, "gold", corpus+"_training_words.utf8"))
				if err != nil {
					t.Fatal(err)
				}
				train, err := ReadWordList(words)
				words.Close()
				if err != nil {
					t.Fatal(err)
				}
				gold, err := os.Open(filepath.Join(dir, "gold", corpus+"_test_gold.utf8"))
				if err != nil {
					t.Fatal(err)
				}
				defer gold.Close()
				s, err := ScoreSegmentation(gold, train, lex.Cut)
				if err != nil {
					t.Fatal(err)
				}
				t.Logf("%s %s: P %.4f R %.4f F1 %.4f OOV recall %.4f (%d sentences)", corpus, name, s.Precision, s.Recall, s.F1, s.OOVRecall, s.Sentences)
				if s.Sentences < 1000 {
					t.Fatalf("read only %d sentences", s.Sentences)
				}
				if s.F1 < stockF1[corpus] {
					t.Errorf("F1 %.4f is below stock gse's %.4f", s.F1, stockF1[corpus])
				}
			})
		}
	}
}

func TestScoreSegmentationHandComputed(t *testing.T) {
	gold := "我们  研究  锂离子电池\n\n热  管理\n"
	cut := func(s string) []string {
		switch s {
		case "我们研究锂离子电池":
			return []string{"我们", "研究", "锂离子", "电池"} // 2 of 4 right
		case "热管理":
			return []string{"热", "管理"} // 2 of 2 right
		}
		return nil
	}
	train := map[string]bool{"我们": true, "研究": true, "热": true, "管理": true}
	s, err := ScoreSegmentation(strings.NewReader(gold), train, cut)
	if err != nil {
		t.Fatal(err)
	}
	// right 4, found 6, gold 5: P 4/6, R 4/5; OOV: 锂离子电池 missed
	if s.Sentences != 2 || s.Gold != 5 || s.Found != 6 {
		t.Fatalf("counts %+v", s)
	}
	if d := s.Precision - 4.0/6; d > 1e-9 || d < -1e-9 {
		t.Errorf("P = %v", s.Precision)
	}
	if d := s.Recall - 0.8; d > 1e-9 || d < -1e-9 {
		t.Errorf("R = %v", s.Recall)
	}
	wantF1 := 2 * (4.0 / 6) * 0.8 / (4.0/6 + 0.8)
	if d := s.F1 - wantF1; d > 1e-9 || d < -1e-9 {
		t.Errorf("F1 = %v, want %v", s.F1, wantF1)
	}
	if s.OOVRecall != 0 {
		t.Errorf("OOV recall = %v, want 0", s.OOVRecall)
	}
}
