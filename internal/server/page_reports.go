package server

import "duijie/internal/reports"

// DashboardPage is /broker/dashboard: the bureau's figures for a period
// and a county, charts with their tables, and the Excel exports.
type DashboardPage struct {
	Page
	D        *reports.Dashboard // nil when the query was refused
	Q        reports.Query
	Kind     string
	Periods  []Option
	Quarters []string
	Counties []Option
	Exports  []Option // href, label
	Errors   map[string]string
}
