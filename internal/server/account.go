package server

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"duijie/internal/duijie"
)

// The account lifecycle: the page for a member who forgot the password,
// one-time passwords issued by brokers and the security administrator,
// and the system administrator disabling accounts and changing staff
// roles. The rules are the portal service's (duijie.MayIssuePassword).

// issuers may issue one-time passwords: brokers for members, the security
// administrator for members and brokers.
var issuers = roles(duijie.RoleBroker, duijie.RoleSecAdmin)

func (s *Server) handleForgotPassword(c *fiber.Ctx) error {
	bureau, err := s.svc.BureauName(c.UserContext())
	if err != nil {
		return err
	}
	if bureau == "" {
		bureau = "科技局"
	}
	return s.render(c, "forgot", &ForgotPage{Page: s.page(c, "忘记密码"), Bureau: bureau,
		LockFailures: duijie.LockoutFailures, LockMinutes: int(duijie.LockoutDuration.Minutes())})
}

func (s *Server) handleAccountList(c *fiber.Ctx) error {
	return s.accountsPage(c, strings.TrimSpace(c.Query("q")), nil, "")
}

// accountsPage lists the accounts the caller may issue a password for,
// with the password just issued or the error of the last attempt.
func (s *Server) accountsPage(c *fiber.Ctx, q string, issued *UserIssued, failure string) error {
	rows, err := s.svc.IssuableAccounts(c.UserContext(), actor(c), q)
	if err != nil {
		return err
	}
	p := &AccountsPage{Page: s.page(c, "重置密码"), Accounts: rows, Q: q, Issued: issued, Error: failure}
	p.Nav = "accounts"
	return s.render(c, "accounts", p)
}

// handleIssuePassword issues a one-time password and shows it once, on
// this answer only (the page is not cached).
func (s *Server) handleIssuePassword(c *fiber.Ctx) error {
	u, password, err := s.svc.IssueOneTimePassword(c.UserContext(), actor(c), c.Params("id"), c.FormValue("verified") != "")
	if de, ok := err.(*duijie.Error); ok && de.Code == duijie.EINVALID {
		c.Status(fiber.StatusUnprocessableEntity)
		return s.accountsPage(c, "", nil, de.Message)
	}
	if err != nil {
		return err
	}
	return s.accountsPage(c, "", &UserIssued{Username: u.Username, Password: password}, "")
}

func (s *Server) handleUserStatus(c *fiber.Ctx) error {
	var disabled bool
	switch c.FormValue("status") {
	case "disabled":
		disabled = true
	case "active":
	default:
		return duijie.Errorf(duijie.EINVALID, "请选择停用或启用")
	}
	if err := s.svc.SetDisabled(c.UserContext(), actor(c), c.Params("id"), disabled); err != nil {
		return err
	}
	if disabled {
		return c.Redirect("/admin/users?ok=disabled", fiber.StatusSeeOther)
	}
	return c.Redirect("/admin/users?ok=enabled", fiber.StatusSeeOther)
}

func (s *Server) handleUserRole(c *fiber.Ctx) error {
	if err := s.svc.ChangeRole(c.UserContext(), actor(c), c.Params("id"), duijie.Role(c.FormValue("role"))); err != nil {
		return err
	}
	return c.Redirect("/admin/users?ok=role", fiber.StatusSeeOther)
}
