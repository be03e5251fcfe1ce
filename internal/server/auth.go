package server

import (
	"net/url"
	"strings"
	"unicode"

	"github.com/gofiber/fiber/v2"

	"duijie/internal/duijie"
	"duijie/internal/portal"
)

func (s *Server) handleLoginForm(c *fiber.Ctx) error {
	if user(c) != nil {
		return c.Redirect("/", fiber.StatusSeeOther)
	}
	return s.render(c, "login", &LoginPage{Page: s.page(c, "登录"), Next: safeNext(c.Query("next"))})
}

func (s *Server) handleLogin(c *fiber.Ctx) error {
	username, password, next := strings.TrimSpace(c.FormValue("username")), c.FormValue("password"), safeNext(c.FormValue("next"))
	u, err := s.svc.SignIn(c.UserContext(), actor(c), username, password)
	if code := duijie.ErrorCode(err); code == duijie.EINVALID || code == duijie.EFORBIDDEN {
		c.Status(fiber.StatusUnauthorized)
		return s.render(c, "login", &LoginPage{Page: s.page(c, "登录"), Username: username, Next: next, Error: err.(*duijie.Error).Message})
	}
	if err != nil {
		return err
	}
	// A new session id at every sign-in; the old one, if any, ends.
	if old := session(c); old != nil {
		s.svc.SignOut(c.UserContext(), actor(c), old.ID)
	}
	value, _, err := s.svc.NewSession(c.UserContext(), u)
	if err != nil {
		return err
	}
	abs := duijie.SessionAbsolute
	if u.Role.Admin() {
		abs = duijie.AdminSessionAbsolute
	}
	s.setCookie(c, s.sessionCookie(), value, abs)
	if u.MustChange {
		return c.Redirect("/account/password", fiber.StatusSeeOther)
	}
	if next == "" {
		next = homeOf(u)
	}
	return c.Redirect(next, fiber.StatusSeeOther)
}

// homeOf is where a role lands after signing in.
func homeOf(u *duijie.User) string {
	switch u.Role {
	case duijie.RoleEnterprise, duijie.RoleInstitute:
		return "/my"
	case duijie.RoleBroker:
		return "/broker/queue"
	case duijie.RoleSysAdmin:
		return "/admin/users"
	case duijie.RoleAuditor:
		return "/admin/audit"
	case duijie.RoleSecAdmin:
		return "/security/users"
	case duijie.RoleEnvoy:
		return "/envoy"
	case duijie.RoleExpert:
		return "/expert"
	}
	return "/"
}

// safeNext keeps only a local path, so that sign-in cannot redirect to
// another site: no control characters or spaces (browsers drop tabs and
// newlines, turning "/\t/evil" into "//evil"), no backslashes, no scheme
// or host once parsed, and one leading slash.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || len(next) > 2000 {
		return ""
	}
	for _, r := range next {
		if r <= ' ' || r == 0x7f || r == '\\' || unicode.IsSpace(r) || unicode.IsControl(r) {
			return ""
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") {
		return ""
	}
	return next
}

func (s *Server) handleLogout(c *fiber.Ctx) error {
	if sess := session(c); sess != nil {
		if err := s.svc.SignOut(c.UserContext(), actor(c), sess.ID); err != nil {
			return err
		}
	}
	s.clearCookie(c, s.sessionCookie())
	return c.Redirect("/?ok=signedout", fiber.StatusSeeOther)
}

func (s *Server) handleRegisterForm(c *fiber.Ctx) error {
	return s.render(c, "register", &RegisterPage{Page: s.page(c, "单位注册"), Form: registerForm{OrgKind: "enterprise"}})
}

func (s *Server) handleRegister(c *fiber.Ctx) error {
	f := registerForm{OrgName: c.FormValue("org_name"), OrgKind: c.FormValue("org_kind"), Region: c.FormValue("region"),
		CreditCode: c.FormValue("credit_code"), Username: strings.TrimSpace(c.FormValue("username")),
		DisplayName: c.FormValue("display_name"), Phone: c.FormValue("phone"), Email: c.FormValue("email")}
	u, err := s.svc.Register(c.UserContext(), actor(c), portal.Registration{OrgName: f.OrgName, OrgKind: duijie.OrgKind(f.OrgKind),
		Region: f.Region, CreditCode: f.CreditCode, Username: f.Username, DisplayName: f.DisplayName,
		Password: c.FormValue("password"), Confirm: c.FormValue("password2"), Phone: f.Phone, Email: f.Email})
	if de, ok := err.(*duijie.Error); ok && de.Code == duijie.ECONFLICT {
		err = &duijie.Error{Code: duijie.EINVALID, Message: de.Message, Fields: de.Fields}
	}
	errs, err := merge(nil, err)
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
		return s.render(c, "register", &RegisterPage{Page: s.page(c, "单位注册"), Form: f, Errors: errs})
	}
	value, _, err := s.svc.NewSession(c.UserContext(), u)
	if err != nil {
		return err
	}
	s.setCookie(c, s.sessionCookie(), value, duijie.SessionAbsolute)
	return c.Redirect("/my?ok=registered", fiber.StatusSeeOther)
}

func (s *Server) handlePasswordForm(c *fiber.Ctx) error {
	return s.render(c, "password", &PasswordPage{Page: s.page(c, "修改密码"), Forced: user(c).MustChange})
}

func (s *Server) handlePassword(c *fiber.Ctx) error {
	errs := map[string]string{}
	next := c.FormValue("password")
	if next != c.FormValue("password2") {
		errs["password2"] = "两次输入的新密码不一致"
	} else {
		var err error
		if errs, err = merge(nil, s.svc.ChangePassword(c.UserContext(), actor(c), c.FormValue("current"), next)); err != nil {
			return err
		}
	}
	if len(errs) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
		return s.render(c, "password", &PasswordPage{Page: s.page(c, "修改密码"), Forced: user(c).MustChange, Errors: errs})
	}
	s.clearCookie(c, s.sessionCookie()) // every session of the user ended
	return c.Redirect("/login?ok=password", fiber.StatusSeeOther)
}
