package server

import (
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"duijie/internal/duijie"
	"duijie/internal/envoys"
)

// The 科技特派员's own pages: /envoy, a visit, its correction and a
// challenge drafted from it.

// ev is the envoys' service (科技特派员), from the portal.
func (s *Server) ev() *envoys.Service { return s.svc.Envoys() }

// envoyPage is s.page with the envoys' notices.
func (s *Server) envoyPage(c *fiber.Ctx, title string) Page {
	p := s.page(c, title)
	if p.Flash == "" {
		p.Flash = envoyFlashes[c.Query("ok")]
	}
	return p
}

func today() string { return duijie.Today(time.Now()).Format(duijie.DateLayout) }

const visitsShown = 20

func (s *Server) handleEnvoyHome(c *fiber.Ctx) error {
	return s.envoyHome(c, visitForm{On: today()}, nil)
}

func (s *Server) envoyHome(c *fiber.Ctx, f visitForm, errs map[string]string) error {
	ctx, a := c.UserContext(), actor(c)
	p := &EnvoyPage{Page: s.envoyPage(c, "我的走访"), Today: today(), Form: f, Errors: errs}
	p.Nav = "envoy"
	var err error
	if p.Assignments, err = s.ev().Assignments(ctx, a, envoys.AssignmentFilter{}); err != nil {
		return err
	}
	for _, as := range p.Assignments {
		if as.Until.IsZero() {
			p.Open = append(p.Open, as)
		}
	}
	offset := offsetOf(c)
	if p.Visits, p.Total, err = s.ev().Visits(ctx, a, envoys.VisitFilter{Offset: offset, Limit: visitsShown}); err != nil {
		return err
	}
	p.Prev, p.Next = pageLinks("/envoy", offset, visitsShown, p.Total)
	if p.Drafted, err = s.ev().Drafted(ctx, a); err != nil {
		return err
	}
	return s.render(c, "envoy", p)
}

func readVisitForm(c *fiber.Ctx) visitForm {
	return visitForm{Assignment: c.FormValue("assignment"), On: c.FormValue("on"), Topic: c.FormValue("topic"),
		Findings: c.FormValue("findings"), FollowUp: c.FormValue("follow_up"), Note: c.FormValue("note"),
		Version: c.FormValue("version")}
}

// visit turns the form into a visit; a day that is no date is a parse
// error (the domain then reports it as missing).
func (f visitForm) visit() (*duijie.Visit, fieldErrs) {
	errs := fieldErrs{}
	v := &duijie.Visit{AssignmentID: f.Assignment, Topic: f.Topic, Findings: f.Findings, FollowUp: f.FollowUp, Note: f.Note}
	if d := strings.TrimSpace(f.On); d != "" {
		if v.On = duijie.ParseDate(d); v.On.IsZero() {
			errs["on"] = "请按 年-月-日 填写走访日期，例如 2026-04-10"
		}
	}
	v.Version, _ = strconv.Atoi(f.Version)
	return v, errs
}

func (s *Server) handleVisitCreate(c *fiber.Ctx) error {
	f := readVisitForm(c)
	v, parse := f.visit()
	err := s.ev().LogVisit(c.UserContext(), actor(c), v)
	errs, err := merge(parse, err)
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
		return s.envoyHome(c, f, errs)
	}
	return c.Redirect("/envoy/visits/"+v.ID+"?ok=visit", fiber.StatusSeeOther)
}

func (s *Server) handleVisitShow(c *fiber.Ctx) error {
	return s.showVisit(c, c.Params("id"), nil, nil)
}

func (s *Server) showVisit(c *fiber.Ctx, id string, f *visitForm, errs map[string]string) error {
	v, err := s.ev().Visit(c.UserContext(), actor(c), id)
	if err != nil {
		return err
	}
	p := &VisitPage{Page: s.envoyPage(c, "走访记录："+v.Topic), V: v, Today: today(), Errors: errs}
	p.Nav = "envoy"
	if f != nil {
		p.Form = *f
	} else {
		p.Form = visitForm{On: v.On.Format(duijie.DateLayout), Topic: v.Topic, Findings: v.Findings, FollowUp: v.FollowUp,
			Version: strconv.Itoa(v.Version)}
	}
	return s.render(c, "envoy_visit", p)
}

// handleVisitCorrect appends a corrected version of a visit.
func (s *Server) handleVisitCorrect(c *fiber.Ctx) error {
	id := strings.Clone(c.Params("id"))
	f := readVisitForm(c)
	v, parse := f.visit()
	v.ID = id
	err := s.ev().CorrectVisit(c.UserContext(), actor(c), v)
	if duijie.ErrorCode(err) == duijie.ENOTFOUND {
		return err
	}
	errs, err := merge(parse, err)
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
		return s.showVisit(c, id, &f, errs)
	}
	return c.Redirect("/envoy/visits/"+id+"?ok=corrected", fiber.StatusSeeOther)
}

func (s *Server) handleEnvoyChallengeNew(c *fiber.Ctx) error {
	return s.envoyChallengeForm(c, c.Params("id"), challengeForm{Visibility: string(duijie.VisibilityPublic)}, nil)
}

func (s *Server) envoyChallengeForm(c *fiber.Ctx, visitID string, f challengeForm, errs map[string]string) error {
	v, err := s.ev().Visit(c.UserContext(), actor(c), visitID)
	if err != nil {
		return err
	}
	if v.OrgID == "" || !v.MayEdit {
		return duijie.Errorf(duijie.ENOTFOUND, "走访记录不存在或无权查看")
	}
	if f.Problem == "" && errs == nil {
		f.Problem = v.Findings
	}
	draft, _ := f.challenge()
	missing := draft.Missing()
	p := &EnvoyChallengePage{V: v, ChallengeFormPage: ChallengeFormPage{Page: s.envoyPage(c, "为"+v.OrgName+"代拟技术需求"),
		Action: "/envoy/visits/" + v.ID + "/challenge", Form: f, Errors: errs, Industries: industryOptions(), Modes: modeNames(),
		Visibility: visibilityOptions(), Missing: missing, CanPost: true,
		Completeness: 100 * (duijie.CompletenessItems - len(missing)) / duijie.CompletenessItems}}
	p.Nav = "envoy"
	return s.render(c, "envoy_challenge", p)
}

// handleEnvoyChallengeCreate drafts a challenge for the visited
// enterprise; errors bring the form back as typed. A form that does not
// parse (a budget or deadline that is no number or date, an unknown mode)
// is not drafted at all, as on the enterprise's own form: otherwise a
// draft other than the one typed would be stored and announced to the
// enterprise while the envoy is asked to correct the form (and would
// draft it again). The form page then answers for the visit's rights.
func (s *Server) handleEnvoyChallengeCreate(c *fiber.Ctx) error {
	id := strings.Clone(c.Params("id"))
	f := readChallengeForm(c)
	ch, parse := f.challenge()
	var err error
	if len(parse) == 0 {
		err = s.ev().DraftChallenge(c.UserContext(), actor(c), id, ch)
		if code := duijie.ErrorCode(err); code == duijie.ENOTFOUND || code == duijie.EFORBIDDEN {
			return err
		}
	} else {
		err = ch.Validate() // every message at once
	}
	errs, err := merge(parse, err)
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
		return s.envoyChallengeForm(c, id, f, errs)
	}
	return c.Redirect("/envoy/visits/"+id+"?ok=drafted", fiber.StatusSeeOther)
}
