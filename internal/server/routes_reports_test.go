package server

import (
	"bytes"
	"net/url"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// testReports walks the reports routes: the dashboard (success, each
// period kind, a county, a bad selection, a wrong role) and the exports
// (each list, the dashboard's tables, an unknown list, a wrong role),
// then finds the exports in the audit log.
func testReports(t *testing.T, st *stack, rec *recorder) {
	runScenarios(t, st, rec, []scenario{
		{name: "dashboard", as: "jingjiren", method: "GET", url: "/broker/dashboard", status: 200,
			want: []string{"统计看板", "转化漏斗", "<svg", "查看匹配", "合同金额", "万元", "技术经纪人成效", "/broker/export/dashboard.xlsx?", `aria-current="page">统计看板`}},
		{name: "dashboard for a quarter of 六安", as: "jingjiren", method: "GET", url: "/broker/dashboard?period=quarter&quarter=2026-Q1&county=city", status: 200, want: []string{"2026年第一季度 · 六安全市"}},
		{name: "dashboard for a year of a county", as: "jingjiren", method: "GET", url: "/broker/dashboard?period=year&year=2026&county=la-huoshan", status: 200, want: []string{"2026年 · 六安市霍山县"}},
		{name: "dashboard for custom dates", as: "jingjiren", method: "GET", url: "/broker/dashboard?period=custom&from=2025-01-01&to=2026-12-31", status: 200, want: []string{"2025-01-01 至 2026-12-31"}},
		{name: "dashboard with a bad month", as: "jingjiren", method: "GET", url: "/broker/dashboard?period=month&month=2026-13&county=" + url.QueryEscape("<b>"), status: 422,
			want: []string{"月份应为", "请选择六安的一个县区"}, notWant: []string{"<b>", "转化漏斗"}},
		{name: "dashboard wrong role", as: "qiye", method: "GET", url: "/broker/dashboard", status: 403},
		{name: "export wrong role", as: "yuansuo", method: "GET", url: "/broker/export/contracts.xlsx", status: 403},
		{name: "export of an unknown list", as: "jingjiren", method: "GET", url: "/broker/export/users.xlsx", status: 404},
		{name: "export of the dashboard with a bad period", as: "jingjiren", method: "GET", url: "/broker/export/dashboard.xlsx?period=week", status: 422},
		{name: "lists link their exports", as: "jingjiren", method: "GET", url: "/challenges", status: 200, want: []string{"/broker/export/challenges.xlsx"}},
		{name: "no export link for others", as: "yuansuo", method: "GET", url: "/challenges", status: 200, notWant: []string{"/broker/export/"}},
		{name: "contracts link their export", as: "jingjiren", method: "GET", url: "/broker/contracts", status: 200, want: []string{"/broker/export/contracts.xlsx"}},
	})
	c := st.as(t, "jingjiren")
	for _, kind := range []string{"challenges", "capabilities", "introductions", "contracts", "organizations", "dashboard"} {
		t.Run("export "+kind, func(t *testing.T) {
			target := "/broker/export/" + kind + ".xlsx"
			if kind == "dashboard" {
				target += "?period=year&year=2026"
			}
			res, body := c.do(t, "GET", target, nil, nil)
			rec.hit("GET", target, res.StatusCode)
			if res.StatusCode != 200 || !strings.HasPrefix(body, "PK") {
				t.Fatalf("status %d, body %.100q", res.StatusCode, body)
			}
			if ct := res.Header.Get("Content-Type"); ct != xlsxType {
				t.Errorf("content type %q", ct)
			}
			if cd := res.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, "filename*=UTF-8''") {
				t.Errorf("disposition %q", cd)
			}
			f, err := excelize.OpenReader(bytes.NewReader([]byte(body)))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			rows, err := f.GetRows(f.GetSheetList()[0])
			if err != nil || len(rows) < 2 {
				t.Fatalf("rows %d, %v", len(rows), err)
			}
			if kind == "organizations" {
				all := ""
				for _, r := range rows {
					all += strings.Join(r, "|") + "\n"
				}
				// qiye's phone is 13805640101 (see the workflow scenarios).
				if strings.Contains(all, "13805640101") || !strings.Contains(all, "138****0101") || !strings.Contains(all, "电话（脱敏）") {
					t.Errorf("organisations: contacts not masked: %.300s", all)
				}
			}
		})
	}
	runScenarios(t, st, rec, []scenario{
		{name: "exports are in the audit log", as: "shenji", method: "GET", url: "/admin/audit", status: 200, want: []string{"导出 Excel", "导出技术合同 .xlsx"}},
	})
}
