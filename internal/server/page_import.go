package server

import "duijie/internal/portal"

// ImportFormPage is /broker/import: the upload form and the templates.
type ImportFormPage struct {
	Page
	Kind     string
	Error    string // the file was refused as a whole
	Imported int    // rows written by the last confirmation
}

// ImportPlanPage is a dry run: every row, errors first, then duplicates,
// then what will be created.
type ImportPlanPage struct {
	Page
	Plan                        *portal.ImportPlan
	Errors, Duplicates, Creates []portal.ImportRow
}
