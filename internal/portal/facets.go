package portal

import (
	"sort"

	"duijie/index"
	"duijie/internal/duijie"
)

// facets labels the index's facet counts in Chinese, in the order of the
// controlled lists.
func facets(in map[string][]index.FacetCount) map[string][]Facet {
	out := map[string][]Facet{}
	for name, counts := range in {
		var fs []Facet
		for _, c := range counts {
			if c.Count == 0 || c.Value == "" {
				continue
			}
			label := c.Value
			switch name {
			case index.FieldIndustry:
				label = duijie.Industry(c.Value).Label()
			case index.FieldRegionTier:
				label = duijie.Tier(c.Value).Label()
			case index.FieldRegion:
				// The county facet: 六安's districts, counties and zones.
				if r := duijie.Region(c.Value); r.County() {
					label = r.Short()
				} else {
					label = ""
				}
			case index.FieldKind:
				label = duijie.Kind(c.Value).Label()
			case index.FieldTRL:
				label = "TRL " + c.Value + " 及以上"
			}
			if label == "" {
				continue
			}
			fs = append(fs, Facet{Value: c.Value, Label: label, Count: c.Count})
		}
		if name == index.FieldTRL {
			// The index counts each level; the filter is "this level and
			// above", so the counts add up from the top.
			for i := len(fs) - 2; i >= 0; i-- {
				fs[i].Count += fs[i+1].Count
			}
		} else {
			sort.SliceStable(fs, func(i, j int) bool { return fs[i].Count > fs[j].Count })
		}
		out[name] = fs
	}
	return out
}
