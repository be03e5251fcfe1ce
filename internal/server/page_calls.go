package server

import (
	"duijie/internal/calls"
	"duijie/internal/duijie"
)

// CallsPage is /calls: the 揭榜挂帅 calls.
type CallsPage struct {
	Page
	Calls []duijie.Call
	Today string
}

// CallFormPage is /calls/new: a broker publishes a call on a challenge.
type CallFormPage struct {
	Page
	Challenge *duijie.Challenge
	Form      map[string]string
	Criteria  []CriterionRow
	Errors    map[string]string
	Today     string
}

// CriterionRow is one row of the criteria of the call form, as typed.
type CriterionRow struct {
	Index                     int
	Name, Weight, Description string
}

// CallPage is /calls/:id.
type CallPage struct {
	Page
	V        *calls.View
	Form     map[string]string // what was typed, when a form comes back
	Errors   map[string]string
	Problem  string // a refused step, above the forms
	MaxFiles int
	MaxMiB   int
}

// ProposalPage is /calls/:id/proposals/:pid.
type ProposalPage struct {
	Page
	V      *calls.ProposalView
	Scores []ScoreRow
	Form   map[string]string
	Errors map[string]string
}

// ScoreRow is one criterion of the review form with the score given.
type ScoreRow struct {
	Index     int
	Criterion duijie.Criterion
	Score     string
}

// ReplayPage is /calls/:id/replay: 复核抽取.
type ReplayPage struct {
	Page
	Call    *duijie.Call
	R       *calls.Replay
	Names   map[string]string // expert id -> name (unit)
	Matches bool
}

// ExpertApplyPage is /experts/apply.
type ExpertApplyPage struct {
	Page
	Industries []Option
	Form       map[string]string
	Errors     map[string]string
	Done       bool
}

// ExpertsPage is /broker/experts: the pool by status.
type ExpertsPage struct {
	Page
	Status   string
	Statuses []Option
	Experts  []ExpertRow
}

// ExpertRow is an expert in a list, contacts masked.
type ExpertRow struct {
	duijie.Expert
	MaskedPhone string
}

// ExpertPage is /broker/experts/:id, and the expert's own /expert.
type ExpertPage struct {
	Page
	R           *calls.ExpertRecord
	Calls       map[string]duijie.Call // by id, for the reviews
	MaskedPhone string
	MaskedEmail string
	Revealed    bool   // the full contact is shown (audited)
	Password    string // the one-time password, just after 入库
	Errors      map[string]string
	Problem     string
}

// AttachmentList is what the "call-attachments" block shows.
type AttachmentList struct {
	Call string
	P    *duijie.Proposal
	Edit bool // delete buttons
	CSRF string
}

// Files lists a proposal's attachments on the call page.
func (p *CallPage) Files(pr *duijie.Proposal, edit bool) AttachmentList {
	return AttachmentList{Call: p.V.ID, P: pr, Edit: edit, CSRF: p.CSRF}
}

// Files lists the proposal's attachments.
func (p *ProposalPage) Files() AttachmentList {
	return AttachmentList{Call: p.V.Call.ID, P: p.V.Proposal, Edit: p.V.MayEdit, CSRF: p.CSRF}
}
