package server

import (
	"duijie/internal/events"
)

// EventListPage is /events.
type EventListPage struct {
	Page
	Events []events.Event
	Broker bool
}

// EventFormPage is /events/new and /events/:id/edit.
type EventFormPage struct {
	Page
	ID         string // "" for a new event
	Form       map[string]string
	Industries []string // chosen industry codes
	Options    []Option // every industry
	Errors     map[string]string
}

// EventPage is /events/:id: the event; for brokers its parties and the
// invitation forms, for members their own party and the registration.
type EventPage struct {
	Page
	V          *events.View
	Challenges []events.Candidate // brokers: whom to invite
	Abilities  []events.Candidate
	Q          string   // the broker's filter of the candidates
	Statuses   []Option // brokers: statuses to move to
	Form       map[string]string
	Errors     map[string]string
}

// EventBoardPage is /events/:id/timetable: the grid, the change form,
// the price of a change asked for, and the outcomes.
type EventBoardPage struct {
	Page
	B        *events.Board
	Cost     *events.Cost // a change priced, waiting for confirmation
	Refused  string       // why a change was refused
	Form     map[string]string
	Errors   map[string]string
	Outcomes []Option
	Tables   []int         // 1..Tables, for the table agendas and the forms
	Pairs    []OptionGroup // pairs a broker may add: the ranking's strongest left out, then the rest
}

// EventAgendaPage is /events/:id/agenda/:party and /events/:id/tables/:table:
// a printable agenda.
type EventAgendaPage struct {
	Page
	A *events.Agenda
}

// eventFlashes are the notices of the events' redirects (?ok=).
var eventFlashes = map[string]string{
	"event_created":    "对接会已创建，请邀请企业和院所参会。",
	"event_saved":      "已保存。",
	"event_status":     "状态已更新。",
	"event_invited":    "已邀请，对方已收到站内消息。",
	"event_registered": "报名成功，请留意科技局发布的日程。",
	"event_answered":   "已保存参会时段。",
	"event_generated":  "日程已生成：按匹配度从高到低安排，并兼顾每家企业的洽谈场数。",
	"event_changed":    "日程已调整。",
	"event_outcome":    "洽谈结果已记录。",
	"event_notified":   "已通知参会方，各方可在站内消息中打开自己的日程表。",
	"event_intro":      "已生成对接，双方已收到推荐，可在对接队列中跟进。",
}
