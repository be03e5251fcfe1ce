// Package importer turns the bureau's spreadsheets of demands (技术需求)
// and achievements (科技成果) into postings: the columns of each kind, the
// downloadable template, and the parsing of every row into a posting or a
// list of problems, each with its row, column and reason in Chinese.
// Which organisation a row belongs to, and whether it duplicates a
// posting, is decided against the store and the index by the portal.
package importer

import (
	"strings"

	"duijie/internal/duijie"
)

// Kind is what a file holds.
type Kind string

// Kinds of import.
const (
	Challenges   Kind = "challenge"  // 技术需求, of enterprises
	Capabilities Kind = "capability" // 科技成果 (and directions, experts, platforms), of institutes
)

// ParseKind reads a kind from a form or a URL.
func ParseKind(s string) (Kind, bool) {
	switch Kind(s) {
	case Challenges, Capabilities:
		return Kind(s), true
	}
	return "", false
}

// Label is the Chinese name of the kind; it is also the name of the
// template's data sheet.
func (k Kind) Label() string {
	if k == Challenges {
		return "技术需求"
	}
	return "科技成果"
}

// OrgKind is the kind of organisation the postings belong to.
func (k Kind) OrgKind() duijie.OrgKind {
	if k == Challenges {
		return duijie.OrgEnterprise
	}
	return duijie.OrgInstitute
}

// NotesSheet is the name of the template's sheet of explanations.
const NotesSheet = "填写说明"

// Column is one column of a template.
type Column struct {
	Key      string // the posting's field (the names Validate uses)
	Header   string // the Chinese header, without the required mark
	Required bool   // the column must be present, and its cell filled (credit code: see Note)
	Width    float64
	Note     string // what to write, for the notes sheet
	Values   string // the controlled values, for the notes sheet
	Example  string
}

// Columns of each kind, in template order.
func (k Kind) Columns() []Column {
	org := []Column{
		{Key: "org_name", Header: "单位名称", Required: true, Width: 28, Example: "六安示例新材料科技有限公司",
			Note: "单位全称。按统一社会信用代码归属到已注册的单位；代码为空的院所按名称匹配；系统中没有的单位将新建，状态为待审核"},
		{Key: "credit_code", Header: "统一社会信用代码", Required: k == Challenges, Width: 22, Example: "91341500MA2N0LA0XR",
			Note: "18 位，校验位须正确。企业必填；院所可不填（按单位名称匹配）"},
		{Key: "org_region", Header: "单位所在地区", Width: 16, Example: "六安市霍山县",
			Note:   "仅在新建单位时使用，已注册的单位保持原地区。可填地区名称或代码，或写到区县的地址（如 安徽省六安市霍山县）",
			Values: "见下方「地区」"},
	}
	if k == Challenges {
		return append(org,
			Column{Key: "title", Header: "需求名称", Required: true, Width: 30, Example: "动力电池包快充工况下的热管理方案",
				Note: "不超过 60 个字"},
			Column{Key: "problem", Header: "问题描述", Required: true, Width: 50, Example: "4C 快充时电芯温差超过 8℃，希望降到 3℃ 以内，且不增加电池包重量。",
				Note: "要解决的技术问题，不超过 5000 个字"},
			Column{Key: "targets", Header: "量化指标", Width: 30, Example: "温差≤3℃；系统增重≤2kg", Note: "可量化的目标，不超过 2000 个字"},
			Column{Key: "tried", Header: "已尝试方案", Width: 30, Example: "已试过风冷和普通液冷板，温差仍在 6℃ 以上", Note: "不超过 2000 个字"},
			Column{Key: "constraints", Header: "约束条件", Width: 24, Note: "成本、工艺、场地等限制，不超过 2000 个字"},
			Column{Key: "industry", Header: "所属产业", Required: true, Width: 22, Example: "新能源与新能源汽车",
				Note: "填产业名称或代码", Values: industryValues()},
			Column{Key: "field", Header: "技术领域", Width: 16, Example: "电池热管理", Note: "不超过 40 个字"},
			Column{Key: "keywords", Header: "关键词", Width: 24, Example: "液冷板、快充、温差", Note: "最多 10 个，用顿号、逗号或分号分隔"},
			Column{Key: "budget_min", Header: "预算下限（万元）", Width: 12, Example: "50", Note: "整数，单位万元；不填或填「面议」表示面议"},
			Column{Key: "budget_max", Header: "预算上限（万元）", Width: 12, Example: "100", Note: "整数，单位万元，不低于下限"},
			Column{Key: "deadline", Header: "截止日期", Width: 14, Example: "2027-06-30",
				Note: "需求开放的最后一天，不早于今天；日期格式（如 2027-06-30、2027/6/30、2027年6月30日）或 Excel 日期单元格"},
			Column{Key: "modes", Header: "合作方式", Required: true, Width: 20, Example: "技术开发、技术服务",
				Note: "一种或多种，用顿号、逗号或分号分隔", Values: strings.Join(duijie.ModeNames(duijie.Modes), "、")},
			Column{Key: "visibility", Header: "公开范围", Required: true, Width: 14, Example: "公开",
				Note: "摘要公开：标题、关键词和技术领域公开，详情仅对科技局和获邀机构开放", Values: "公开、摘要公开、仅科技局可见"},
			Column{Key: "trl_expect", Header: "期望成熟度（TRL）", Width: 12, Example: "6", Note: "1–9 的整数，不确定可不填", Values: "见下方「技术成熟度」"},
		)
	}
	org[0].Example = "六安示例学院"
	org[1].Example = ""
	org[2].Example = "六安市金安区"
	return append(org,
		Column{Key: "kind", Header: "类型", Required: true, Width: 12, Example: "科技成果", Values: "科技成果、研究方向、专家、平台/设备"},
		Column{Key: "title", Header: "成果名称", Required: true, Width: 30, Example: "霍山石斛多糖高效提取与纯化工艺", Note: "不超过 60 个字"},
		Column{Key: "description", Header: "简介", Required: true, Width: 50, Example: "采用超声辅助酶解提取，多糖得率提高 30%，已完成中试。",
			Note: "不超过 5000 个字"},
		Column{Key: "trl", Header: "成熟度（TRL）", Width: 12, Example: "6", Note: "1–9 的整数；类型为科技成果时必填", Values: "见下方「技术成熟度」"},
		Column{Key: "ip", Header: "知识产权", Width: 30, Example: "发明专利 ZL2020XXXXXXXX.X", Note: "多项用分号或换行分隔，最多 20 项"},
		Column{Key: "fields", Header: "应用领域", Width: 20, Example: "保健食品、中药饮片", Note: "最多 20 项，用顿号、逗号或分号分隔"},
		Column{Key: "industry", Header: "所属产业", Required: true, Width: 22, Example: "生物医药与大健康", Note: "填产业名称或代码", Values: industryValues()},
		Column{Key: "modes", Header: "合作方式", Required: true, Width: 20, Example: "技术转让、技术许可",
			Note: "一种或多种，用顿号、逗号或分号分隔", Values: strings.Join(duijie.ModeNames(duijie.Modes), "、")},
		Column{Key: "team", Header: "团队或专家", Width: 20, Example: "王教授团队 8 人", Note: "不超过 200 个字"},
		Column{Key: "region", Header: "实施地区", Width: 16, Note: "成果所在或实施的地区；不填则与单位所在地相同", Values: "见下方「地区」"},
		Column{Key: "keywords", Header: "关键词", Width: 24, Example: "石斛多糖、提取", Note: "最多 10 个，用顿号、逗号或分号分隔"},
	)
}

func industryValues() string {
	var out []string
	for _, i := range duijie.Industries {
		out = append(out, i.Label)
	}
	return strings.Join(out, "、")
}

// TRLLevels explains the technology readiness levels (GB/T 22900).
var TRLLevels = []string{
	"1 级：发现基本原理或看到基本原理的报道",
	"2 级：形成技术概念或应用方案",
	"3 级：关键功能或特性通过可行性验证",
	"4 级：研制出实验室样品，部件在实验室环境中验证",
	"5 级：部件在相关环境中验证",
	"6 级：原型样机在相关环境中演示（中试）",
	"7 级：原型样机在实际使用环境中演示",
	"8 级：实际产品定型，通过试验验证",
	"9 级：实际产品在实际使用中得到验证，可推广应用",
}

// headerKey normalises a header cell: spaces and required marks
// (*, ＊, （必填）) removed.
func headerKey(s string) string {
	s = strings.NewReplacer(" ", "", "\u3000", "", "*", "", "＊", "", "（必填）", "", "(必填)", "", "\n", "").Replace(s)
	return strings.ReplaceAll(strings.ReplaceAll(s, "(", "（"), ")", "）")
}
