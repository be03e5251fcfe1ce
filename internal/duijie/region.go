package duijie

import "strings"

// Region is a code of the controlled list of regions (Regions): the
// districts, counties and development zones of 六安, 合肥, the rest of
// Anhui, the three other provinces of 长三角 and everywhere else.
// Organisations and capabilities carry one; a challenge takes its
// organisation's.
//
// A value that is not on the list is free text kept from before the list
// (a store migration could not place it, e.g. 安徽省六安市 without a
// county): it still reads, with its tier guessed from the text, but it no
// longer passes validation, so the next edit picks a code.
type Region string

// RegionInfo describes one region of the list.
type RegionInfo struct {
	Code  Region
	Label string // full Chinese name: 六安市金安区
	Short string // name in a facet: 金安区
	Tier  Tier
}

// Regions is the controlled list, in display order: 六安 first.
var Regions = []RegionInfo{
	{"la-jinan", "六安市金安区", "金安区", TierLocal},
	{"la-yuan", "六安市裕安区", "裕安区", TierLocal},
	{"la-yeji", "六安市叶集区", "叶集区", TierLocal},
	{"la-huoqiu", "六安市霍邱县", "霍邱县", TierLocal},
	{"la-shucheng", "六安市舒城县", "舒城县", TierLocal},
	{"la-jinzhai", "六安市金寨县", "金寨县", TierLocal},
	{"la-huoshan", "六安市霍山县", "霍山县", TierLocal},
	{"la-etdz", "六安经济技术开发区", "六安经开区", TierLocal},
	{"la-hitech", "六安高新技术产业开发区", "六安高新区", TierLocal},
	{"hefei", "合肥市", "合肥", TierHefei},
	{"anhui", "安徽省其他地市", "安徽其他地市", TierYRD},
	{"shanghai", "上海市", "上海", TierYRD},
	{"jiangsu", "江苏省", "江苏", TierYRD},
	{"zhejiang", "浙江省", "浙江", TierYRD},
	{"other", "其他地区", "其他地区", TierOther},
}

// info is r's entry of the list, nil when r is not on it.
func (r Region) info() *RegionInfo {
	for i := range Regions {
		if Regions[i].Code == r {
			return &Regions[i]
		}
	}
	return nil
}

// Valid reports whether r is on the list.
func (r Region) Valid() bool { return r.info() != nil }

// Label is the Chinese name of r; free text from before the list reads as
// written.
func (r Region) Label() string {
	if i := r.info(); i != nil {
		return i.Label
	}
	return string(r)
}

// Short is the short name of r (facets).
func (r Region) Short() string {
	if i := r.info(); i != nil {
		return i.Short
	}
	return string(r)
}

// String is the Chinese name, so that templates print {{.Region}} as a
// reader expects. The code is string(r).
func (r Region) String() string { return r.Label() }

// Tier is r's distance tier for the local-first preference; "" when r is
// empty (not known to the reader: a redacted 摘要公开 challenge).
func (r Region) Tier() Tier {
	if strings.TrimSpace(string(r)) == "" {
		return ""
	}
	if i := r.info(); i != nil {
		return i.Tier
	}
	return RegionTier(string(r))
}

// County reports whether r is one of 六安's districts, counties or
// development zones (the county facet).
func (r Region) County() bool {
	i := r.info()
	return i != nil && i.Tier == TierLocal
}

// Places named in free-text regions, by the code they map to. The store
// migration 0007_regions.sql spells the same rules in SQL; a test holds
// the two together.
var (
	liuanCounties = []struct {
		place string
		code  Region
	}{
		{"金安", "la-jinan"}, {"裕安", "la-yuan"}, {"叶集", "la-yeji"}, {"霍邱", "la-huoqiu"},
		{"舒城", "la-shucheng"}, {"金寨", "la-jinzhai"}, {"霍山", "la-huoshan"},
	}
	jiangsuPlaces  = []string{"江苏", "南京", "苏州", "无锡", "常州", "南通", "扬州", "镇江", "泰州", "盐城", "徐州", "淮安", "连云港", "宿迁"}
	zhejiangPlaces = []string{"浙江", "杭州", "宁波", "温州", "嘉兴", "湖州", "绍兴", "金华", "台州", "衢州", "舟山", "丽水"}
	anhuiPlaces    = []string{"安徽", "芜湖", "马鞍山", "淮南", "蚌埠", "安庆", "滁州", "铜陵", "宣城", "池州", "阜阳", "亳州", "宿州", "淮北", "黄山"}
)

// ParseRegion maps a region, given as a code, as a label of the list or
// as free text from province down (安徽省六安市霍山县), to a code. ok is
// false for empty text and for text that names 六安 without saying where
// in 六安 (the county cannot be guessed). Any other text that names no
// place of the list is 其他地区.
func ParseRegion(text string) (r Region, ok bool) {
	text = strings.TrimSpace(text)
	if text == "" {
		return "", false
	}
	if Region(text).Valid() {
		return Region(text), true
	}
	has := func(places ...string) bool {
		for _, p := range places {
			if strings.Contains(text, p) {
				return true
			}
		}
		return false
	}
	if has("六安") && has("经济技术开发区", "经开区") {
		return "la-etdz", true
	}
	if has("六安") && has("高新") {
		return "la-hitech", true
	}
	for _, c := range liuanCounties {
		if has(c.place) {
			return c.code, true
		}
	}
	switch {
	case has("六安"):
		return "", false
	case has("合肥"):
		return "hefei", true
	case has("上海"):
		return "shanghai", true
	case has(jiangsuPlaces...):
		return "jiangsu", true
	case has(zhejiangPlaces...):
		return "zhejiang", true
	case has(anhuiPlaces...):
		return "anhui", true
	}
	return "other", true
}

// LocalRegions are the regions of 六安 (counties, districts and zones), to
// which a broker can be scoped.
func LocalRegions() []RegionInfo {
	var out []RegionInfo
	for _, r := range Regions {
		if r.Tier == TierLocal {
			out = append(out, r)
		}
	}
	return out
}
