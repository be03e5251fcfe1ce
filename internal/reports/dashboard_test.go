package reports

import (
	"context"
	"reflect"
	"testing"

	"duijie/internal/duijie"
	"duijie/internal/sqlite"
)

// rows prints a table's cells as the page shows them.
func rows(t Table) [][]string {
	var out [][]string
	for _, r := range t.Rows {
		var row []string
		for _, c := range r {
			row = append(row, c.String())
		}
		out = append(out, row)
	}
	return out
}

func wantRows(t *testing.T, what string, got Table, want [][]string) {
	t.Helper()
	if g := rows(got); !reflect.DeepEqual(g, want) {
		t.Errorf("%s:\n got %q\nwant %q", what, g, want)
	}
}

// TestDashboardMarch checks every figure of March 2026 over the whole
// store against the fixture, counted by hand (see fixture_test.go).
func TestDashboardMarch(t *testing.T) {
	svc, _ := fixture(t)
	d, err := svc.Dashboard(context.Background(), brokerActor, query(t, map[string]string{"period": "month", "month": "2026-03"}))
	must(t, err)
	if d.Query.Label != "2026年3月 · 全部企业" {
		t.Errorf("label %q", d.Query.Label)
	}

	// Challenges posted in March: c1, c2, c3, c4 (c5 is February's, c6 a
	// draft). c2 is closed. Match lists seen: c1, c3. With an
	// introduction: all four (c4 has n6). Furthest steps: c1 registered
	// (n1), c2 signed (n3), c3 introduced (n4, n5), c4 a contract on its
	// own (k3).
	want := sqlite.ChallengeCounts{Posted: 4, Open: 3, Closed: 1, Viewed: 2, Introduced: 4,
		AtIntro: 4, AtConfirmed: 3, AtContract: 3, AtRegistered: 1}
	if d.Challenges != want {
		t.Errorf("challenges %+v, want %+v", d.Challenges, want)
	}

	// Capabilities of March: p1, p2 of i1 (both with introductions: n1,
	// n5; n8, n9), p3 of i2 (n2, n3, n6); p4 is January's.
	if d.CapabilityN != 3 {
		t.Errorf("capabilities %d, want 3", d.CapabilityN)
	}
	wantRows(t, "capabilities", d.Capabilities, [][]string{{"皖西学院（测试）", "2", "2"}, {"中国科学技术大学（测试）", "1", "1"}})

	// Introductions of March (China days): n1–n6 and n9 (16:30 UTC on
	// 02-28 is 03-01 in China); n8 (17:00 UTC on 03-31) is April's.
	if d.Intros != 7 {
		t.Errorf("introductions %d, want 7", d.Intros)
	}
	wantRows(t, "stages", d.Stages.Table, [][]string{
		{"待受理", "2", "28.6%"}, {"已推荐", "1", "14.3%"}, {"双方确认", "1", "14.3%"}, {"洽谈中", "0", "0.0%"},
		{"已签约", "1", "14.3%"}, {"已登记", "1", "14.3%"}, {"终止", "1", "14.3%"}})

	// The funnel: 4 posted; 2 seen (beside the funnel: 50% of posted);
	// 4 introduced (100% of posted, after the side step compared with
	// posted); 3 accepted or further; 3 contracts; 1 registered.
	var funnel [][]string
	for _, s := range d.Funnel {
		funnel = append(funnel, []string{s.Label, itoa(s.Count), s.Of.String(), s.Conv.String()})
	}
	wantFunnel := [][]string{
		{"发布需求", "4", "100.0%", "—"},
		{"查看匹配", "2", "50.0%", "50.0%"},
		{"产生对接", "4", "100.0%", "100.0%"},
		{"双方确认", "3", "75.0%", "75.0%"},
		{"签订合同", "3", "75.0%", "100.0%"},
		{"合同登记", "1", "25.0%", "33.3%"},
	}
	if !reflect.DeepEqual(funnel, wantFunnel) {
		t.Errorf("funnel\n got %q\nwant %q", funnel, wantFunnel)
	}

	// Contracts signed in March: k1 1,234,567 + k2 500,000 + k3 80,050 =
	// 1,814,617 元 = 181.46 万元; k1 registered.
	if d.Contracts != 3 || d.Registered != 1 || d.Amount != 1814617 {
		t.Errorf("contracts %d, registered %d, amount %d", d.Contracts, d.Registered, d.Amount)
	}
	wantRows(t, "by month", d.ByMonth.Table, [][]string{{"2026-03", "3", "1", "181.46"}})
	wantRows(t, "by industry", d.ByIndustry.Table, [][]string{
		{"新能源与新能源汽车", "1", "1", "123.46"}, {"绿色食品与农产品精深加工", "1", "0", "50.00"}, {"人工智能与数字经济", "1", "0", "8.01"}})
	wantRows(t, "by county", d.ByCounty.Table, [][]string{{"金安区", "2", "1", "173.46"}, {"合肥", "1", "0", "8.01"}})
	wantRows(t, "by type", d.ByType.Table, [][]string{{"技术开发", "1", "1", "123.46"}, {"技术转让", "1", "0", "50.00"}, {"技术服务", "1", "0", "8.01"}})
	if len(d.ByMonth.Bars) != 1 || d.ByMonth.Bars[0].W != chartBarMax || d.ByMonth.Bars[0].Value != "181.46（3 份）" {
		t.Errorf("month bars %+v", d.ByMonth.Bars)
	}

	// First replies after the recommendation: n1 4 h, n2 10 h, n3 24 h, n6
	// 8 h; n5 waits. Median of 4, 8, 10, 24 = 9.0 h. To contract: n1 03-03
	// → 03-15 (12 days), n3 03-12 → 03-28 (16 days): 14.0 days.
	if d.Reply.String() != "9.0" || d.ReplyN != 4 || d.ReplyWaiting != 1 {
		t.Errorf("reply %s over %d, %d waiting", d.Reply, d.ReplyN, d.ReplyWaiting)
	}
	if d.ToContract.String() != "14.0" || d.ToContractN != 2 {
		t.Errorf("to contract %s over %d", d.ToContract, d.ToContractN)
	}

	// Overdue now, whatever the period: n7 (due 03-01, 40 days), n4 (13),
	// n5 (12), n8 (2).
	if d.OverdueTotal != 4 || !reflect.DeepEqual(d.OverdueIDs, []string{"n7", "n4", "n5", "n8"}) {
		t.Errorf("overdue %d %v", d.OverdueTotal, d.OverdueIDs)
	}
	if late := d.Overdue.Rows[0][6].String(); late != "40" {
		t.Errorf("n7 is %s days late, want 40", late)
	}

	// Per broker: b1 n1, n2, n6 (2 accepted, 1 signed) and k1; b2 n3, n5
	// (1, 1) and k2, k3 (580,050); unassigned n4, n9.
	wantRows(t, "brokers", d.Brokers, [][]string{
		{"张经纪", "3", "2", "1", "1", "123.46"}, {"李经纪", "2", "1", "1", "2", "58.01"}, {"未分派", "2", "0", "0", "0", "0.00"}})
	// Per institute: i1 n1, n5, n9 and k1; i2 n2, n3, n6 and k2; i3 n4 and k3.
	wantRows(t, "institutes", d.Institutes, [][]string{
		{"皖西学院（测试）", "3", "1", "1", "1", "123.46"}, {"中国科学技术大学（测试）", "3", "2", "1", "1", "50.00"},
		{"上海研究院（测试）", "1", "0", "0", "1", "8.01"}})

	// Partners: introductions with i1 (六安) 3, i2 (合肥) 3, i3 (上海) 1 of
	// 7; contracts one each of 3, amounts 1,234,567 / 500,000 / 80,050.
	wantRows(t, "partners", d.Partners.Table, [][]string{
		{"六安本地", "3", "42.9%", "1", "33.3%", "123.46", "68.0%"},
		{"合肥", "3", "42.9%", "1", "33.3%", "50.00", "27.6%"},
		{"长三角其他", "1", "14.3%", "1", "33.3%", "8.01", "4.4%"},
		{"其他地区", "0", "0.0%", "0", "0.0%", "0.00", "0.0%"}})
	if d.HefeiYRDIntros.String() != "57.1%" || d.HefeiYRDContracts.String() != "66.7%" {
		t.Errorf("合肥+长三角 %s of introductions, %s of contracts", d.HefeiYRDIntros, d.HefeiYRDContracts)
	}
	if n := len(d.Tables()); n != 12 {
		t.Errorf("%d tables", n)
	}
}

func itoa(n int) string { return Int(n).String() }

// TestDashboardCounty: a county counts its enterprises only; 六安全市 all
// of 六安's; the period is a quarter.
func TestDashboardCounty(t *testing.T) {
	svc, _ := fixture(t)
	ctx := context.Background()
	d, err := svc.Dashboard(ctx, brokerActor, query(t, map[string]string{"period": "month", "month": "2026-03", "county": "la-jinan"}))
	must(t, err)
	// e1 (金安区): c1, c2; n1, n2, n3, n9; k1, k2; overdue n8.
	if d.Challenges.Posted != 2 || d.Intros != 4 || d.Contracts != 2 || d.Amount != 1734567 || d.OverdueTotal != 1 {
		t.Errorf("金安区: %d challenges, %d introductions, %d contracts of %d 元, %d overdue",
			d.Challenges.Posted, d.Intros, d.Contracts, d.Amount, d.OverdueTotal)
	}
	// Capabilities count by their own region (else their institute's):
	// none of 金安区.
	if d.CapabilityN != 0 {
		t.Errorf("金安区 capabilities %d", d.CapabilityN)
	}
	d, err = svc.Dashboard(ctx, brokerActor, query(t, map[string]string{"period": "month", "month": "2026-03", "county": "city"}))
	must(t, err)
	// e1 and e2, not e3 (合肥): c1–c3; n1–n5, n9; k1, k2.
	if d.Challenges.Posted != 3 || d.Intros != 6 || d.Contracts != 2 || d.Query.Label != "2026年3月 · 六安全市" {
		t.Errorf("全市: %d challenges, %d introductions, %d contracts (%s)", d.Challenges.Posted, d.Intros, d.Contracts, d.Query.Label)
	}
	d, err = svc.Dashboard(ctx, brokerActor, query(t, map[string]string{"period": "quarter", "quarter": "2026-Q1"}))
	must(t, err)
	// Q1: c1–c5; k1–k4 (k5 is April's): 2,114,617 元; months January (none),
	// February (k4), March.
	if d.Challenges.Posted != 5 || d.Contracts != 4 || d.Amount != 2114617 {
		t.Errorf("Q1: %d challenges, %d contracts, %d 元", d.Challenges.Posted, d.Contracts, d.Amount)
	}
	wantRows(t, "Q1 by month", d.ByMonth.Table, [][]string{{"2026-01", "0", "0", "0.00"}, {"2026-02", "1", "0", "30.00"}, {"2026-03", "3", "1", "181.46"}})
	if d.ByMonth.Bars[0].W != 0 || d.ByMonth.Bars[2].W != chartBarMax {
		t.Errorf("Q1 bars %+v", d.ByMonth.Bars)
	}
	// c5's match list was seen: 3 of 5.
	if d.Challenges.Viewed != 3 {
		t.Errorf("Q1 viewed %d", d.Challenges.Viewed)
	}
}

// TestDashboardFunnelMatchViews: only the owner's members and brokers
// count as having seen the match list; nothing about them is kept.
func TestDashboardFunnelMatchViews(t *testing.T) {
	svc, db := fixture(t)
	ctx := context.Background()
	c := duijie.Challenge{ID: "c7", OrgID: "e2", Title: "新需求", Problem: "问题。", Industry: "nev", Modes: []duijie.Mode{"技术开发"},
		Visibility: duijie.VisibilityPublic, Status: duijie.StatusPublished, Posted: duijie.ParseDate("2026-04-09")}
	must(t, db.PutChallenge(ctx, &c))
	april := query(t, map[string]string{"period": "month", "month": "2026-04"})
	count := func() int {
		svc.WaitViews()
		d, err := svc.Dashboard(ctx, brokerActor, april)
		must(t, err)
		return d.Funnel[1].Count
	}
	svc.MatchViewed(ctx, Actor{User: &duijie.User{ID: "x", Role: duijie.RoleInstitute, OrgID: "i1"}}, "c7", "e2")
	svc.MatchViewed(ctx, Actor{}, "c7", "e2")
	svc.MatchViewed(ctx, Actor{User: &duijie.User{ID: "y", Role: duijie.RoleEnterprise, OrgID: "e1"}}, "c7", "e2")
	if n := count(); n != 0 {
		t.Fatalf("views by others counted: %d", n)
	}
	svc.MatchViewed(ctx, Actor{User: &duijie.User{ID: "z", Role: duijie.RoleEnterprise, OrgID: "e2"}}, "c7", "e2")
	if n := count(); n != 1 {
		t.Fatalf("the owner's view: %d", n)
	}
	svc.MatchViewed(ctx, brokerActor, "c7", "e2")
	if n := count(); n != 1 {
		t.Fatalf("a challenge counts once however often it is seen: %d", n)
	}
}

// TestDashboardRefusals: brokers only; bad periods and counties are
// refused with the field in Chinese.
func TestDashboardRefusals(t *testing.T) {
	svc, _ := fixture(t)
	_, err := svc.Dashboard(context.Background(), Actor{User: &duijie.User{ID: "ue1", Role: duijie.RoleEnterprise}}, query(t, nil))
	if duijie.ErrorCode(err) != duijie.EFORBIDDEN {
		t.Errorf("an enterprise member: %v", err)
	}
	for _, c := range []struct {
		fields map[string]string
		field  string
	}{
		{map[string]string{"period": "week"}, "period"},
		{map[string]string{"period": "month", "month": "2026-13"}, "month"},
		{map[string]string{"period": "quarter", "quarter": "2026-Q5"}, "quarter"},
		{map[string]string{"period": "year", "year": "26"}, "year"},
		{map[string]string{"period": "custom", "from": "2026-03-01", "to": "2026-02-01"}, "to"},
		{map[string]string{"period": "custom", "from": "2026/03/01", "to": "2026-04-01"}, "from"},
		{map[string]string{"county": "hefei"}, "county"},
	} {
		_, err := ParseQuery(func(k string) string { return c.fields[k] }, fixtureNow)
		de, ok := err.(*duijie.Error)
		if !ok || de.Code != duijie.EINVALID || de.Fields[c.field] == "" {
			t.Errorf("%v: %v, want a message for %s", c.fields, err, c.field)
		}
	}
	q := query(t, map[string]string{"period": "custom", "from": "2026-03-01", "to": "2026-03-31"})
	if q.Label != "2026-03-01 至 2026-03-31 · 全部企业" || q.From.Day() != 1 || q.To.Day() != 31 {
		t.Errorf("custom %q %v %v", q.Label, q.From, q.To)
	}
	if q := query(t, nil); q.Kind != PeriodMonth || q.Month != "2026-04" {
		t.Errorf("default %+v", q)
	}
}
