package index

import (
	"context"
	"math"
	"sort"
	"time"

	"github.com/blevesearch/bleve/v2/search"
)

// quantize rounds a score to a millionth. bleve adds a posting's clause
// scores in an order that depends on the index's segments, so the same
// posting in the same collection scores differently in the last bits
// before and after a background merge (or any write); rounded, a score
// depends on the collection alone, and equal postings list by id.
func quantize(score float64) float64 { return math.Round(score*1e6) / 1e6 }

func toHit(h *search.DocumentMatch) Hit {
	typ, id := splitKey(h.ID)
	hit := Hit{Type: typ, ID: id, Score: quantize(h.Score), Doc: docFromFields(typ, id, h.Fields)}
	fields := make([]string, 0, len(h.Locations))
	for f := range h.Locations {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	for _, f := range fields {
		terms := make([]string, 0, len(h.Locations[f]))
		for t := range h.Locations[f] {
			terms = append(terms, t)
		}
		sort.Strings(terms)
		for _, t := range terms {
			m := TermMatch{Field: logical(f), Term: t}
			for _, l := range h.Locations[f][t] {
				m.Spans = append(m.Spans, Span{int(l.Start), int(l.End)})
			}
			sort.Slice(m.Spans, func(i, j int) bool { return m.Spans[i].Start < m.Spans[j].Start })
			hit.Matches = append(hit.Matches, m)
		}
	}
	return hit
}

func docFromFields(typ, id string, f map[string]interface{}) Doc {
	str := func(k string) string { s, _ := f[physical(typ, k)].(string); return s }
	d := Doc{
		Type: typ, ID: id,
		Kind: str(FieldKind), Title: str(FieldTitle), Description: str(FieldDescription),
		Keywords: str(FieldKeywords), OrgName: str(FieldOrgName), Org: str(FieldOrg),
		Industry: str(FieldIndustry), Region: str(FieldRegion), RegionTier: str(FieldRegionTier),
		Status: str(FieldStatus), Visibility: str(FieldVisibility),
	}
	if v, ok := f[FieldTRL].(float64); ok {
		d.TRL = int(v)
	}
	switch v := f[FieldModes].(type) {
	case string:
		d.Modes = []string{v}
	case []interface{}:
		for _, m := range v {
			if s, ok := m.(string); ok {
				d.Modes = append(d.Modes, s)
			}
		}
	}
	if s := str(FieldPosted); s != "" {
		d.Posted, _ = time.Parse(time.RFC3339, s)
	}
	if s := str(FieldDeadline); s != "" {
		if t, _ := time.Parse(time.RFC3339, s); !t.Equal(OpenEnded) {
			d.Deadline = t
		}
	}
	return d
}

// Docs loads the stored postings of ids (those not in the index are left out).
func (x *Index) Docs(ctx context.Context, typ string, ids []string) (map[string]Doc, error) {
	if len(ids) == 0 {
		return map[string]Doc{}, nil
	}
	res, err := x.Search(ctx, Query{Type: typ, Filter: Filter{IDs: ids}, Size: len(ids)})
	if err != nil {
		return nil, err
	}
	out := make(map[string]Doc, len(res.Hits))
	for _, h := range res.Hits {
		out[h.ID] = h.Doc
	}
	return out, nil
}
