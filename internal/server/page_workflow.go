package server

import (
	"duijie/internal/duijie"
	"duijie/internal/portal"
	"duijie/internal/workflow"
)

// IntroPage is /introductions/:id: the pairing, its stage and timeline,
// what the caller may do next.
type IntroPage struct {
	Page
	V        *workflow.View
	Contacts map[string]portal.Contact // brokers: masked, by user id
	Brokers  []Option                  // the lead's assignment choices
	Lead     bool
	Next     []Option // stages a broker may move to by hand
	Reasons  []Option
	Channels []Option
	Types    []Option // contract types
	Today    string
	Form     map[string]string // what was typed, when a form comes back
	Errors   map[string]string
}

// QueuePage is /broker/queue: a view of the introductions.
type QueuePage struct {
	Page
	View       string
	Views      []Option
	Items      []duijie.Introduction
	Overdue    map[string]bool
	Total      int
	Prev, Next string
}

// WorkloadPage is /broker/workload.
type WorkloadPage struct {
	Page
	Rows []workflow.Workload
}

// ContractsPage is /broker/contracts.
type ContractsPage struct {
	Page
	Contracts  []duijie.Contract
	Total      int
	Amount     int64
	Prev, Next string
}

// ContractFormPage is /broker/contracts/new: a contract on its own.
type ContractFormPage struct {
	Page
	Types  []Option
	Form   map[string]string
	Errors map[string]string
	Today  string
}

// InboxPage is /inbox.
type InboxPage struct {
	Page
	Messages   []duijie.Message
	Total      int
	Prev, Next string
}

// MineIntro groups the introductions of one of the caller's postings.
type MineIntro struct {
	Item   portal.Item
	Intros []MineRow
}

// MineRow is one introduction as the caller's organisation sees it.
type MineRow struct {
	duijie.Introduction
	Other      string // the other side's name ("" while hidden)
	MyAnswer   duijie.Answer
	MustAnswer bool
}

// DispatchForm is a broker's 派单 from a posting's match list.
type DispatchForm struct {
	CSRF  string
	Type  string // the source posting's type
	ID    string
	Days  int // days the sides have to answer
	Items []portal.MatchItem
}

// InviteBox lists who may read a 摘要公开 challenge in full, with the
// form to invite another institute.
type InviteBox struct {
	CSRF        string
	ChallengeID string
	List        []workflow.Invitation
	Institutes  []Option
}

// BrokersPage is /admin/brokers: who is the bureau lead, and which
// counties each broker covers.
type BrokersPage struct {
	Page
	Rows     []workflow.BrokerRow
	Counties []Option // 六安's counties and zones
}
