// Package eval measures ranking quality against graded judgments: it loads
// an evaluation set (challenges, capabilities, qrels), ranks with each
// variant and scores nDCG@10, P@5, Recall@50 and MRR.
package eval

import "math"

// Qrels maps challenge id -> capability id -> grade (0–3).
type Qrels map[string]map[string]int

// Relevant is the grade from which a capability counts as relevant for
// P@5, Recall@50 and MRR.
const Relevant = 2

// Scores are one query's metrics.
type Scores struct {
	NDCG10   float64
	P5       float64
	Recall50 float64
	MRR      float64
}

// Score computes the metrics of one ranked list against one query's
// judgments. Unjudged documents count as grade 0. nDCG uses gain 2^g − 1 and
// log2(rank+1) discount, normalised by the ideal order of all judgments;
// Recall@50 and MRR are 0 when the query has no relevant document.
func Score(ranked []string, judged map[string]int) Scores {
	var s Scores
	dcg := 0.0
	for i, id := range ranked {
		g := judged[id]
		if i < 10 && g > 0 {
			dcg += gain(g) / math.Log2(float64(i)+2)
		}
		if g >= Relevant {
			if i < 5 {
				s.P5++
			}
			if i < 50 {
				s.Recall50++
			}
			if s.MRR == 0 {
				s.MRR = 1 / float64(i+1)
			}
		}
	}
	s.P5 /= 5
	grades := make([]int, 0, len(judged))
	relevant := 0
	for _, g := range judged {
		if g > 0 {
			grades = append(grades, g)
		}
		if g >= Relevant {
			relevant++
		}
	}
	if relevant > 0 {
		s.Recall50 /= float64(relevant)
	} else {
		s.Recall50 = 0
	}
	// ideal DCG: grades in descending order
	for i := 0; i < len(grades); i++ {
		for j := i + 1; j < len(grades); j++ {
			if grades[j] > grades[i] {
				grades[i], grades[j] = grades[j], grades[i]
			}
		}
	}
	idcg := 0.0
	for i := 0; i < len(grades) && i < 10; i++ {
		idcg += gain(grades[i]) / math.Log2(float64(i)+2)
	}
	if idcg > 0 {
		s.NDCG10 = dcg / idcg
	}
	return s
}

func gain(g int) float64 { return math.Exp2(float64(g)) - 1 }

// Mean averages scores.
func Mean(all []Scores) Scores {
	var m Scores
	if len(all) == 0 {
		return m
	}
	for _, s := range all {
		m.NDCG10 += s.NDCG10
		m.P5 += s.P5
		m.Recall50 += s.Recall50
		m.MRR += s.MRR
	}
	n := float64(len(all))
	return Scores{m.NDCG10 / n, m.P5 / n, m.Recall50 / n, m.MRR / n}
}
