package server

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"duijie/internal/duijie"
	"duijie/internal/portal"
	"duijie/internal/workflow"
)

// The JSON API of the broker's workflow: introductions and their steps
// for brokers (and each side's answer for members), contracts for
// brokers, the inbox for everyone signed in.

type introJSON struct {
	ID              string      `json:"id"`
	Origin          string      `json:"origin"`
	Stage           string      `json:"stage"`
	StageLabel      string      `json:"stage_label"`
	ChallengeID     string      `json:"challenge_id,omitempty"`
	ChallengeTitle  string      `json:"challenge_title,omitempty"`
	CapabilityID    string      `json:"capability_id,omitempty"`
	CapabilityTitle string      `json:"capability_title,omitempty"`
	Enterprise      string      `json:"enterprise,omitempty"` // "" while hidden from the caller
	Institute       string      `json:"institute,omitempty"`
	EntAnswer       string      `json:"enterprise_answer"`
	InstAnswer      string      `json:"institute_answer"`
	Broker          string      `json:"broker,omitempty"`
	Reason          string      `json:"reason,omitempty"`
	ReasonNote      string      `json:"reason_note,omitempty"`
	Due             string      `json:"due,omitempty"`
	Overdue         bool        `json:"overdue"`
	Created         string      `json:"created"`
	Updated         string      `json:"updated"`
	Side            string      `json:"side,omitempty"` // the caller's side
	MayAnswer       bool        `json:"may_answer,omitempty"`
	Contacts        []contactJS `json:"contacts,omitempty"` // the other side's, once both accepted
	Events          []eventJSON `json:"events,omitempty"`
}

type contactJS struct {
	Name  string `json:"name"`
	Phone string `json:"phone,omitempty"`
	Email string `json:"email,omitempty"`
}

type eventJSON struct {
	At      string `json:"at"`
	Actor   string `json:"actor,omitempty"`
	Kind    string `json:"kind"`
	From    string `json:"from,omitempty"`
	To      string `json:"to,omitempty"`
	Side    string `json:"side,omitempty"`
	Answer  string `json:"answer,omitempty"`
	Reason  string `json:"reason,omitempty"`
	Channel string `json:"channel,omitempty"`
	On      string `json:"on,omitempty"`
	Note    string `json:"note,omitempty"`
}

type contractJSON struct {
	ID           string `json:"id,omitempty"`
	IntroID      string `json:"introduction_id,omitempty"`
	ChallengeID  string `json:"challenge_id,omitempty"`
	CapabilityID string `json:"capability_id,omitempty"`
	Type         string `json:"type"`
	Title        string `json:"title"`
	Buyer        string `json:"buyer,omitempty"`
	Seller       string `json:"seller,omitempty"`
	Amount       int64  `json:"amount_yuan"`
	LocalAmount  int64  `json:"local_amount_yuan"`
	Signed       string `json:"signed"`
	RegNo        string `json:"reg_no,omitempty"`
	Registered   string `json:"registered,omitempty"`
	Broker       string `json:"broker_id,omitempty"`
}

type messageJSON struct {
	ID      int64  `json:"id"`
	Kind    string `json:"kind"`
	Subject string `json:"subject"`
	Body    string `json:"body,omitempty"`
	Link    string `json:"link,omitempty"`
	Created string `json:"created"`
	Read    bool   `json:"read"`
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func dateOf(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(duijie.DateLayout)
}

func toIntroJSON(n *duijie.Introduction, now time.Time) introJSON {
	return introJSON{ID: n.ID, Origin: string(n.Origin), Stage: string(n.Stage), StageLabel: n.Stage.Label(),
		ChallengeID: n.ChallengeID, ChallengeTitle: n.ChallengeTitle, CapabilityID: n.CapabilityID,
		CapabilityTitle: n.CapabilityTitle, Enterprise: n.EntOrgName, Institute: n.InstOrgName,
		EntAnswer: string(n.EntAnswer), InstAnswer: string(n.InstAnswer), Broker: n.BrokerName, Reason: string(n.Reason),
		ReasonNote: n.ReasonNote, Due: stamp(n.Due), Overdue: n.Overdue(now), Created: stamp(n.Created), Updated: stamp(n.Updated)}
}

func toContractJSON(c *duijie.Contract) contractJSON {
	return contractJSON{ID: c.ID, IntroID: c.IntroID, ChallengeID: c.ChallengeID, CapabilityID: c.CapabilityID,
		Type: string(c.Type), Title: c.Title, Buyer: c.Buyer, Seller: c.Seller, Amount: c.Amount, LocalAmount: c.LocalAmount,
		Signed: dateOf(c.Signed), RegNo: c.RegNo, Registered: dateOf(c.Registered), Broker: c.BrokerID}
}

// pageParams reads limit and offset as the list routes do.
func pageParams(c *fiber.Ctx) (offset, limit int) {
	offset, _ = strconv.Atoi(c.Query("offset"))
	limit, _ = strconv.Atoi(c.Query("limit"))
	limit = min(max(limit, 1), portal.MaxLimit)
	if c.Query("limit") == "" {
		limit = portal.DefaultLimit
	}
	return max(offset, 0), limit
}

// apiIntroList is a view of the queue for brokers (?view=mine,
// unassigned, overdue, open, closed) and the organisation's introductions
// for members.
func (s *Server) apiIntroList(c *fiber.Ctx) error {
	offset, limit := pageParams(c)
	var items []duijie.Introduction
	var total int
	var err error
	if user(c).Is(duijie.RoleBroker) {
		items, total, err = s.wf.Queue(c.UserContext(), actor(c), c.Query("view", workflow.ViewOpen), offset, limit)
	} else {
		items, total, err = s.wf.Mine(c.UserContext(), actor(c), offset, limit)
	}
	if err != nil {
		return err
	}
	out := listJSON[introJSON]{Items: []introJSON{}, Total: total}
	now := time.Now()
	for i := range items {
		out.Items = append(out.Items, toIntroJSON(&items[i], now))
	}
	return c.JSON(out)
}

func (s *Server) apiIntroGet(c *fiber.Ctx) error {
	v, err := s.wf.Get(c.UserContext(), actor(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(s.introViewJSON(v))
}

func (s *Server) introViewJSON(v *workflow.View) introJSON {
	out := toIntroJSON(&v.Introduction, time.Now())
	out.Side, out.MayAnswer = string(v.Side), v.MayAnswer
	for _, ct := range v.Contacts {
		out.Contacts = append(out.Contacts, contactJS{Name: ct.Name, Phone: ct.Phone, Email: ct.Email})
	}
	for _, e := range v.Events {
		out.Events = append(out.Events, eventJSON{At: stamp(e.At), Actor: e.Actor, Kind: string(e.Kind), From: string(e.From),
			To: string(e.To), Side: string(e.Side), Answer: string(e.Answer), Reason: string(e.Reason),
			Channel: string(e.Channel), On: dateOf(e.On), Note: e.Note})
	}
	return out
}

// apiIntroCreate is a broker's 派单.
func (s *Server) apiIntroCreate(c *fiber.Ctx) error {
	var in struct {
		Type    string   `json:"type"`
		ID      string   `json:"id"`
		Targets []string `json:"targets"`
		Message string   `json:"message"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	if in.Type != portal.TypeChallenge && in.Type != portal.TypeCapability {
		return &duijie.Error{Code: duijie.EINVALID, Message: "type 应为 challenge 或 capability", Fields: map[string]string{"type": "应为 challenge 或 capability"}}
	}
	ids, err := s.wf.Recommend(c.UserContext(), actor(c), in.Type, in.ID, in.Targets, in.Message)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"ids": ids})
}

// apiIntroDone answers a step with the introduction as it now stands.
func (s *Server) apiIntroDone(c *fiber.Ctx, id string, err error) error {
	if err != nil {
		return err
	}
	return s.apiIntroGet(c)
}

func (s *Server) apiIntroStage(c *fiber.Ctx) error {
	var in struct {
		To     string `json:"to"`
		Reason string `json:"reason"`
		Note   string `json:"note"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	id := c.Params("id")
	return s.apiIntroDone(c, id, s.wf.Move(c.UserContext(), actor(c), id, duijie.Stage(in.To), duijie.Reason(in.Reason), in.Note))
}

func (s *Server) apiIntroAnswer(c *fiber.Ctx) error {
	var in struct {
		Answer string `json:"answer"` // accept | decline
		Reason string `json:"reason"`
		Note   string `json:"note"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	id := c.Params("id")
	if in.Answer != "accept" && in.Answer != "decline" {
		if _, err := s.wf.Get(c.UserContext(), actor(c), id); err != nil {
			return err
		}
		return &duijie.Error{Code: duijie.EINVALID, Message: "answer 应为 accept 或 decline", Fields: map[string]string{"answer": "请选择接受或婉拒"}}
	}
	err := s.wf.Answer(c.UserContext(), actor(c), id, in.Answer == "accept", duijie.Reason(in.Reason), in.Note)
	return s.apiIntroDone(c, id, err)
}

func (s *Server) apiIntroNote(c *fiber.Ctx) error {
	var in struct {
		Channel string `json:"channel"`
		On      string `json:"on"`
		Note    string `json:"note"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	id := c.Params("id")
	on, _ := time.Parse(duijie.DateLayout, in.On)
	return s.apiIntroDone(c, id, s.wf.Note(c.UserContext(), actor(c), id, duijie.Channel(in.Channel), on, in.Note))
}

// contract reads a contract from JSON; amounts are whole 元 (a JSON
// number with a fraction is refused by the decoder).
func (in contractJSON) contract() (*duijie.Contract, fieldErrs) {
	errs := fieldErrs{}
	c := &duijie.Contract{IntroID: in.IntroID, ChallengeID: in.ChallengeID, CapabilityID: in.CapabilityID,
		Type: duijie.ContractType(in.Type), Title: in.Title, Buyer: in.Buyer, Seller: in.Seller, Amount: in.Amount,
		LocalAmount: in.LocalAmount, RegNo: in.RegNo}
	c.Signed = dateField(errs, "signed", "签订日期", in.Signed)
	c.Registered = dateField(errs, "registered", "登记日期", in.Registered)
	return c, errs
}

func (s *Server) apiContractSave(c *fiber.Ctx, introID string) error {
	var in contractJSON
	if err := decode(c, &in); err != nil {
		return err
	}
	ct, parse := in.contract()
	if introID != "" {
		ct.IntroID, ct.ChallengeID, ct.CapabilityID = introID, "", ""
	}
	var err error
	if len(parse) == 0 {
		err = s.wf.RecordContract(c.UserContext(), actor(c), ct)
	}
	if err := invalid(parse, err); err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toContractJSON(ct))
}

func (s *Server) apiIntroContract(c *fiber.Ctx) error  { return s.apiContractSave(c, c.Params("id")) }
func (s *Server) apiContractCreate(c *fiber.Ctx) error { return s.apiContractSave(c, "") }

func (s *Server) apiContractList(c *fiber.Ctx) error {
	offset, limit := pageParams(c)
	list, total, amount, err := s.wf.Contracts(c.UserContext(), actor(c), offset, limit)
	if err != nil {
		return err
	}
	out := struct {
		Items      []contractJSON `json:"items"`
		Total      int            `json:"total"`
		AmountYuan int64          `json:"amount_yuan"`
	}{Items: []contractJSON{}, Total: total, AmountYuan: amount}
	for i := range list {
		out.Items = append(out.Items, toContractJSON(&list[i]))
	}
	return c.JSON(out)
}

func (s *Server) apiMessageList(c *fiber.Ctx) error {
	offset, limit := pageParams(c)
	msgs, total, err := s.wf.Inbox(c.UserContext(), actor(c), offset, limit)
	if err != nil {
		return err
	}
	unread, err := s.wf.Unread(c.UserContext(), actor(c))
	if err != nil {
		return err
	}
	out := struct {
		Items  []messageJSON `json:"items"`
		Total  int           `json:"total"`
		Unread int           `json:"unread"`
	}{Items: []messageJSON{}, Total: total, Unread: unread}
	for _, m := range msgs {
		out.Items = append(out.Items, messageJSON{ID: m.ID, Kind: string(m.Kind), Subject: m.Subject, Body: m.Body, Link: m.Link,
			Created: stamp(m.Created), Read: !m.Read.IsZero()})
	}
	return c.JSON(out)
}

// apiMessageRead marks one message ({"id": n}) or all ({}) read.
func (s *Server) apiMessageRead(c *fiber.Ctx) error {
	var in struct {
		ID *int64 `json:"id"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	var err error
	if in.ID == nil {
		err = s.wf.ReadAll(c.UserContext(), actor(c))
	} else {
		_, err = s.wf.Open(c.UserContext(), actor(c), *in.ID)
	}
	if err != nil {
		return err
	}
	unread, err := s.wf.Unread(c.UserContext(), actor(c))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"unread": unread})
}
