package timetable_test

import (
	"context"
	"fmt"

	"duijie/internal/events/timetable"
)

// ExampleSchedule solves a small event and prices two manual edits, the
// way the broker's page does.
func ExampleSchedule() {
	p := &timetable.Problem{Slots: 2, Tables: 1, Parties: []timetable.Party{
		{ID: "E1", Name: "甲公司", Side: timetable.Enterprise, Available: []bool{true, false}},
		{ID: "E2", Name: "乙公司", Side: timetable.Enterprise, Available: []bool{true, true}},
		{ID: "I1", Name: "丙研究院", Side: timetable.Institute, Available: []bool{true, true}},
	}, Pairs: []timetable.Pair{{A: 1, B: 2, Score: 0.9}, {A: 0, B: 2, Score: 0.8}}}
	if err := p.Validate(); err != nil {
		fmt.Println(err)
		return
	}
	g, s := timetable.Greedy(p), timetable.Solve(context.Background(), p)
	fmt.Printf("Greedy %.2f, Solve %.2f\n", p.Value(g), p.Value(s))
	for _, m := range s.Meetings {
		pr := p.Pairs[m.Pair]
		fmt.Printf("第 %d 时段第 %d 桌：%s — %s（%.2f）\n", m.Slot+1, m.Table+1, p.Parties[pr.A].Name, p.Parties[pr.B].Name, pr.Score)
	}
	// Cancel the first meeting: legal, and it costs its score.
	d, vs := p.Delta(s, timetable.Edit{Kind: timetable.Remove, Meeting: 0})
	fmt.Printf("取消：%+.2f，%d 项冲突\n", d, len(vs))
	// Move it to slot 2: free of charge, but 甲公司 cannot come then and the table is taken.
	d, vs = p.Delta(s, timetable.Edit{Kind: timetable.Move, Meeting: 0, Slot: 1, Table: 0})
	fmt.Printf("调到第 2 时段：%+.2f\n", d)
	for _, v := range vs {
		fmt.Println(v.Kind.Label() + "：" + v.Message)
	}
	// Output:
	// Greedy 0.90, Solve 1.70
	// 第 1 时段第 1 桌：甲公司 — 丙研究院（0.80）
	// 第 2 时段第 1 桌：乙公司 — 丙研究院（0.90）
	// 取消：-0.80，0 项冲突
	// 调到第 2 时段：+0.00
	// 时段不可参会：企业「甲公司」第 2 时段不能参会，不能在此时段与院所「丙研究院」洽谈
	// 同一时段重复安排：院所「丙研究院」在第 2 时段同时安排了 2 场洽谈
	// 同桌冲突：第 2 时段第 1 桌同时安排了 2 场洽谈
}
