package server

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"duijie/internal/duijie"
	"duijie/internal/portal"
)

// The JSON API: the same service calls as the pages, the same rules.
// Lists answer {"items": [...], "total": N}.

type listJSON[T any] struct {
	Items []T `json:"items"`
	Total int `json:"total"`
}

// challengeJSON is a challenge on the wire; redacted fields are omitted.
type challengeJSON struct {
	ID          string   `json:"id,omitempty"`
	Org         string   `json:"org,omitempty"`
	OrgName     string   `json:"org_name,omitempty"`
	Title       string   `json:"title"`
	Problem     string   `json:"problem,omitempty"`
	Targets     string   `json:"targets,omitempty"`
	Tried       string   `json:"tried,omitempty"`
	Constraints string   `json:"constraints,omitempty"`
	Industry    string   `json:"industry"`
	Field       string   `json:"field,omitempty"`
	Keywords    []string `json:"keywords"`
	BudgetMin   int      `json:"budget_min"`
	BudgetMax   int      `json:"budget_max"`
	Deadline    string   `json:"deadline,omitempty"`
	Modes       []string `json:"modes"`
	Visibility  string   `json:"visibility"`
	TRLExpect   int      `json:"trl_expect"`
	Status      string   `json:"status,omitempty"`
	Posted      string   `json:"posted,omitempty"`
	Summary     bool     `json:"summary,omitempty"`
	Publish     bool     `json:"publish,omitempty"` // input: publish a draft
}

type capabilityJSON struct {
	ID          string   `json:"id,omitempty"`
	Org         string   `json:"org,omitempty"`
	OrgName     string   `json:"org_name,omitempty"`
	Kind        string   `json:"kind"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	TRL         int      `json:"trl"`
	IP          []string `json:"ip"`
	Fields      []string `json:"fields"`
	Industry    string   `json:"industry"`
	Modes       []string `json:"modes"`
	Team        string   `json:"team,omitempty"`
	Region      string   `json:"region,omitempty"`
	Keywords    []string `json:"keywords"`
	Status      string   `json:"status,omitempty"`
	Posted      string   `json:"posted,omitempty"`
	Publish     bool     `json:"publish,omitempty"`
}

type itemJSON struct {
	Type     string `json:"type"`
	ID       string `json:"id"`
	Title    string `json:"title"`
	Snippet  string `json:"snippet,omitempty"`
	OrgName  string `json:"org_name,omitempty"`
	Industry string `json:"industry"`
	Kind     string `json:"kind,omitempty"`
	Region   string `json:"region,omitempty"`
	TRL      int    `json:"trl"`
	Status   string `json:"status"`
	Summary  bool   `json:"summary,omitempty"`
	Posted   string `json:"posted,omitempty"`
}

type matchJSON struct {
	itemJSON
	Score   float64    `json:"score"`
	Reasons []string   `json:"reasons"`
	Terms   []termJSON `json:"terms"`
	Parts   []partJSON `json:"parts"`
}

type termJSON struct {
	Term   string   `json:"term"`
	Found  string   `json:"found,omitempty"`
	Fields []string `json:"fields"`
	Weight float64  `json:"weight"`
}

type partJSON struct {
	Key   string  `json:"key"`
	Label string  `json:"label"`
	Value float64 `json:"value"`
}

type interestJSON struct {
	ID           string `json:"id,omitempty"`
	Kind         string `json:"kind,omitempty"`
	ChallengeID  string `json:"challenge_id,omitempty"`
	CapabilityID string `json:"capability_id,omitempty"`
	TargetTitle  string `json:"target_title,omitempty"`
	OrgName      string `json:"org_name,omitempty"`
	Approach     string `json:"approach"`
	Team         string `json:"team,omitempty"`
	Months       int    `json:"months,omitempty"`
	CostMin      int    `json:"cost_min,omitempty"`
	CostMax      int    `json:"cost_max,omitempty"`
	Message      string `json:"message,omitempty"`
	Status       string `json:"status,omitempty"`
	Created      string `json:"created,omitempty"`
}

func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(duijie.DateLayout)
}

func toChallengeJSON(c *portal.ChallengeView) challengeJSON {
	return challengeJSON{ID: c.ID, Org: c.OrgID, OrgName: c.OrgName, Title: c.Title, Problem: c.Problem, Targets: c.Targets,
		Tried: c.Tried, Constraints: c.Constraints, Industry: string(c.Industry), Field: c.Field, Keywords: nonNil(c.Keywords),
		BudgetMin: c.BudgetMin, BudgetMax: c.BudgetMax, Deadline: day(c.Deadline), Modes: nonNil(duijie.ModeNames(c.Modes)),
		Visibility: string(c.Visibility), TRLExpect: c.TRLExpect, Status: string(c.Status), Posted: day(c.Posted),
		Summary: c.Access == duijie.AccessSummary}
}

func (j challengeJSON) challenge() (*duijie.Challenge, fieldErrs) {
	errs := fieldErrs{}
	c := &duijie.Challenge{Title: j.Title, Problem: j.Problem, Targets: j.Targets, Tried: j.Tried, Constraints: j.Constraints,
		Industry: duijie.Industry(j.Industry), Field: j.Field, Keywords: j.Keywords, BudgetMin: j.BudgetMin,
		BudgetMax: j.BudgetMax, Modes: parseModes(j.Modes, errs), Visibility: duijie.Visibility(j.Visibility), TRLExpect: j.TRLExpect}
	if j.Deadline != "" {
		if c.Deadline = duijie.ParseDate(j.Deadline); c.Deadline.IsZero() {
			errs["deadline"] = "日期格式应为 YYYY-MM-DD"
		}
	}
	return c, errs
}

func toCapabilityJSON(c *portal.CapabilityView) capabilityJSON {
	return capabilityJSON{ID: c.ID, Org: c.OrgID, OrgName: c.OrgName, Kind: string(c.Kind), Title: c.Title,
		Description: c.Description, TRL: c.TRL, IP: nonNil(c.IP), Fields: nonNil(c.Fields), Industry: string(c.Industry),
		Modes: nonNil(duijie.ModeNames(c.Modes)), Team: c.Team, Region: c.Region, Keywords: nonNil(c.Keywords),
		Status: string(c.Status), Posted: day(c.Posted)}
}

func (j capabilityJSON) capability() (*duijie.Capability, fieldErrs) {
	errs := fieldErrs{}
	return &duijie.Capability{Kind: duijie.Kind(j.Kind), Title: j.Title, Description: j.Description, TRL: j.TRL, IP: j.IP,
		Fields: j.Fields, Industry: duijie.Industry(j.Industry), Modes: parseModes(j.Modes, errs), Team: j.Team,
		Region: j.Region, Keywords: j.Keywords}, errs
}

func text(fs []portal.Fragment) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString(f.Text)
	}
	return b.String()
}

func toItemJSON(it portal.Item) itemJSON {
	return itemJSON{Type: it.Type, ID: it.ID, Title: text(it.Title), Snippet: text(it.Snippet), OrgName: it.OrgName,
		Industry: string(it.Industry), Kind: string(it.Kind), Region: it.Region, TRL: it.TRL, Status: string(it.Status),
		Summary: it.Summary, Posted: day(it.Posted)}
}

func nonNil(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return xs
}

// decode reads a JSON body strictly: unknown fields are errors.
func decode(c *fiber.Ctx, v any) error {
	dec := json.NewDecoder(strings.NewReader(string(c.Body())))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return duijie.Errorf(duijie.EINVALID, "请求体不是有效的 JSON：%v", err)
	}
	return nil
}

// invalid turns parse errors and a service error into one answer.
func invalid(parse fieldErrs, err error) error {
	fields, err := merge(parse, err)
	if err != nil {
		return err
	}
	if len(fields) > 0 {
		return &duijie.Error{Code: duijie.EINVALID, Message: "请检查填写的内容", Fields: fields}
	}
	return nil
}

func (s *Server) apiTokenCreate(c *fiber.Ctx) error {
	var in struct {
		Username string `json:"username"`
		Password string `json:"password"`
		Name     string `json:"name"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	token, u, err := s.svc.CreateToken(c.UserContext(), actor(c), in.Username, in.Password, in.Name)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"token": token, "user": fiber.Map{"id": u.ID, "username": u.Username, "role": u.Role}})
}

func (s *Server) apiList(c *fiber.Ctx, typ string) error {
	p := listParams(c, typ)
	if p.Limit == 0 {
		p.Limit = portal.DefaultLimit
	}
	res, err := s.svc.Search(c.UserContext(), actor(c), p)
	if err != nil {
		return err
	}
	out := listJSON[itemJSON]{Items: []itemJSON{}, Total: res.Total}
	for _, it := range res.Items {
		out.Items = append(out.Items, toItemJSON(it))
	}
	return c.JSON(out)
}

func (s *Server) apiChallengeList(c *fiber.Ctx) error  { return s.apiList(c, portal.TypeChallenge) }
func (s *Server) apiCapabilityList(c *fiber.Ctx) error { return s.apiList(c, portal.TypeCapability) }

func (s *Server) apiChallengeGet(c *fiber.Ctx) error {
	ch, err := s.svc.Challenge(c.UserContext(), actor(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(toChallengeJSON(ch))
}

func (s *Server) apiChallengeCreate(c *fiber.Ctx) error { return s.apiChallengeSave(c, "") }

func (s *Server) apiChallengeUpdate(c *fiber.Ctx) error { return s.apiChallengeSave(c, c.Params("id")) }

func (s *Server) apiChallengeSave(c *fiber.Ctx, id string) error {
	var in challengeJSON
	if err := decode(c, &in); err != nil {
		return err
	}
	ch, parse := in.challenge()
	ch.ID = id
	err := ch.Validate()
	if len(parse) == 0 {
		err = s.svc.SaveChallenge(c.UserContext(), actor(c), ch, in.Publish)
	}
	if err := invalid(parse, err); err != nil {
		return err
	}
	view, err := s.svc.Challenge(c.UserContext(), actor(c), ch.ID)
	if err != nil {
		return err
	}
	code := fiber.StatusOK
	if id == "" {
		code = fiber.StatusCreated
		c.Location("/api/v1/challenges/" + ch.ID)
	}
	return c.Status(code).JSON(toChallengeJSON(view))
}

func (s *Server) apiStatus(c *fiber.Ctx, typ string) error {
	var in struct {
		Status string `json:"status"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	if err := s.svc.SetStatus(c.UserContext(), actor(c), typ, c.Params("id"), duijie.Status(in.Status)); err != nil {
		return err
	}
	return c.JSON(fiber.Map{"id": c.Params("id"), "status": in.Status})
}

func (s *Server) apiChallengeStatus(c *fiber.Ctx) error { return s.apiStatus(c, portal.TypeChallenge) }
func (s *Server) apiCapabilityStatus(c *fiber.Ctx) error {
	return s.apiStatus(c, portal.TypeCapability)
}

func (s *Server) apiMatches(c *fiber.Ctx, typ string) error {
	offset, _ := strconv.Atoi(c.Query("offset"))
	limit, _ := strconv.Atoi(c.Query("limit"))
	m, err := s.svc.Matches(c.UserContext(), actor(c), typ, c.Params("id"), c.Query("local") == "1", offset, limit)
	if err != nil {
		return err
	}
	out := listJSON[matchJSON]{Items: []matchJSON{}, Total: m.Total}
	for _, it := range m.Items {
		mj := matchJSON{itemJSON: toItemJSON(it.Item), Score: it.Score, Reasons: nonNil(it.Reasons)}
		for _, t := range it.Terms {
			mj.Terms = append(mj.Terms, termJSON{Term: t.Term, Found: t.Found, Fields: nonNil(t.Fields), Weight: t.Weight})
		}
		for _, p := range it.Parts {
			mj.Parts = append(mj.Parts, partJSON{Key: p.Key, Label: p.Label, Value: p.Value})
		}
		out.Items = append(out.Items, mj)
	}
	return c.JSON(out)
}

func (s *Server) apiChallengeMatches(c *fiber.Ctx) error {
	return s.apiMatches(c, portal.TypeChallenge)
}
func (s *Server) apiCapabilityMatches(c *fiber.Ctx) error {
	return s.apiMatches(c, portal.TypeCapability)
}

func (s *Server) apiCapabilityGet(c *fiber.Ctx) error {
	cp, err := s.svc.Capability(c.UserContext(), actor(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(toCapabilityJSON(cp))
}

func (s *Server) apiCapabilityCreate(c *fiber.Ctx) error { return s.apiCapabilitySave(c, "") }

func (s *Server) apiCapabilityUpdate(c *fiber.Ctx) error {
	return s.apiCapabilitySave(c, c.Params("id"))
}

func (s *Server) apiCapabilitySave(c *fiber.Ctx, id string) error {
	var in capabilityJSON
	if err := decode(c, &in); err != nil {
		return err
	}
	cp, parse := in.capability()
	cp.ID = id
	err := cp.Validate()
	if len(parse) == 0 {
		err = s.svc.SaveCapability(c.UserContext(), actor(c), cp, in.Publish)
	}
	if err := invalid(parse, err); err != nil {
		return err
	}
	view, err := s.svc.Capability(c.UserContext(), actor(c), cp.ID)
	if err != nil {
		return err
	}
	code := fiber.StatusOK
	if id == "" {
		code = fiber.StatusCreated
		c.Location("/api/v1/capabilities/" + cp.ID)
	}
	return c.Status(code).JSON(toCapabilityJSON(view))
}

func (s *Server) apiInterest(c *fiber.Ctx, typ string) error {
	var in interestJSON
	if err := decode(c, &in); err != nil {
		return err
	}
	i := &duijie.Interest{Approach: in.Approach, Team: in.Team, Months: in.Months, CostMin: in.CostMin, CostMax: in.CostMax, Message: in.Message}
	var err error
	if typ == portal.TypeChallenge {
		i.ChallengeID = c.Params("id")
		err = s.svc.Propose(c.UserContext(), actor(c), i)
	} else {
		i.CapabilityID = c.Params("id")
		err = s.svc.RequestIntro(c.UserContext(), actor(c), i)
	}
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toInterestJSON(*i))
}

func (s *Server) apiChallengeInterest(c *fiber.Ctx) error {
	return s.apiInterest(c, portal.TypeChallenge)
}
func (s *Server) apiCapabilityInterest(c *fiber.Ctx) error {
	return s.apiInterest(c, portal.TypeCapability)
}

func toInterestJSON(i duijie.Interest) interestJSON {
	created := ""
	if !i.Created.IsZero() {
		created = i.Created.UTC().Format(time.RFC3339)
	}
	return interestJSON{ID: i.ID, Kind: string(i.Kind), ChallengeID: i.ChallengeID, CapabilityID: i.CapabilityID,
		TargetTitle: i.TargetTitle, OrgName: i.OrgName, Approach: i.Approach, Team: i.Team, Months: i.Months,
		CostMin: i.CostMin, CostMax: i.CostMax, Message: i.Message, Status: string(i.Status), Created: created}
}

// apiInterestList is the brokers' queue for brokers, and what the
// caller's organisation asked for otherwise.
func (s *Server) apiInterestList(c *fiber.Ctx) error {
	offset, _ := strconv.Atoi(c.Query("offset"))
	limit, _ := strconv.Atoi(c.Query("limit"))
	limit = min(max(limit, 1), portal.MaxLimit)
	if c.Query("limit") == "" {
		limit = portal.DefaultLimit
	}
	var items []duijie.Interest
	var total int
	var err error
	if user(c).Is(duijie.RoleBroker) {
		items, total, err = s.svc.Queue(c.UserContext(), actor(c), max(offset, 0), limit)
	} else {
		items, total, err = s.svc.SentInterests(c.UserContext(), actor(c), max(offset, 0), limit)
	}
	if err != nil {
		return err
	}
	out := listJSON[interestJSON]{Items: []interestJSON{}, Total: total}
	for _, i := range items {
		out.Items = append(out.Items, toInterestJSON(i))
	}
	return c.JSON(out)
}

// apiKeywords suggests keywords for a draft (the posting forms call it as
// the author types).
func (s *Server) apiKeywords(c *fiber.Ctx) error {
	var in struct {
		Type  string `json:"type"`
		Title string `json:"title"`
		Text  string `json:"text"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	if in.Type != portal.TypeChallenge && in.Type != portal.TypeCapability {
		return &duijie.Error{Code: duijie.EINVALID, Message: "type 应为 challenge 或 capability", Fields: map[string]string{"type": "应为 challenge 或 capability"}}
	}
	if len([]rune(in.Title))+len([]rune(in.Text)) > duijie.MaxText+duijie.MaxTitle {
		return duijie.Errorf(duijie.EINVALID, "文本太长")
	}
	words, err := s.svc.Keywords(c.UserContext(), in.Type, in.Title, in.Text, 8)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"keywords": nonNil(words)})
}
