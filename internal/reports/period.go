package reports

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"duijie/internal/duijie"
)

// PeriodKind is how the dashboard's period is given.
type PeriodKind string

// Period kinds.
const (
	PeriodMonth   PeriodKind = "month"   // 月度: Month = 2026-03
	PeriodQuarter PeriodKind = "quarter" // 季度: Quarter = 2026-Q1
	PeriodYear    PeriodKind = "year"    // 年度: Year = 2026
	PeriodCustom  PeriodKind = "custom"  // 自定义: From, To (both days included)
)

// PeriodKinds lists the kinds in form order.
var PeriodKinds = []PeriodKind{PeriodMonth, PeriodQuarter, PeriodYear, PeriodCustom}

// Label is the Chinese name of a kind.
func (k PeriodKind) Label() string {
	return map[PeriodKind]string{PeriodMonth: "月度", PeriodQuarter: "季度", PeriodYear: "年度", PeriodCustom: "自定义"}[k]
}

// County choices besides a region code of 六安: everything, or the
// whole city (every county, district and zone of 六安).
const (
	CountyAll  = ""
	CountyCity = "city"
)

// Query is the dashboard's selection as typed (the form's fields), and,
// once resolved, its dates.
type Query struct {
	Kind     PeriodKind
	Month    string // 2026-03
	Quarter  string // 2026-Q1
	Year     string // 2026
	FromText string // custom: 2026-01-01
	ToText   string
	County   string // CountyAll, CountyCity or a code of 六安

	From, To time.Time // resolved: first and last day (UTC midnight)
	Label    string    // 2026年3月 · 六安全市
}

// maxSpan bounds a custom period.
const maxSpan = 10 * 366 * 24 * time.Hour

// ParseQuery resolves a query from the form's fields (get returns a
// field's value, "" when absent) at now: no kind is this month; a field
// the kind needs and does not have is this month, quarter or year.
// Errors are EINVALID with the fields in Chinese.
func ParseQuery(get func(string) string, now time.Time) (Query, error) {
	today := duijie.Today(now)
	q := Query{Kind: PeriodKind(get("period")), Month: strings.TrimSpace(get("month")), Quarter: strings.TrimSpace(get("quarter")),
		Year: strings.TrimSpace(get("year")), FromText: strings.TrimSpace(get("from")), ToText: strings.TrimSpace(get("to")),
		County: strings.TrimSpace(get("county"))}
	if q.Kind == "" {
		q.Kind = PeriodMonth
	}
	if q.Month == "" {
		q.Month = today.Format("2006-01")
	}
	if q.Quarter == "" {
		q.Quarter = fmt.Sprintf("%d-Q%d", today.Year(), (int(today.Month())+2)/3)
	}
	if q.Year == "" {
		q.Year = strconv.Itoa(today.Year())
	}
	fields := map[string]string{}
	switch q.Kind {
	case PeriodMonth:
		t, err := time.Parse("2006-01", q.Month)
		if err != nil {
			fields["month"] = "月份应为 年-月，如 2026-03"
			break
		}
		q.From, q.To = t, t.AddDate(0, 1, -1)
		q.Label = fmt.Sprintf("%d年%d月", t.Year(), t.Month())
	case PeriodQuarter:
		y, n, ok := parseQuarter(q.Quarter)
		if !ok {
			fields["quarter"] = "季度应为 年-Q季度，如 2026-Q1"
			break
		}
		q.From = time.Date(y, time.Month(3*n-2), 1, 0, 0, 0, 0, time.UTC)
		q.To = q.From.AddDate(0, 3, -1)
		q.Label = fmt.Sprintf("%d年第%s季度", y, []string{"", "一", "二", "三", "四"}[n])
	case PeriodYear:
		y, err := strconv.Atoi(q.Year)
		if err != nil || y < 2000 || y > 2100 {
			fields["year"] = "年份应为 2000 到 2100 之间的四位数"
			break
		}
		q.From, q.To = time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC)
		q.Label = fmt.Sprintf("%d年", y)
	case PeriodCustom:
		from, err1 := time.Parse(duijie.DateLayout, q.FromText)
		to, err2 := time.Parse(duijie.DateLayout, q.ToText)
		switch {
		case err1 != nil:
			fields["from"] = "请按 年-月-日 填写开始日期"
		case err2 != nil:
			fields["to"] = "请按 年-月-日 填写结束日期"
		case to.Before(from):
			fields["to"] = "结束日期不能早于开始日期"
		case to.Sub(from) > maxSpan:
			fields["to"] = "自定义期间最长十年"
		default:
			q.From, q.To = from, to
			q.Label = from.Format(duijie.DateLayout) + " 至 " + to.Format(duijie.DateLayout)
		}
	default:
		fields["period"] = "请选择月度、季度、年度或自定义"
	}
	switch r := duijie.Region(q.County); {
	case q.County == CountyAll:
		q.Label += " · 全部企业"
	case q.County == CountyCity:
		q.Label += " · 六安全市"
	case r.County():
		q.Label += " · " + r.Label()
	default:
		fields["county"] = "请选择六安的一个县区，或全市"
	}
	if len(fields) > 0 {
		return q, &duijie.Error{Code: duijie.EINVALID, Message: "统计条件有误：" + firstOf(fields), Fields: fields}
	}
	return q, nil
}

func firstOf(fields map[string]string) string {
	for _, k := range []string{"period", "month", "quarter", "year", "from", "to", "county"} {
		if m, ok := fields[k]; ok {
			return m
		}
	}
	return ""
}

func parseQuarter(s string) (year, n int, ok bool) {
	y, q, found := strings.Cut(strings.ToUpper(s), "-Q")
	if !found {
		return 0, 0, false
	}
	year, err1 := strconv.Atoi(y)
	n, err2 := strconv.Atoi(q)
	if err1 != nil || err2 != nil || year < 2000 || year > 2100 || n < 1 || n > 4 {
		return 0, 0, false
	}
	return year, n, true
}

// Counties are the region codes the query's county selects (nil: all).
func (q Query) Counties() []string {
	switch q.County {
	case CountyAll:
		return nil
	case CountyCity:
		var out []string
		for _, r := range duijie.LocalRegions() {
			out = append(out, string(r.Code))
		}
		return out
	}
	return []string{q.County}
}

// Values are the query's fields, for links (an export of the same
// selection).
func (q Query) Values() map[string]string {
	v := map[string]string{"period": string(q.Kind), "county": q.County}
	switch q.Kind {
	case PeriodMonth:
		v["month"] = q.Month
	case PeriodQuarter:
		v["quarter"] = q.Quarter
	case PeriodYear:
		v["year"] = q.Year
	case PeriodCustom:
		v["from"], v["to"] = q.FromText, q.ToText
	}
	return v
}

// Quarters lists the quarters of this year and the two before, newest
// first, for the form.
func Quarters(now time.Time) []string {
	today := duijie.Today(now)
	var out []string
	for y := today.Year(); y > today.Year()-3; y-- {
		for n := 4; n >= 1; n-- {
			if y == today.Year() && n > (int(today.Month())+2)/3 {
				continue
			}
			out = append(out, fmt.Sprintf("%d-Q%d", y, n))
		}
	}
	return out
}

// Query resolves a query from the form's fields at the service's now.
func (s *Service) Query(get func(string) string) (Query, error) { return ParseQuery(get, s.now()) }

// Quarters lists the quarters the form offers, at the service's now.
func (s *Service) Quarters() []string { return Quarters(s.now()) }
