package server

import (
	"duijie/internal/duijie"
	"duijie/internal/envoys"
)

// EnvoyPage is /envoy: the envoy's enterprises and villages, the visit
// log form, their visits (paged) and the challenges they drafted.
type EnvoyPage struct {
	Page
	Assignments []duijie.Assignment
	Open        []duijie.Assignment // the ones a visit may be logged under
	Visits      []duijie.Visit
	Total       int
	Prev, Next  string
	Drafted     []duijie.ChallengeOrigin
	Today       string
	Form        visitForm
	Errors      map[string]string
}

// VisitPage is /envoy/visits/:id: a visit with every version logged, the
// correction form (its envoy) and the challenges drafted from it.
type VisitPage struct {
	Page
	V      *envoys.VisitView
	Today  string
	Form   visitForm
	Errors map[string]string
}

// EnvoyChallengePage is /envoy/visits/:id/challenge: a challenge drafted
// for the visited enterprise, with the challenge form's fields.
type EnvoyChallengePage struct {
	ChallengeFormPage
	V *envoys.VisitView
}

// EnvoyDraftsPage is /my/envoy-drafts: what envoys drafted for the
// member's enterprise, to confirm or return.
type EnvoyDraftsPage struct {
	Page
	Drafts []duijie.ChallengeOrigin
	Note   map[string]string // a returned form's note, by challenge id
	Errors map[string]string // by challenge id
}

// EnvoysPage is /broker/envoys: the envoys, their assignments (with the
// form to assign), and the visits filtered by envoy, county and period.
type EnvoysPage struct {
	Page
	Envoys      []duijie.User
	Enterprises []Option
	Counties    []Option
	Assignments []duijie.Assignment
	Visits      []duijie.Visit
	Total       int
	Prev, Next  string
	Drafted     []duijie.ChallengeOrigin
	Filter      map[string]string // envoy, county, from, to
	Form        map[string]string // the assignment form as typed
	Errors      map[string]string
}

// visitForm is the visit form as typed.
type visitForm struct {
	Assignment, On, Topic, Findings, FollowUp, Note, Version string
}

// envoyFlashes are the notices of the envoys' pages (?ok=).
var envoyFlashes = map[string]string{
	"visit":          "走访记录已保存。",
	"corrected":      "已保存更正，原记录仍保留在历史版本中。",
	"drafted":        "需求已代拟，已通知企业确认；企业确认前不会公开。",
	"envoy_assigned": "已派驻。",
	"ended":          "派驻已结束，已记录的走访保留。",
	"confirmed":      "已确认并发布。",
	"envoy_returned": "已退回，科技特派员会收到您的说明。",
}
