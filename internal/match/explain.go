package match

import (
	"fmt"
	"math"
	"strings"

	"duijie/index"
	"duijie/internal/duijie"
)

// FieldLabels are the Chinese names of the text fields in explanations.
var FieldLabels = map[string]string{
	index.FieldTitle:       "标题",
	index.FieldKeywords:    "关键词",
	index.FieldDescription: "正文",
	index.FieldOrgName:     "单位",
}

// explain scores hit with every signal and says why, in Chinese.
func (m *Matcher) explain(src Source, q query, h index.Hit, maxScore float64, opt Options) Match {
	terms := q.terms
	w := m.W
	out := Match{Type: h.Type, ID: h.ID, Doc: h.Doc}

	// Which query words were found, and where.
	found := map[string][]string{} // word found -> field labels
	for _, tm := range h.Matches {
		if label, ok := FieldLabels[tm.Field]; ok && !contains(found[tm.Term], label) {
			found[tm.Term] = append(found[tm.Term], label)
		}
	}
	var total, covered float64
	var ev Evidence
	for _, t := range terms {
		fb := q.feedback[t.Text]
		if !fb {
			total += t.Weight
		}
		mt := MatchedTerm{Term: t.Text, Weight: t.Weight, Fields: append([]string(nil), found[t.Text]...), Feedback: fb}
		for _, alt := range t.Alts {
			fields, ok := found[alt]
			if !ok {
				continue
			}
			if len(found[t.Text]) == 0 && mt.Found == "" {
				mt.Found = alt // only a synonym was found: say which
			}
			for _, l := range fields {
				if !contains(mt.Fields, l) {
					mt.Fields = append(mt.Fields, l)
				}
			}
		}
		if len(mt.Fields) > 0 && fb {
			out.Terms = append(out.Terms, mt) // explained, but no evidence of the source's own words
			continue
		}
		if len(mt.Fields) > 0 {
			covered += t.Weight
			out.Terms = append(out.Terms, mt)
			ev.Matched++
			ev.Top = max(ev.Top, t.Weight)
			if strongField(mt.Fields) {
				ev.Strong += t.Weight
			}
		}
	}

	var text, coverage float64
	if maxScore > 0 {
		text = h.Score / maxScore
	}
	if total > 0 {
		coverage = covered / total
	}

	// The evidence counts the headline words no posting holds: matching
	// the rest of a posting says less when its subject found nothing.
	if total+q.missing > 0 {
		ev.Strong /= total + q.missing
		ev.Coverage = covered / (total + q.missing)
	}
	ev.Top /= max(1, q.missingTop)
	industry := 0.0
	if src.Industry != "" && duijie.Industry(h.Doc.Industry) == src.Industry {
		industry, ev.Industry = 1, true
		out.Reasons = append(out.Reasons, "同属产业："+src.Industry.Label())
	}

	mode := 0.5 // unknown on either side: neutral
	if len(src.Modes) > 0 && len(h.Doc.Modes) > 0 {
		mode = 0
		var common []string
		for _, a := range src.Modes {
			if contains(h.Doc.Modes, string(a)) {
				common = append(common, string(a))
			}
		}
		if len(common) > 0 {
			mode = 1
			out.Reasons = append(out.Reasons, "合作方式相符："+strings.Join(common, "、"))
		}
	}

	trl, reason := trlFit(src, h.Doc)
	if reason != "" {
		out.Reasons = append(out.Reasons, reason)
	}

	region := 0.0
	tier := duijie.Tier(h.Doc.RegionTier)
	if tier == "" {
		tier = duijie.Region(h.Doc.Region).Tier()
	}
	if opt.LocalFirst {
		switch tier {
		case duijie.TierLocal:
			region = 1
		case duijie.TierHefei:
			region = 2.0 / 3
		case duijie.TierYRD:
			region = 1.0 / 3
		}
		if region > 0 {
			out.Reasons = append(out.Reasons, "地域："+tier.Label()+"（本地优先）")
		}
	}

	fresh := 0.0
	if !h.Doc.Posted.IsZero() && w.HalfLife > 0 {
		age := opt.Now.Sub(h.Doc.Posted)
		fresh = math.Exp2(-max(age.Hours(), 0) / w.HalfLife.Hours())
	}

	base := w.Text*text + w.Coverage*coverage
	out.Parts = []Part{
		{"text", "文本相关度", text, w.Text * text},
		{"coverage", "关键词覆盖", coverage, w.Coverage * coverage},
		{"industry", "产业相同", industry, base * w.Industry * industry},
		{"mode", "合作方式", mode, base * w.Mode * mode},
		{"trl", "技术成熟度", trl, base * w.TRL * trl},
		{"region", "地域优先", region, base * w.Region * region},
		{"freshness", "发布时效", fresh, base * w.Freshness * fresh},
	}
	for i := range out.Parts {
		out.Score += out.Parts[i].Value // full precision: ranks are not decided by rounding
		out.Parts[i].Signal = round3(out.Parts[i].Signal)
		out.Parts[i].Value = round3(out.Parts[i].Value)
	}
	out.Evidence, out.Confidence = ev, m.C.Prob(ev)
	out.hit = h
	return out
}

// trlFit compares the capability's TRL with the TRL the challenge expects.
func trlFit(src Source, d index.Doc) (float64, string) {
	have, want := d.TRL, src.TRL
	if src.Type == index.DocCapability {
		have, want = src.TRL, d.TRL
	}
	if have <= 0 || want <= 0 {
		return 0.5, ""
	}
	if have >= want {
		return 1, fmt.Sprintf("成熟度 TRL %d，达到期望的 TRL %d", have, want)
	}
	fit := max(0, 1-float64(want-have)/4)
	return fit, fmt.Sprintf("成熟度 TRL %d，低于期望的 TRL %d", have, want)
}

// decorate adds highlighted fragments of the title and the best passage.
func decorate(mt *Match) {
	var title, desc []index.Span
	for _, tm := range mt.hit.Matches {
		switch tm.Field {
		case index.FieldTitle:
			title = append(title, tm.Spans...)
		case index.FieldDescription:
			desc = append(desc, tm.Spans...)
		}
	}
	mt.Title = index.Snippet(mt.Doc.Title, title, 1000)
	mt.Snippet = index.Snippet(mt.Doc.Description, desc, 120)
}

func contains[T ~string](xs []T, x T) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
