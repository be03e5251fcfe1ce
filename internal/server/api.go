package server

import (
	"math"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"duijie/internal/duijie"
	"duijie/internal/portal"
)

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
		Reason string `json:"reason"` // closing a challenge: duijie.CloseReason
		Note   string `json:"note"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	why := duijie.Closure{Reason: duijie.CloseReason(in.Reason), Note: in.Note}
	if err := s.svc.SetStatus(c.UserContext(), actor(c), typ, c.Params("id"), duijie.Status(in.Status), why); err != nil {
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
	m, err := s.timedMatches(c.UserContext(), actor(c), typ, c.Params("id"), c.Query("local") == "1", offset, limit)
	if err != nil {
		return err
	}
	out := listJSON[matchJSON]{Items: []matchJSON{}, Total: m.Total}
	for _, it := range m.Items {
		mj := matchJSON{itemJSON: toItemJSON(it.Item), Score: it.Score, Confidence: math.Round(it.Confidence*1000) / 1000,
			Level: it.Level, Reasons: nonNil(it.Reasons)}
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
	return c.JSON(fiber.Map{"keywords": nonNil(s.svc.Keywords(in.Type, in.Title, in.Text, 8))})
}
