package reports

import (
	"context"
	"fmt"
	"sort"
	"time"

	"duijie/internal/duijie"
	"duijie/internal/sqlite"
)

// Dashboard is every figure of the brokers' dashboard for one query.
// What each counts:
//
//   - Challenges: the challenges first published on a day of the period
//     (by their enterprise's region), and how far each got up to now.
//   - Introductions, stages, brokers, institutes, partners, reply times:
//     the introductions made in the period (by the enterprise side's
//     region), at the stage they stand at now.
//   - Contracts (count, 万元, by month, industry, county, type, broker,
//     institute, partner tier; time to contract): the contracts signed in
//     the period (by the enterprise side's region).
//   - Overdue: open introductions past their due time now, whatever the
//     period.
type Dashboard struct {
	Query Query
	Now   time.Time

	Challenges   sqlite.ChallengeCounts
	Capabilities Table // by institute
	CapabilityN  int
	Intros       int // introductions made in the period
	Contracts    int // signed in the period
	Registered   int // of these, registered
	Amount       int64

	Funnel     []FunnelStep
	FunnelH    int
	Stages     Chart
	ByMonth    Chart
	ByIndustry Chart
	ByCounty   Chart
	ByType     Chart
	Partners   Chart
	// HefeiYRD is the share of introductions and contracts whose
	// institute is in 合肥 or elsewhere in 长三角.
	HefeiYRDIntros, HefeiYRDContracts Cell

	Reply        Cell // median hours from recommendation to the first answer (tenths)
	ReplyN       int
	ReplyWaiting int
	ToContract   Cell // median days from introduction to signing (tenths)
	ToContractN  int

	Brokers      Table
	Institutes   Table
	Overdue      Table
	OverdueIDs   []string // the introductions of the Overdue table's rows, for links
	OverdueTotal int
	Summary      Table

	Envoys     EnvoyFigures // 科技特派员 (envoys.go)
	EnvoyTable Table        // per envoy
}

// overdueShown is how many overdue introductions the dashboard lists.
const overdueShown = 20

// Dashboard computes the dashboard for a resolved query (ParseQuery).
func (s *Service) Dashboard(ctx context.Context, a Actor, q Query) (*Dashboard, error) {
	if err := brokerOnly(a); err != nil {
		return nil, err
	}
	sc := sqlite.ReportScope{From: q.From, To: q.To, Counties: q.Counties()}
	d := &Dashboard{Query: q, Now: s.now()}
	var err error
	if d.Challenges, err = s.db.ReportChallenges(ctx, sc); err != nil {
		return nil, err
	}
	if err := s.capabilities(ctx, sc, d); err != nil {
		return nil, err
	}
	if err := s.intros(ctx, sc, d); err != nil {
		return nil, err
	}
	if err := s.contracts(ctx, sc, d); err != nil {
		return nil, err
	}
	if err := s.partners(ctx, sc, d); err != nil {
		return nil, err
	}
	if err := s.people(ctx, sc, d); err != nil {
		return nil, err
	}
	if err := s.times(ctx, sc, d); err != nil {
		return nil, err
	}
	if err := s.overdue(ctx, sc, d); err != nil {
		return nil, err
	}
	if err := s.envoys(ctx, sc, d); err != nil {
		return nil, err
	}
	s.funnel(d)
	s.summary(d)
	return d, nil
}

func (s *Service) capabilities(ctx context.Context, sc sqlite.ReportScope, d *Dashboard) error {
	gs, err := s.db.ReportCapabilities(ctx, sc)
	if err != nil {
		return err
	}
	d.Capabilities = Table{Name: "院所发布成果", Columns: []Column{{"院所", 36}, {"新发布成果", 12}, {"其中已有对接", 14}}}
	for _, g := range gs {
		d.CapabilityN += g.Count
		d.Capabilities.Rows = append(d.Capabilities.Rows, []Cell{Text(g.Label), Int(g.Count), Int(g.Count2)})
	}
	return nil
}

func (s *Service) intros(ctx context.Context, sc sqlite.ReportScope, d *Dashboard) error {
	gs, err := s.db.ReportIntros(ctx, sc, sqlite.IntrosByStage)
	if err != nil {
		return err
	}
	by := map[string]int{}
	for _, g := range gs {
		by[g.Key] = g.Count
		d.Intros += g.Count
	}
	c := Chart{ID: "stages", Title: "对接所处阶段", Unit: "条", Note: "期间内新增的对接，按其现在所处的阶段。",
		Table: Table{Name: "对接阶段", Columns: []Column{{"阶段", 12}, {"对接数", 10}, {"占比", 10}}}}
	var labels, shown []string
	var values []int64
	for _, st := range duijie.Stages {
		n := by[string(st)]
		labels, values, shown = append(labels, st.Label()), append(values, int64(n)), append(shown, fmt.Sprint(n))
		c.Table.Rows = append(c.Table.Rows, []Cell{Text(st.Label()), Int(n), Share(int64(n), int64(d.Intros))})
	}
	c.Bars = bars(labels, values, shown)
	d.Stages = c
	return nil
}

func (s *Service) partners(ctx context.Context, sc sqlite.ReportScope, d *Dashboard) error {
	is, err := s.db.ReportIntros(ctx, sc, sqlite.IntrosByInstituteRegion)
	if err != nil {
		return err
	}
	cs, err := s.db.ReportContracts(ctx, sc, sqlite.ContractsBySellerRegion)
	if err != nil {
		return err
	}
	type sums struct {
		intros, contracts int
		amount            int64
	}
	by := map[duijie.Tier]*sums{}
	for _, t := range tiers {
		by[t.Tier] = &sums{}
	}
	for _, g := range is {
		by[duijie.Region(g.Key).Tier()].intros += g.Count
	}
	for _, g := range cs {
		x := by[duijie.Region(g.Key).Tier()]
		x.contracts, x.amount = x.contracts+g.Count, x.amount+g.Amount
	}
	c := Chart{ID: "partners", Title: "合作院所所在地（对接数）", Unit: "条",
		Note: "院所一方所在地区（长三角其他：沪苏浙及安徽其他地市）：对接按期间内新增，合同按期间内签订。",
		Table: Table{Name: "合作方地域", Columns: []Column{{"院所所在地", 30}, {"对接数", 10}, {"对接占比", 10},
			{"合同份数", 10}, {"合同占比", 10}, {"合同金额（万元）", 16}, {"金额占比", 10}}}}
	var labels, shown []string
	var values []int64
	var amount int64
	for _, t := range tiers {
		amount += by[t.Tier].amount
	}
	for _, t := range tiers {
		x := by[t.Tier]
		if t.Tier == "" && x.intros == 0 && x.contracts == 0 {
			continue
		}
		labels, values = append(labels, t.Label), append(values, int64(x.intros))
		shown = append(shown, fmt.Sprintf("%d（%s）", x.intros, Share(int64(x.intros), int64(d.Intros))))
		c.Table.Rows = append(c.Table.Rows, []Cell{Text(t.Label), Int(x.intros), Share(int64(x.intros), int64(d.Intros)),
			Int(x.contracts), Share(int64(x.contracts), int64(d.Contracts)), Wan(x.amount), Share(x.amount, amount)})
	}
	c.Bars = bars(labels, values, shown)
	d.Partners = c
	h, y := by[duijie.TierHefei], by[duijie.TierYRD]
	d.HefeiYRDIntros = Share(int64(h.intros+y.intros), int64(d.Intros))
	d.HefeiYRDContracts = Share(int64(h.contracts+y.contracts), int64(d.Contracts))
	return nil
}

func (s *Service) times(ctx context.Context, sc sqlite.ReportScope, d *Dashboard) error {
	replies, waiting, err := s.db.ReportReplies(ctx, sc)
	if err != nil {
		return err
	}
	d.ReplyN, d.ReplyWaiting = len(replies), waiting
	d.Reply = Text("—")
	if len(replies) > 0 {
		sort.Slice(replies, func(i, j int) bool { return replies[i] < replies[j] })
		m := replies[len(replies)/2]
		if len(replies)%2 == 0 {
			m = (replies[len(replies)/2-1] + m) / 2
		}
		d.Reply = Tenths((int64(m/time.Second)*10 + 1800) / 3600) // tenths of hours, rounded
	}
	days, err := s.db.ReportContractDays(ctx, sc)
	if err != nil {
		return err
	}
	d.ToContractN = len(days)
	d.ToContract = Text("—")
	if len(days) > 0 {
		sort.Ints(days)
		m := int64(days[len(days)/2]) * 10
		if len(days)%2 == 0 {
			m = int64(days[len(days)/2-1]+days[len(days)/2]) * 5
		}
		d.ToContract = Tenths(m)
	}
	return nil
}

func (s *Service) overdue(ctx context.Context, sc sqlite.ReportScope, d *Dashboard) error {
	ns, total, err := s.db.Overdue(ctx, d.Now, sc.Counties, overdueShown)
	if err != nil {
		return err
	}
	d.OverdueTotal = total
	d.Overdue = Table{Name: "逾期对接", Columns: []Column{{"对接", 40}, {"阶段", 10}, {"企业", 30}, {"院所", 30},
		{"负责人", 12}, {"到期时间", 18}, {"逾期天数", 10}}}
	for _, n := range ns {
		late := int(d.Now.Sub(n.Due) / (24 * time.Hour))
		d.Overdue.Rows = append(d.Overdue.Rows, []Cell{Text(n.Title()), Text(n.Stage.Label()), Text(n.EntOrgName),
			Text(n.InstOrgName), textOr(n.BrokerName, "未分派"), Text(n.Due.In(duijie.ChinaTime).Format("2006-01-02 15:04")), Int(late)})
		d.OverdueIDs = append(d.OverdueIDs, n.ID)
	}
	return nil
}

func (s *Service) funnel(d *Dashboard) {
	c := d.Challenges
	steps := []FunnelStep{
		{Label: "发布需求", Count: c.Posted, Note: "期间内首次发布的技术需求"},
		{Label: "查看匹配", Count: c.Viewed, Side: true, Note: "需求方或经纪人打开过其匹配列表（旁支：院所也可直接揭榜）"},
		{Label: "产生对接", Count: c.AtIntro, Note: "至少有一条对接（揭榜、申请或派单），或已有合同"},
		{Label: "双方确认", Count: c.AtConfirmed, Note: "至少一条对接双方都已接受，或已有合同"},
		{Label: "签订合同", Count: c.AtContract, Note: "记录了技术合同（含不经对接单独记录的合同）"},
		{Label: "合同登记", Count: c.AtRegistered, Note: "合同已取得技术合同登记编号"},
	}
	prev := 0 // the step before, the side step skipped
	for i := range steps {
		steps[i].Of = Share(int64(steps[i].Count), int64(c.Posted))
		if i == 0 {
			steps[i].Conv = Text("—")
			continue
		}
		steps[i].Conv = Share(int64(steps[i].Count), int64(steps[prev].Count))
		if !steps[i].Side {
			prev = i
		}
	}
	layoutFunnel(steps)
	d.Funnel, d.FunnelH = steps, FunnelHeight(steps)
}

// FunnelTable is the funnel as a table.
func (d *Dashboard) FunnelTable() Table {
	t := Table{Name: "转化漏斗", Columns: []Column{{"环节", 12}, {"需求数", 10}, {"占发布", 10}, {"较上一环节", 12}, {"说明", 40}}}
	for _, s := range d.Funnel {
		t.Rows = append(t.Rows, []Cell{Text(s.Label), Int(s.Count), s.Of, s.Conv, Text(s.Note)})
	}
	return t
}

func (s *Service) summary(d *Dashboard) {
	c := d.Challenges
	t := Table{Name: "概览", Columns: []Column{{"指标", 28}, {"数值", 14}, {"单位", 8}, {"说明", 60}}}
	row := func(label string, v Cell, unit, note string) {
		t.Rows = append(t.Rows, []Cell{Text(label), v, Text(unit), Text(note)})
	}
	row("统计期间", Text(d.Query.Label), "", "生成于 "+d.Now.In(duijie.ChinaTime).Format("2006-01-02 15:04")+"（北京时间）")
	row("发布技术需求", Int(c.Posted), "项", "期间内首次发布；需求不逐条审核，单位注册经科技局审核后发布即上线")
	row("其中仍在征集", Int(c.Open), "项", "现为已发布状态（未关闭）")
	row("其中已对接", Int(c.Introduced), "项", "至少有一条对接")
	row("新发布科技成果", Int(d.CapabilityN), "项", "按院所分列见“院所发布成果”")
	row("新增对接", Int(d.Intros), "条", "期间内新增的对接（揭榜、申请、派单）")
	row("签订技术合同", Int(d.Contracts), "份", "期间内签订")
	row("其中已登记", Int(d.Registered), "份", "已取得技术合同登记编号")
	row("合同金额", Wan(d.Amount), "万元", "期间内签订的合同金额合计")
	row("首次答复时长（中位数）", d.Reply, "小时", fmt.Sprintf("推荐给双方后任一方首次答复；%d 条已答复，%d 条尚未答复", d.ReplyN, d.ReplyWaiting))
	row("对接到签约时长（中位数）", d.ToContract, "天", fmt.Sprintf("由对接产生的 %d 份合同", d.ToContractN))
	row("合肥及长三角院所占对接", d.HefeiYRDIntros, "", "院所一方在合肥或沪苏浙、安徽其他地市")
	row("合肥及长三角院所占合同", d.HefeiYRDContracts, "", "按份数")
	row("逾期未办对接", Int(d.OverdueTotal), "条", "当前逾期，不受期间限制")
	d.Summary = t
}

// Tables are the dashboard's tables, in the order of the page: the
// sheets of its workbook.
func (d *Dashboard) Tables() []Table {
	return []Table{d.Summary, d.FunnelTable(), d.Stages.Table, d.ByMonth.Table, d.ByIndustry.Table, d.ByCounty.Table,
		d.ByType.Table, d.Partners.Table, d.Brokers, d.Institutes, d.Capabilities, d.Overdue}
}
