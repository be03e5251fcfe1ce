package portal

import (
	"context"
	"strconv"
	"strings"
	"time"

	"duijie/internal/duijie"
	"duijie/internal/sqlite"
)

// AuditExportAction is the audit action of an export of the audit log.
const AuditExportAction = "audit.export"

// AuditQuery is what the audit administrator asks of the log: dates in
// Beijing time (both inclusive), a username, an action (or a group ending
// in "."), an object, and the keyset position (Before or After a seq).
type AuditQuery struct {
	From, To      string
	User          string
	Action        string
	Object        string
	Before, After int64
}

// AuditView is one page of the log with the chain's state.
type AuditView struct {
	*sqlite.AuditPage
	Broken int64 // the first entry that breaks the chain, 0 when intact
}

// MaxAuditExport is how many entries an export may hold (an .xlsx sheet
// holds 1,048,576 rows).
const MaxAuditExport = 1_000_000

// AuditPageSize is how many entries a page shows.
const AuditPageSize = 50

// auditFilter turns a query into the store's filter; bad dates and unknown
// users are EINVALID with the field named.
func (s *Service) auditFilter(ctx context.Context, a Actor, q AuditQuery) (sqlite.AuditFilter, map[string]string, error) {
	if !a.User.Is(duijie.RoleAuditor) {
		return sqlite.AuditFilter{}, nil, duijie.Errorf(duijie.EFORBIDDEN, "只有审计管理员可以查看审计日志")
	}
	users, err := s.db.Users(ctx)
	if err != nil {
		return sqlite.AuditFilter{}, nil, err
	}
	names := map[string]string{}
	for _, u := range users {
		names[u.ID] = u.Username
	}
	f := sqlite.AuditFilter{Action: strings.TrimSpace(q.Action), Object: strings.TrimSpace(q.Object)}
	bad := map[string]string{}
	day := func(field, s string) time.Time {
		s = strings.TrimSpace(s)
		if s == "" {
			return time.Time{}
		}
		d, err := time.ParseInLocation(duijie.DateLayout, s, duijie.ChinaTime)
		if err != nil {
			bad[field] = "日期格式应为 2026-05-01"
		}
		return d
	}
	f.From = day("from", q.From)
	if to := day("to", q.To); !to.IsZero() {
		f.To = to.AddDate(0, 0, 1)
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		bad["to"] = "结束日期不能早于开始日期"
	}
	if u := strings.TrimSpace(q.User); u != "" {
		for id, name := range names {
			if name == u {
				f.Actor = id
			}
		}
		if f.Actor == "" {
			bad["user"] = "没有用户名为「" + clipText(u, 30) + "」的账号"
		}
	}
	if len(f.Object) > 200 || len(f.Action) > 100 {
		bad["object"] = "筛选条件太长"
	}
	if len(bad) > 0 {
		return f, nil, &duijie.Error{Code: duijie.EINVALID, Message: "请检查筛选条件", Fields: bad}
	}
	return f, names, nil
}

// AuditSearch returns a page of the audit log, newest first, filtered, and
// whether the chain is intact; the audit administrator only.
func (s *Service) AuditSearch(ctx context.Context, a Actor, q AuditQuery) (*AuditView, error) {
	f, names, err := s.auditFilter(ctx, a, q)
	if err != nil {
		return nil, err
	}
	broken, err := s.db.VerifyAudit(ctx)
	if err != nil {
		return nil, err
	}
	p, err := s.db.AuditPage(ctx, f, q.Before, q.After, AuditPageSize)
	if err != nil {
		return nil, err
	}
	for i := range p.Entries {
		p.Entries[i].ActorName = names[p.Entries[i].Actor]
	}
	return &AuditView{AuditPage: p, Broken: broken}, nil
}

// AuditExport calls fn with every entry the query selects, newest first
// (paging ignored), then records the export in the log itself: who, which
// filter, how many entries. The audit administrator only.
func (s *Service) AuditExport(ctx context.Context, a Actor, q AuditQuery, fn func(duijie.AuditEntry) error) (int, error) {
	f, names, err := s.auditFilter(ctx, a, q)
	if err != nil {
		return 0, err
	}
	n := 0
	err = s.db.AuditEach(ctx, f, func(e duijie.AuditEntry) error {
		if n++; n > MaxAuditExport {
			return duijie.Errorf(duijie.EINVALID, "超过 %d 条，请缩小时间范围后分批导出", MaxAuditExport)
		}
		e.ActorName = names[e.Actor]
		return fn(e)
	})
	if err != nil {
		return 0, err
	}
	var parts []string
	for _, kv := range [][2]string{{"开始日期", q.From}, {"结束日期", q.To}, {"用户", q.User}, {"操作", q.Action}, {"对象", q.Object}} {
		if v := strings.TrimSpace(kv[1]); v != "" {
			parts = append(parts, kv[0]+"="+v)
		}
	}
	filter := "全部"
	if len(parts) > 0 {
		filter = strings.Join(parts, "，")
	}
	s.audit(ctx, a, AuditExportAction, "audit", "导出 "+strconv.Itoa(n)+" 条；筛选："+filter)
	return n, nil
}

func clipText(s string, n int) string {
	s = strings.ToValidUTF8(s, "?")
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
