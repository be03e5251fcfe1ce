package duijie

import (
	"strings"
	"time"
)

// Industry is a code of the controlled industry list: the "5+1" chains of
// 六安 and the national 战略性新兴产业 categories.
type Industry string

// Industries in display order.
var Industries = []struct {
	Code  Industry
	Label string
}{
	{"nev", "新能源与新能源汽车"},
	{"ai", "人工智能与数字经济"},
	{"equipment", "高端装备制造"},
	{"materials", "新材料（含高温合金）"},
	{"food", "绿色食品与农产品精深加工"},
	{"health", "生物医药与大健康"},
	{"ict", "新一代信息技术"},
	{"energy", "新能源（光伏、风电、氢能）"},
	{"green", "节能环保"},
	{"other", "其他"},
}

// Label is the Chinese name of an industry code ("" when unknown).
func (i Industry) Label() string {
	for _, x := range Industries {
		if x.Code == i {
			return x.Label
		}
	}
	return ""
}

// Valid reports whether i is on the list.
func (i Industry) Valid() bool { return i.Label() != "" }

// Mode is a cooperation mode; its value is its Chinese name, as in 技术合同.
type Mode string

// Modes in display order.
var Modes = []Mode{"技术开发", "技术转让", "技术许可", "技术咨询", "技术服务", "共建平台", "人才引进"}

// Valid reports whether m is on the list.
func (m Mode) Valid() bool {
	for _, x := range Modes {
		if x == m {
			return true
		}
	}
	return false
}

// Kind is the kind of a capability.
type Kind string

// Capability kinds.
const (
	KindAchievement Kind = "achievement" // 科技成果
	KindDirection   Kind = "direction"   // 研究方向
	KindExpert      Kind = "expert"      // 专家
	KindEquipment   Kind = "equipment"   // 平台/设备
)

// Label is the Chinese name of a kind.
func (k Kind) Label() string {
	switch k {
	case KindAchievement:
		return "科技成果"
	case KindDirection:
		return "研究方向"
	case KindExpert:
		return "专家"
	case KindEquipment:
		return "平台/设备"
	}
	return ""
}

// Tier ranks a region by distance from 六安 for the local-first preference.
type Tier string

// Region tiers, nearest first.
const (
	TierLocal Tier = "local" // 六安市 and its counties
	TierHefei Tier = "hefei" // 合肥
	TierYRD   Tier = "yrd"   // the rest of 长三角: 安徽, 上海, 江苏, 浙江
	TierOther Tier = "other"
)

// Label is the Chinese name of a tier.
func (t Tier) Label() string {
	switch t {
	case TierLocal:
		return "六安本地"
	case TierHefei:
		return "合肥"
	case TierYRD:
		return "长三角"
	}
	return "其他地区"
}

var (
	liuanPlaces = []string{"六安", "金安", "裕安", "叶集", "霍邱", "舒城", "金寨", "霍山"}
	yrdPlaces   = []string{"安徽", "上海", "江苏", "浙江", "南京", "苏州", "无锡", "常州", "南通", "扬州",
		"镇江", "泰州", "盐城", "徐州", "杭州", "宁波", "温州", "嘉兴", "湖州", "绍兴", "金华", "台州",
		"芜湖", "马鞍山", "淮南", "蚌埠", "安庆", "滁州", "铜陵", "宣城", "池州", "阜阳", "亳州", "宿州", "淮北", "黄山"}
)

// RegionTier classifies a free-text region such as 安徽省六安市霍山县.
func RegionTier(region string) Tier {
	for _, p := range liuanPlaces {
		if strings.Contains(region, p) {
			return TierLocal
		}
	}
	if strings.Contains(region, "合肥") {
		return TierHefei
	}
	for _, p := range yrdPlaces {
		if strings.Contains(region, p) {
			return TierYRD
		}
	}
	return TierOther
}

// ParseModes converts mode names; it does not validate them (Mode.Valid).
func ParseModes(names []string) []Mode {
	out := make([]Mode, len(names))
	for i, n := range names {
		out[i] = Mode(n)
	}
	return out
}

// ModeNames converts modes to their names.
func ModeNames(ms []Mode) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = string(m)
	}
	return out
}

// DateLayout is how dates are written in data files and forms.
const DateLayout = "2006-01-02"

// ParseDate reads a DateLayout date; empty or malformed text is the zero
// time (a date not given).
func ParseDate(s string) time.Time {
	t, _ := time.Parse(DateLayout, s)
	return t
}
