package portal

import (
	"context"
	"fmt"
	"slices"
	"unicode"

	"duijie/index"
	"duijie/internal/duijie"
)

// fileEntry is a row's title and text, normalised, for the duplicate
// rules.
type fileEntry struct {
	row     int
	title   string
	t, text []rune
	tg      []uint64 // the title's bigrams, sorted
}

func newFileEntry(row int, title, text string) fileEntry {
	t := normText(title)
	return fileEntry{row: row, title: title, t: t, text: normText(text), tg: bigrams(t)}
}

type fileDups struct {
	byOrg   map[string][]fileEntry
	byTitle map[string][]fileEntry
}

// maxSameOrgCompare bounds the comparisons of a row with the earlier rows
// of its organisation (a file of 10,000 rows of one organisation).
const maxSameOrgCompare = 2000

func (f *fileDups) find(org string, e fileEntry) *ImportDup {
	same := f.byOrg[org]
	if len(same) > maxSameOrgCompare {
		same = same[len(same)-maxSameOrgCompare:]
	}
	for _, x := range same {
		if d := diceOf(e.t, x.t, e.tg, x.tg, DupSameOrgTitle); d >= DupSameOrgTitle {
			return &ImportDup{Row: x.row, Title: x.title, Reason: fmt.Sprintf("与第 %d 行属同一单位，标题相近（相似度 %.0f%%）", x.row, d*100)}
		}
	}
	for _, x := range f.byTitle[string(e.t)] {
		if d := dice(e.text, x.text); d >= DupText {
			return &ImportDup{Row: x.row, Title: x.title, Reason: fmt.Sprintf("与第 %d 行标题相同、内容几乎相同（相似度 %.0f%%）", x.row, d*100)}
		}
	}
	return nil
}

func (f *fileDups) add(org string, e fileEntry) {
	f.byOrg[org] = append(f.byOrg[org], e)
	f.byTitle[string(e.t)] = append(f.byTitle[string(e.t)], e)
}

// storeDup looks for a posting the row duplicates through the bureau's
// index (every posting, as brokers read them).
func (s *Service) storeDup(ctx context.Context, typ, orgID string, e fileEntry) (*ImportDup, error) {
	if len(e.t) == 0 {
		return nil, nil
	}
	ix := s.ix.For(duijie.AudienceBureau)
	// Titles and organisations only: loading every candidate's text costs
	// more than the search; texts are loaded for near-identical titles.
	q := index.Query{Type: typ, Match: e.title, Fields: []index.FieldBoost{{Field: index.FieldTitle, Boost: 1}}, Size: 10,
		Stored: []string{index.FieldTitle, index.FieldOrg, index.FieldOrgName}}
	res, err := ix.Search(ctx, q)
	if err != nil {
		return nil, err
	}
	hits := res.Hits
	q.Filter, q.Size = index.Filter{Orgs: []string{orgID}}, 5
	if own, err := ix.Search(ctx, q); err != nil {
		return nil, err
	} else {
		hits = append(own.Hits, hits...)
	}
	label := map[string]string{index.DocChallenge: "技术需求", index.DocCapability: "科技成果"}[typ]
	for _, h := range hits {
		t := normText(h.Doc.Title)
		d := diceOf(e.t, t, e.tg, bigrams(t), 0)
		dup := &ImportDup{Type: typ, ID: h.ID, Title: h.Doc.Title, OrgName: h.Doc.OrgName}
		if h.Doc.Org == orgID && d >= DupSameOrgTitle {
			dup.Reason = fmt.Sprintf("本单位已有标题相近的%s（相似度 %.0f%%）", label, d*100)
			return dup, nil
		}
		if d >= DupTitle {
			docs, err := ix.Docs(ctx, typ, []string{h.ID})
			if err != nil {
				return nil, err
			}
			if dt := dice(e.text, normText(docs[h.ID].Description)); dt >= DupText {
				dup.Reason = fmt.Sprintf("已有标题和内容几乎相同的%s（标题相似度 %.0f%%，内容相似度 %.0f%%）", label, d*100, dt*100)
				return dup, nil
			}
		}
	}
	return nil, nil
}

// normText folds case and full width and keeps letters and digits.
func normText(s string) []rune {
	out := make([]rune, 0, len(s)/3)
	for _, r := range s {
		if r >= 0xFF01 && r <= 0xFF5E {
			r -= 0xFEE0
		}
		if unicode.IsLetter(r) || unicode.IsNumber(r) {
			out = append(out, unicode.ToLower(r))
		}
	}
	return out
}

// dice is the Dice coefficient of two texts' character bigrams (a text of
// one character is compared whole).
func dice(a, b []rune) float64 { return diceOf(a, b, bigrams(a), bigrams(b), 0) }

// diceOf is dice over bigrams already made; below floor it may answer 0
// without counting (when the lengths alone rule it out).
func diceOf(a, b []rune, ag, bg []uint64, floor float64) float64 {
	if len(ag) == 0 || len(bg) == 0 {
		if len(a) > 0 && string(a) == string(b) {
			return 1
		}
		return 0
	}
	n := len(ag) + len(bg)
	if 2*float64(min(len(ag), len(bg))) < floor*float64(n) {
		return 0
	}
	inter := 0
	for i, j := 0, 0; i < len(ag) && j < len(bg); {
		switch {
		case ag[i] == bg[j]:
			inter++
			i++
			j++
		case ag[i] < bg[j]:
			i++
		default:
			j++
		}
	}
	return 2 * float64(inter) / float64(n)
}

// bigrams are the character bigrams of r, sorted.
func bigrams(r []rune) []uint64 {
	if len(r) < 2 {
		return nil
	}
	out := make([]uint64, len(r)-1)
	for i := range out {
		out[i] = uint64(r[i])<<32 | uint64(r[i+1])
	}
	slices.Sort(out)
	return out
}

// DupSimilarity is the similarity of two titles or texts the duplicate
// rule uses, exported for tests and the README's examples.
func DupSimilarity(a, b string) float64 { return dice(normText(a), normText(b)) }
