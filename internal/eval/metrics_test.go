package eval

import (
	"math"
	"testing"
)

func TestScoreHandComputed(t *testing.T) {
	judged := map[string]int{"a": 3, "b": 2, "c": 1, "d": 0}
	tests := []struct {
		name   string
		ranked []string
		want   Scores
	}{
		{
			// DCG = 3/log2(3) + 7/log2(4) + 1/log2(6) = 5.779642
			// IDCG = 7/log2(2) + 3/log2(3) + 1/log2(4) = 9.392789
			name:   "mixed",
			ranked: []string{"x", "b", "a", "y", "c"},
			want:   Scores{NDCG10: 0.6153276, P5: 0.4, Recall50: 1, MRR: 0.5},
		},
		{
			name:   "ideal",
			ranked: []string{"a", "b", "c"},
			want:   Scores{NDCG10: 1, P5: 0.4, Recall50: 1, MRR: 1},
		},
		{
			name:   "nothing found",
			ranked: []string{"x", "y", "d"},
			want:   Scores{},
		},
		{
			name:   "relevant beyond 10 counts for recall and MRR only",
			ranked: []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "a"},
			want:   Scores{NDCG10: 0, P5: 0, Recall50: 0.5, MRR: 1.0 / 11},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Score(tt.ranked, judged)
			for _, c := range []struct {
				name      string
				got, want float64
			}{
				{"nDCG@10", got.NDCG10, tt.want.NDCG10},
				{"P@5", got.P5, tt.want.P5},
				{"Recall@50", got.Recall50, tt.want.Recall50},
				{"MRR", got.MRR, tt.want.MRR},
			} {
				if math.Abs(c.got-c.want) > 1e-6 {
					t.Errorf("%s = %.7f, want %.7f", c.name, c.got, c.want)
				}
			}
		})
	}
}

func TestScoreNoRelevant(t *testing.T) {
	got := Score([]string{"c"}, map[string]int{"c": 1})
	if got.NDCG10 != 1 || got.P5 != 0 || got.Recall50 != 0 || got.MRR != 0 {
		t.Errorf("only grade-1 judgments: got %+v, want nDCG 1 and the rest 0", got)
	}
}

func TestMean(t *testing.T) {
	got := Mean([]Scores{{1, 1, 1, 1}, {0, 0.5, 0, 0.25}})
	want := Scores{0.5, 0.75, 0.5, 0.625}
	if got != want {
		t.Errorf("Mean = %+v, want %+v", got, want)
	}
	if (Mean(nil) != Scores{}) {
		t.Error("Mean(nil) should be zero")
	}
}
