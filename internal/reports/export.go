package reports

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"duijie/internal/duijie"
	"duijie/internal/sqlite"
)

// Exports, by the name in their address (/broker/export/{kind}.xlsx),
// with their Chinese names.
var Exports = []struct{ Kind, Label string }{
	{"challenges", "技术需求"}, {"capabilities", "科技成果"}, {"introductions", "对接"},
	{"contracts", "技术合同"}, {"organizations", "单位"}, {"dashboard", "统计看板"},
}

// ExportLabel is the Chinese name of an export kind ("" when unknown).
func ExportLabel(kind string) string {
	for _, e := range Exports {
		if e.Kind == kind {
			return e.Label
		}
	}
	return ""
}

// Export writes one of the brokers' lists (or the dashboard's tables for
// q) as an .xlsx workbook into w and records it in the audit log with
// its row count. It returns the file name to offer (Chinese, with the
// date) and the rows written. Contacts are masked; drafts are not
// exported; an unknown kind is ENOTFOUND.
func (s *Service) Export(ctx context.Context, a Actor, kind string, q Query, w io.Writer) (name string, rows int, err error) {
	if err := brokerOnly(a); err != nil {
		return "", 0, err
	}
	label := ExportLabel(kind)
	if label == "" {
		return "", 0, duijie.Errorf(duijie.ENOTFOUND, "没有这种导出：%s", kind)
	}
	b, err := newBook()
	if err != nil {
		return "", 0, err
	}
	detail := ""
	switch kind {
	case "challenges":
		rows, err = s.exportChallenges(ctx, b)
	case "capabilities":
		rows, err = s.exportCapabilities(ctx, b)
	case "introductions":
		var scope sqlite.BrokerScope
		if scope, err = s.db.BrokerScope(ctx, a.User.ID); err == nil {
			rows, err = s.exportIntros(ctx, b, scope.Counties)
			if len(scope.Counties) > 0 {
				detail = "，限负责县区 " + strings.Join(scope.Counties, "、")
			}
		}
	case "contracts":
		rows, err = s.exportContracts(ctx, b)
	case "organizations":
		rows, err = s.exportOrgs(ctx, b)
	case "dashboard":
		var d *Dashboard
		if d, err = s.Dashboard(ctx, a, q); err == nil {
			rows, err = exportTables(b, d.Tables())
			detail = "，" + q.Label
		}
	}
	if err != nil {
		b.f.Close()
		return "", 0, err
	}
	if err := b.write(w); err != nil {
		return "", 0, fmt.Errorf("reports: write xlsx: %w", err)
	}
	s.audit(ctx, a, AuditExport, kind, fmt.Sprintf("导出%s .xlsx，%d 行%s", label, rows, detail))
	name = label + "-" + duijie.Today(s.now()).Format("20060102") + ".xlsx"
	return name, rows, nil
}

func (s *Service) exportChallenges(ctx context.Context, b *book) (int, error) {
	cols := []col{{"编号", 12, colText}, {"需求名称", 40, colText}, {"企业", 30, colText}, {"所在地区", 16, colText},
		{"产业", 22, colText}, {"技术领域", 16, colText}, {"关键词", 30, colText}, {"预算下限（万元）", 14, colInt},
		{"预算上限（万元）", 14, colInt}, {"截止日期", 12, colDate}, {"公开范围", 10, colText}, {"状态", 8, colText},
		{"发布日期", 12, colDate}, {"对接数", 8, colInt}}
	if err := b.sheet("技术需求", cols); err != nil {
		return 0, err
	}
	n := 0
	err := s.db.ExportChallenges(ctx, func(r sqlite.ChallengeRow) error {
		n++
		return b.add(cols, r.ID, r.Title, r.OrgName, r.Region.Label(), r.Industry.Label(), r.Field, strings.Join(r.Keywords, "、"),
			r.BudgetMin, r.BudgetMax, r.Deadline, r.Visibility.Label(), r.Status.Label(), r.Posted, r.Intros)
	})
	return n, err
}

func (s *Service) exportCapabilities(ctx context.Context, b *book) (int, error) {
	cols := []col{{"编号", 12, colText}, {"名称", 40, colText}, {"院所", 30, colText}, {"类型", 10, colText},
		{"所在地区", 16, colText}, {"产业", 22, colText}, {"成熟度 TRL", 10, colInt}, {"合作方式", 24, colText},
		{"状态", 8, colText}, {"发布日期", 12, colDate}, {"对接数", 8, colInt}}
	if err := b.sheet("科技成果", cols); err != nil {
		return 0, err
	}
	n := 0
	err := s.db.ExportCapabilities(ctx, func(r sqlite.CapabilityRow) error {
		n++
		return b.add(cols, r.ID, r.Title, r.OrgName, r.Kind.Label(), r.Region.Label(), r.Industry.Label(), r.TRL,
			strings.Join(r.Modes, "、"), r.Status.Label(), r.Posted, r.Intros)
	})
	return n, err
}

func (s *Service) exportIntros(ctx context.Context, b *book, counties []string) (int, error) {
	cols := []col{{"编号", 16, colText}, {"创建时间", 17, colDateTime}, {"来源", 12, colText}, {"技术需求", 36, colText},
		{"科技成果", 36, colText}, {"企业", 30, colText}, {"企业所在地", 16, colText}, {"院所", 30, colText},
		{"阶段", 10, colText}, {"企业答复", 10, colText}, {"院所答复", 10, colText}, {"负责人", 12, colText},
		{"办理期限", 17, colDateTime}, {"终止原因", 14, colText}}
	if err := b.sheet("对接", cols); err != nil {
		return 0, err
	}
	n := 0
	err := s.db.ExportIntroductions(ctx, counties, func(r duijie.Introduction) error {
		n++
		due := r.Due
		if !r.Stage.Open() {
			due = time.Time{} // nothing due any more
		}
		return b.add(cols, r.ID, r.Created, r.Origin.Label(), r.ChallengeTitle, r.CapabilityTitle, r.EntOrgName,
			r.EntRegion.Label(), r.InstOrgName, r.Stage.Label(), r.EntAnswer.Label(), r.InstAnswer.Label(),
			orDash(r.BrokerName, "未分派"), due, r.Reason.Label())
	})
	return n, err
}

func (s *Service) exportContracts(ctx context.Context, b *book) (int, error) {
	cols := []col{{"编号", 16, colText}, {"签订日期", 12, colDate}, {"合同名称", 36, colText}, {"类别", 10, colText},
		{"委托方（企业）", 30, colText}, {"受托方（院所）", 30, colText}, {"合同金额（元）", 16, colYuan},
		{"合同金额（万元）", 14, colWan}, {"本地吸纳（元）", 16, colYuan}, {"登记编号", 20, colText},
		{"登记日期", 12, colDate}, {"产业", 22, colText}, {"企业所在地", 16, colText}, {"技术经纪人", 12, colText},
		{"来源", 10, colText}}
	if err := b.sheet("技术合同", cols); err != nil {
		return 0, err
	}
	n := 0
	err := s.db.ExportContracts(ctx, func(r sqlite.ContractRow) error {
		n++
		source := "单独记录"
		if r.IntroID != "" {
			source = "对接产生"
		}
		return b.add(cols, r.ID, r.Signed, r.Title, r.Type.Label(), r.Buyer, r.Seller, r.Amount, r.Amount, r.LocalAmount,
			r.RegNo, r.Registered, r.Industry.Label(), r.County.Label(), r.BrokerName, source)
	})
	return n, err
}

func (s *Service) exportOrgs(ctx context.Context, b *book) (int, error) {
	cols := []col{{"编号", 14, colText}, {"单位名称", 36, colText}, {"类型", 8, colText}, {"所在地区", 16, colText},
		{"统一社会信用代码", 22, colText}, {"审核状态", 10, colText}, {"注册时间", 17, colDateTime},
		{"联系人", 12, colText}, {"电话（脱敏）", 14, colText}, {"邮箱（脱敏）", 24, colText},
		{"技术需求数", 10, colInt}, {"科技成果数", 10, colInt}}
	if err := b.sheet("单位", cols); err != nil {
		return 0, err
	}
	n := 0
	err := s.db.ExportOrganizations(ctx, func(r sqlite.OrgRow) error {
		n++
		phone, email := "", ""
		if r.Phone != "" {
			phone = duijie.MaskPhone(r.Phone)
		}
		if r.Email != "" {
			email = duijie.MaskEmail(r.Email)
		}
		return b.add(cols, r.ID, r.Name, orgKindLabel(r.Kind), r.Region.Label(), r.CreditCode, r.Status.Label(), r.Created,
			r.Contact, phone, email, r.Challenges, r.Capabilities)
	})
	return n, err
}

// exportTables writes the dashboard's tables, one sheet each, and
// returns the rows written.
func exportTables(b *book, ts []Table) (int, error) {
	n := 0
	for _, t := range ts {
		cols := make([]col, len(t.Columns))
		for i, c := range t.Columns {
			cols[i] = col{Header: c.Header, Width: c.Width}
		}
		if err := b.sheet(t.Name, cols); err != nil {
			return n, err
		}
		for _, r := range t.Rows {
			vs := make([]any, len(r))
			for i, c := range r {
				vs[i] = c
			}
			if err := b.add(cols, vs...); err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}

func orgKindLabel(k duijie.OrgKind) string {
	switch k {
	case duijie.OrgEnterprise:
		return "企业"
	case duijie.OrgInstitute:
		return "院所"
	}
	return "科技局"
}
