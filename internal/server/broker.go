package server

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"duijie/internal/duijie"
	"duijie/internal/portal"
)

func (s *Server) handleMine(c *fiber.Ctx) error {
	ctx, a := c.UserContext(), actor(c)
	p := &MinePage{Page: s.page(c, "我的对接")}
	p.Nav = "my"
	var err error
	if p.Org, err = s.svc.Org(ctx, a, a.User.OrgID); err != nil {
		return err
	}
	typ := portal.TypeChallenge
	if a.User.Is(duijie.RoleInstitute) {
		typ = portal.TypeCapability
	} else {
		// Challenges 科技特派员 drafted for us, waiting for our word.
		drafts, err := s.svc.Envoys().Drafted(ctx, a)
		if err != nil {
			return err
		}
		for _, d := range drafts {
			if d.State == duijie.OriginAwaiting {
				p.EnvoyDrafts++
			}
		}
	}
	items, err := s.svc.Mine(ctx, a, typ)
	if err != nil {
		return err
	}
	if typ == portal.TypeChallenge {
		p.Challenges = items
	} else {
		p.Capabilities = items
	}
	// Each of our postings with the introductions about it; the rest are
	// those we asked for about others' postings.
	intros, _, err := s.wf.Mine(ctx, actor(c), 0, 500)
	if err != nil {
		return err
	}
	byPosting := map[string][]MineRow{}
	for _, n := range intros {
		side := n.SideOf(a.User.OrgID)
		row := MineRow{Introduction: n, Other: n.InstOrgName, MyAnswer: n.AnswerOf(side)}
		if side == duijie.SideInstitute {
			row.Other = n.EntOrgName // "" while the enterprise stays anonymous
		}
		row.MustAnswer = n.Stage == duijie.StageRecommended && row.MyAnswer == duijie.AnswerNone
		if row.MustAnswer {
			p.Answer++
		}
		own := n.ChallengeID
		if typ == portal.TypeCapability {
			own = n.CapabilityID
		}
		if own != "" && containsItem(items, own) {
			byPosting[own] = append(byPosting[own], row)
		} else {
			p.Asked = append(p.Asked, row)
		}
	}
	for _, it := range items {
		p.Groups = append(p.Groups, MineIntro{Item: it, Intros: byPosting[it.ID]})
	}
	p.CanPost = s.svc.MayPost(ctx, a)
	return s.render(c, "mine", p)
}

func containsItem(items []portal.Item, id string) bool {
	for _, it := range items {
		if it.ID == id {
			return true
		}
	}
	return false
}

func (s *Server) handleOrgReviewList(c *fiber.Ctx) error {
	orgs, err := s.svc.PendingOrgs(c.UserContext(), actor(c))
	if err != nil {
		return err
	}
	p := &OrgReviewPage{Page: s.page(c, "注册审核"), Orgs: orgs}
	p.Nav = "orgs"
	var ids []string
	for _, o := range orgs {
		ids = append(ids, o.ID)
	}
	if p.Contacts, err = s.svc.OrgContacts(c.UserContext(), actor(c), ids); err != nil {
		return err
	}
	return s.render(c, "orgs", p)
}

func (s *Server) handleOrgReview(c *fiber.Ctx) error {
	decision := c.FormValue("decision")
	if decision != "approve" && decision != "reject" {
		return duijie.Errorf(duijie.EINVALID, "请选择通过或不通过")
	}
	if err := s.svc.ReviewOrg(c.UserContext(), actor(c), c.Params("id"), decision == "approve"); err != nil {
		return err
	}
	return c.Redirect("/broker/orgs?ok=reviewed", fiber.StatusSeeOther)
}

func staffRoles() []Option {
	var out []Option
	for _, r := range []duijie.Role{duijie.RoleBroker, duijie.RoleSysAdmin, duijie.RoleSecAdmin, duijie.RoleAuditor,
		duijie.RoleEnvoy} {
		out = append(out, Option{string(r), r.Label()})
	}
	return out
}

func (s *Server) handleUserList(c *fiber.Ctx) error {
	return s.usersPage(c, nil, userForm{Role: string(duijie.RoleBroker)}, nil)
}

func (s *Server) usersPage(c *fiber.Ctx, issued *UserIssued, f userForm, errs map[string]string) error {
	users, err := s.svc.Users(c.UserContext(), actor(c))
	if err != nil {
		return err
	}
	p := &UsersPage{Page: s.page(c, "账号管理"), Users: users, Form: f, Roles: staffRoles(), Errors: errs}
	p.Nav = "admin"
	if issued != nil {
		p.Issued = issued
	}
	return s.render(c, "users", p)
}

// handleUserCreate makes a staff account (broker or administrator) for
// the bureau; the issued password is shown once.
func (s *Server) handleUserCreate(c *fiber.Ctx) error {
	f := userForm{Username: strings.TrimSpace(c.FormValue("username")), DisplayName: c.FormValue("display_name"), Role: c.FormValue("role")}
	role := duijie.Role(f.Role)
	errs := map[string]string{}
	valid := false
	for _, o := range staffRoles() {
		valid = valid || o.Value == f.Role
	}
	if !valid {
		errs["role"] = "请选择角色"
	}
	u := &duijie.User{Username: f.Username, DisplayName: strings.TrimSpace(f.DisplayName), Role: role}
	if len(errs) == 0 {
		password, err := s.svc.CreateUser(c.UserContext(), actor(c), u)
		if de, ok := err.(*duijie.Error); ok && (de.Code == duijie.EINVALID || de.Code == duijie.ECONFLICT) {
			errs, err = merge(nil, &duijie.Error{Code: duijie.EINVALID, Message: de.Message, Fields: de.Fields})
		}
		if err != nil {
			return err
		}
		if len(errs) == 0 {
			return s.usersPage(c, &UserIssued{Username: u.Username, Password: password}, userForm{Role: f.Role}, nil)
		}
	}
	c.Status(fiber.StatusUnprocessableEntity)
	return s.usersPage(c, nil, f, errs)
}

func (s *Server) handleLockList(c *fiber.Ctx) error {
	users, err := s.svc.Users(c.UserContext(), actor(c))
	if err != nil {
		return err
	}
	p := &LocksPage{Page: s.page(c, "账号安全")}
	p.Nav = "security"
	for _, u := range users {
		p.Users = append(p.Users, LockRow{User: u, Locked: s.svc.Locked(u)})
	}
	return s.render(c, "locks", p)
}

func (s *Server) handleUnlock(c *fiber.Ctx) error {
	if err := s.svc.Unlock(c.UserContext(), actor(c), c.Params("id")); err != nil {
		return err
	}
	return c.Redirect("/security/users?ok=unlocked", fiber.StatusSeeOther)
}

// handleContactReveal shows a user's full contact details to a broker
// (audited); lists show them masked.
func (s *Server) handleContactReveal(c *fiber.Ctx) error {
	contact, org, err := s.svc.RevealContact(c.UserContext(), actor(c), c.Params("id"))
	if err != nil {
		return err
	}
	return s.render(c, "contact", &ContactPage{Page: s.page(c, "联系方式"), Contact: contact, Org: org})
}
