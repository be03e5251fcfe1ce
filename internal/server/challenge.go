package server

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"duijie/internal/duijie"
	"duijie/internal/portal"
)

func (s *Server) handleChallengeShow(c *fiber.Ctx) error {
	return s.showChallenge(c, c.Params("id"), interestForm{}, nil)
}

// showChallenge renders a challenge with its matches, and the proposal
// form with its errors when a proposal failed.
func (s *Server) showChallenge(c *fiber.Ctx, id string, f interestForm, errs map[string]string) error {
	p, err := s.challengePage(c, id, f, errs)
	if err != nil {
		return err
	}
	return s.render(c, "challenge", p)
}

func (s *Server) challengePage(c *fiber.Ctx, id string, f interestForm, errs map[string]string) (*ChallengePage, error) {
	ctx, a := c.UserContext(), actor(c)
	ch, err := s.svc.Challenge(ctx, a, id)
	if err != nil {
		return nil, err
	}
	p := &ChallengePage{Page: s.page(c, ch.Title), C: ch, Proposal: f, Errors: errs}
	p.Nav = portal.TypeChallenge
	if ch.CanEdit {
		p.Missing = ch.Missing()
		p.Completeness = 100 * (duijie.CompletenessItems - len(p.Missing)) / duijie.CompletenessItems
	}
	p.CanPropose = a.User.Is(duijie.RoleInstitute) && ch.Status == duijie.StatusPublished && !ch.Expired && s.svc.MayPost(ctx, a)
	if p.CanPropose {
		if p.Proposed, err = s.svc.Interested(ctx, a, portal.TypeChallenge, id); err != nil {
			return nil, err
		}
	}
	if ch.Access == duijie.AccessFull {
		offset, _ := strconv.Atoi(c.Query("moffset"))
		if p.MatchesHTML, p.Matches, err = s.matchSection(c, portal.TypeChallenge, id); err != nil {
			return nil, err
		}
		p.Dispatch = s.dispatchForm(c, portal.TypeChallenge, id, p.Matches)
		if offset <= 0 {
			s.rp.MatchViewed(ctx, actor(c), id, ch.OrgID) // the funnel's 查看匹配: owners and brokers only
		}
	}
	if ch.Visibility == duijie.VisibilitySummary && (a.User.Is(duijie.RoleBroker) || ch.CanEdit) {
		if p.Invites, err = s.inviteBox(c, id); err != nil {
			return nil, err
		}
	}
	if ch.Status == duijie.StatusPublished {
		if p.Calls, err = s.svc.Calls().LiveOf(ctx, id); err != nil {
			return nil, err
		}
		p.MayCall = len(p.Calls) == 0 && a.User.Is(duijie.RoleBroker) && ch.Visibility == duijie.VisibilityPublic && !ch.Expired
	}
	return p, nil
}

func (s *Server) handleChallengeNew(c *fiber.Ctx) error {
	f := challengeForm{Visibility: string(duijie.VisibilityPublic)}
	return s.challengeForm(c, "/challenges/new", false, false, f, nil)
}

func (s *Server) challengeForm(c *fiber.Ctx, action string, editing, published bool, f challengeForm, errs map[string]string) error {
	title := "发布技术需求"
	if editing {
		title = "编辑技术需求"
	}
	draft, _ := f.challenge()
	missing := draft.Missing()
	return s.render(c, "challenge_form", &ChallengeFormPage{Page: s.page(c, title), Action: action, Editing: editing,
		Published: published, Form: f, Errors: errs, Industries: industryOptions(), Modes: modeNames(),
		Visibility: visibilityOptions(), Missing: missing,
		Completeness: 100 * (duijie.CompletenessItems - len(missing)) / duijie.CompletenessItems,
		CanPost:      s.svc.MayPost(c.UserContext(), actor(c))})
}

func (s *Server) handleChallengeCreate(c *fiber.Ctx) error {
	return s.saveChallenge(c, "")
}

func (s *Server) handleChallengeEdit(c *fiber.Ctx) error {
	ch, err := s.svc.Challenge(c.UserContext(), actor(c), c.Params("id"))
	if err != nil {
		return err
	}
	if !ch.CanEdit {
		return duijie.Errorf(duijie.ENOTFOUND, "技术需求不存在或未公开")
	}
	return s.challengeForm(c, "/challenges/"+ch.ID+"/edit", true, ch.Status != duijie.StatusDraft, challengeFormOf(&ch.Challenge), nil)
}

func (s *Server) handleChallengeUpdate(c *fiber.Ctx) error {
	ch, err := s.svc.Challenge(c.UserContext(), actor(c), c.Params("id"))
	if err != nil {
		return err
	}
	if !ch.CanEdit {
		return duijie.Errorf(duijie.ENOTFOUND, "技术需求不存在或未公开")
	}
	return s.saveChallenge(c, ch.ID)
}

// saveChallenge creates (id == "") or updates a challenge from the form;
// errors bring the form back as typed.
func (s *Server) saveChallenge(c *fiber.Ctx, id string) error {
	f := readChallengeForm(c)
	ch, parseErrs := f.challenge()
	ch.ID = id
	publish := c.FormValue("action") == "publish"
	err := ch.Validate() // every message at once, parse errors or not
	if len(parseErrs) == 0 {
		err = s.svc.SaveChallenge(c.UserContext(), actor(c), ch, publish)
	}
	errs, err := merge(parseErrs, forbiddenAsField(err))
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		action, editing := "/challenges/new", id != ""
		if editing {
			action = "/challenges/" + id + "/edit"
		}
		c.Status(fiber.StatusUnprocessableEntity)
		return s.challengeForm(c, action, editing, false, f, errs)
	}
	ok := "saved"
	if ch.Status == duijie.StatusPublished {
		ok = "published"
	}
	return c.Redirect("/challenges/"+ch.ID+"?ok="+ok, fiber.StatusSeeOther)
}

// handleChallengeStatus closes (with a reason), reopens or publishes a
// challenge; a close without a valid reason brings the page back with
// the form's messages.
func (s *Server) handleChallengeStatus(c *fiber.Ctx) error {
	why := duijie.Closure{Reason: duijie.CloseReason(c.FormValue("reason")), Note: c.FormValue("note")}
	err := s.setStatus(c, portal.TypeChallenge, "/challenges/", why)
	if de, ok := err.(*duijie.Error); ok && de.Code == duijie.EINVALID && len(de.Fields) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
		p, err := s.challengePage(c, c.Params("id"), interestForm{}, de.Fields)
		if err != nil {
			return err
		}
		p.Closing = why
		return s.render(c, "challenge", p)
	}
	return err
}

// setStatus closes, reopens or publishes a posting.
func (s *Server) setStatus(c *fiber.Ctx, typ, base string, why duijie.Closure) error {
	to := duijie.Status(c.FormValue("status"))
	id := c.Params("id")
	if err := s.svc.SetStatus(c.UserContext(), actor(c), typ, id, to, why); err != nil {
		return err
	}
	ok := map[duijie.Status]string{duijie.StatusClosed: "closed", duijie.StatusPublished: "listed"}[to]
	return c.Redirect(base+id+"?ok="+ok, fiber.StatusSeeOther)
}

func (s *Server) handleChallengeInterest(c *fiber.Ctx) error {
	id := c.Params("id")
	f := readInterestForm(c)
	i, parseErrs := f.interest()
	i.ChallengeID = id
	var err error
	if len(parseErrs) == 0 {
		err = s.svc.Propose(c.UserContext(), actor(c), i)
	}
	if code := duijie.ErrorCode(err); code == duijie.ECONFLICT || code == duijie.EFORBIDDEN {
		parseErrs["_"] = err.(*duijie.Error).Message
		err = nil
	}
	errs, err := merge(parseErrs, err)
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
		return s.showChallenge(c, id, f, errs)
	}
	return c.Redirect("/challenges/"+id+"?ok=interest", fiber.StatusSeeOther)
}
