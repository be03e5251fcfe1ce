package server

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"duijie/internal/duijie"
	"duijie/internal/portal"
)

// accountFixtures makes the accounts the lifecycle tests act on, so that
// the demo accounts other tests sign in with stay as they are: a staff
// account (a broker) and a member of a newly registered enterprise, with
// their passwords.
type accountFixtures struct {
	staffID, staffName, staffPassword    string
	memberID, memberName, memberPassword string
	creditCode                           string
}

func makeAccountFixtures(t *testing.T, st *stack, prefix string) accountFixtures {
	t.Helper()
	ctx := context.Background()
	sys := &duijie.User{ID: "u-demo-xitong", Username: "xitong", Role: duijie.RoleSysAdmin}
	f := accountFixtures{staffName: prefix + ".broker", memberName: prefix + ".member", memberPassword: "Member-2026-ok"}
	staff := &duijie.User{Username: f.staffName, Role: duijie.RoleBroker}
	pw, err := st.srv.svc.CreateUser(ctx, portal.Actor{User: sys}, staff)
	if err != nil {
		t.Fatal(err)
	}
	f.staffID, f.staffPassword = staff.ID, pw
	// A credit code of its own per fixture: one organisation per code.
	code := prefix17(prefix)
	for _, c := range "0123456789ABCDEFGHJKLMNPQRTUWXY" {
		if duijie.ValidCreditCode(code + string(c)) {
			f.creditCode = code + string(c)
			break
		}
	}
	m, err := st.srv.svc.Register(ctx, portal.Actor{}, portal.Registration{OrgName: "六安" + prefix + "测试有限公司", OrgKind: duijie.OrgEnterprise,
		Region: "la-jinan", CreditCode: f.creditCode, Username: f.memberName, Password: f.memberPassword, Confirm: f.memberPassword,
		Phone: "13900000077"})
	if err != nil {
		t.Fatal(err)
	}
	f.memberID = m.ID
	return f
}

// prefix17 makes a 17-character credit code prefix from a fixture name.
func prefix17(name string) string {
	digits := "913415"
	for _, r := range strings.ToUpper(name) {
		if strings.ContainsRune("0123456789ABCDEFGHJKLMNPQRTUWXY", r) {
			digits += string(r)
		}
	}
	return (digits + "00000000000")[:17]
}

// signIn signs in a new browser and returns it with the redirect.
func signIn(t *testing.T, st *stack, username, password string) (*client, int, string) {
	t.Helper()
	c := st.anon(t)
	res, body := c.do(t, "POST", "/login", url.Values{"username": {username}, "password": {password}}, nil)
	if res.StatusCode == 303 {
		c.do(t, "GET", res.Header.Get("Location"), nil, nil) // the session's CSRF token
		return c, 303, res.Header.Get("Location")
	}
	return c, res.StatusCode, body
}

var formError = regexp.MustCompile(`<p class="form-error" role="alert">([^<]*)</p>`)

// testAccounts walks the account-lifecycle routes through the route
// table's scenarios, then follows what each change does to the accounts'
// sessions and sign-ins. It runs before the page scenarios, whose last
// steps sign some demo users out.
func testAccounts(t *testing.T, st *stack, rec *recorder) {
	f := makeAccountFixtures(t, st, "acct")
	st.mu.Lock()
	st.logins[f.staffName] = f.staffPassword
	st.mu.Unlock()
	member, _, _ := signIn(t, st, f.memberName, f.memberPassword)
	staff, code, where := signIn(t, st, f.staffName, f.staffPassword)
	if code != 303 || where != "/account/password" {
		t.Fatalf("the new staff account signs in to %d %q", code, where)
	}

	runScenarios(t, st, rec, []scenario{
		{name: "forgot password", method: "GET", url: "/forgot-password", status: 200,
			want: []string{"忘记密码", "六安市科学技术局的技术经纪人", "一次性密码", "安全管理员", "管理员账号不发放一次性密码"}, notWant: []string{"05643300404"}},
		{name: "sign-in links to it", method: "GET", url: "/login", status: 200, want: []string{`href="/forgot-password"`}},
		{name: "accounts for a broker", as: "jingjiren", method: "GET", url: "/accounts", status: 200,
			want: []string{"重置密码", ">qiye<", ">" + f.memberName + "<", "已核实本人身份", "安徽淠源新能源科技有限公司"}, notWant: []string{">xitong<", ">" + f.staffName + "<", ">anquan<"}},
		{name: "accounts for the security administrator", as: "anquan", method: "GET", url: "/accounts", status: 200,
			want: []string{">qiye<", ">" + f.staffName + "<", ">jingjiren<"}, notWant: []string{">xitong<", ">shenji<", ">anquan<"}},
		{name: "accounts search", as: "jingjiren", method: "GET", url: "/accounts?q=" + url.QueryEscape("皖西"), status: 200, want: []string{">yuansuo<"}, notWant: []string{">qiye<"}},
		{name: "accounts search too long", as: "jingjiren", method: "GET", url: "/accounts?q=" + strings.Repeat("长", 41), status: 422, want: []string{"搜索词不能超过"}},
		{name: "accounts wrong role", as: "qiye", method: "GET", url: "/accounts", status: 403},
		{name: "accounts not for the system administrator", as: "xitong", method: "GET", url: "/accounts", status: 403},
		{name: "issue without confirming identity", as: "jingjiren", method: "POST", url: "/accounts/" + f.memberID + "/password", form: url.Values{}, status: 422, want: []string{"请先核实申请人身份"}},
		{name: "issue", as: "jingjiren", method: "POST", url: "/accounts/" + f.memberID + "/password", form: url.Values{"verified": {"1"}}, status: 200, want: []string{"已为 <strong>" + f.memberName + "</strong> 发放一次性密码 <code>Dj-"}},
		{name: "issue missing", as: "jingjiren", method: "POST", url: "/accounts/u-nope/password", form: url.Values{"verified": {"1"}}, status: 404},
		{name: "issue broker for staff is missing", as: "jingjiren", method: "POST", url: "/accounts/" + f.staffID + "/password", form: url.Values{"verified": {"1"}}, status: 404},
		{name: "issue for an administrator refused", as: "anquan", method: "POST", url: "/accounts/u-demo-xitong/password", form: url.Values{"verified": {"1"}}, status: 403, want: []string{"不能为管理员账号发放一次性密码"}},
		{name: "issue wrong role", as: "xitong", method: "POST", url: "/accounts/" + f.memberID + "/password", form: url.Values{"verified": {"1"}}, status: 403},
		{name: "issue as a member", as: "qiye", method: "POST", url: "/accounts/" + f.memberID + "/password", form: url.Values{"verified": {"1"}}, status: 403},

		{name: "disable bad input", as: "xitong", method: "POST", url: "/admin/users/" + f.memberID + "/status", form: url.Values{"status": {"gone"}}, status: 422, want: []string{"请选择停用或启用"}},
		{name: "disable oneself refused", as: "xitong", method: "POST", url: "/admin/users/u-demo-xitong/status", form: url.Values{"status": {"disabled"}}, status: 403, want: []string{"不能停用或启用自己的账号"}},
		{name: "disable missing", as: "xitong", method: "POST", url: "/admin/users/u-nope/status", form: url.Values{"status": {"disabled"}}, status: 404},
		{name: "disable wrong role", as: "anquan", method: "POST", url: "/admin/users/" + f.memberID + "/status", form: url.Values{"status": {"disabled"}}, status: 403},
		{name: "disable", as: "xitong", method: "POST", url: "/admin/users/" + f.memberID + "/status", form: url.Values{"status": {"disabled"}}, status: 303},
		{name: "disable twice", as: "xitong", method: "POST", url: "/admin/users/" + f.memberID + "/status", form: url.Values{"status": {"disabled"}}, status: 409, want: []string{"已是停用状态"}},
		{name: "users page shows it", as: "xitong", method: "GET", url: "/admin/users?ok=disabled", status: 200, want: []string{"账号已停用", "已停用", `action="/admin/users/` + f.memberID + `/status"`, "当前账号"},
			notWant: []string{`action="/admin/users/u-demo-xitong/status"`, `action="/admin/users/u-demo-xitong/role"`, `action="/admin/users/` + f.memberID + `/role"`}},
		{name: "issue for a disabled account refused", as: "jingjiren", method: "POST", url: "/accounts/" + f.memberID + "/password", form: url.Values{"verified": {"1"}}, status: 409, want: []string{"已停用"}},

		{name: "role bad input", as: "xitong", method: "POST", url: "/admin/users/" + f.staffID + "/role", form: url.Values{"role": {"enterprise"}}, status: 422, want: []string{"请选择角色"}},
		{name: "role of a member refused", as: "xitong", method: "POST", url: "/admin/users/u-demo-qiye/role", form: url.Values{"role": {"broker"}}, status: 409, want: []string{"由所属单位决定"}},
		{name: "role of oneself refused", as: "xitong", method: "POST", url: "/admin/users/u-demo-xitong/role", form: url.Values{"role": {"auditor"}}, status: 403, want: []string{"不能修改自己的角色"}},
		{name: "role missing", as: "xitong", method: "POST", url: "/admin/users/u-nope/role", form: url.Values{"role": {"auditor"}}, status: 404},
		{name: "role wrong role", as: "anquan", method: "POST", url: "/admin/users/" + f.staffID + "/role", form: url.Values{"role": {"auditor"}}, status: 403},
		{name: "role", as: "xitong", method: "POST", url: "/admin/users/" + f.staffID + "/role", form: url.Values{"role": {"auditor"}}, status: 303},
		{name: "audit names the changes", as: "shenji", method: "GET", url: "/admin/audit", status: 200, want: []string{"发放一次性密码", "停用账号", "修改角色", "broker -&gt; auditor"}, notWant: []string{"Dj-"}},
	})

	t.Run("issued password", func(t *testing.T) {
		// The member was signed in before the password was issued; the
		// session ended. (The account is disabled now: enable it first.)
		if res, _ := member.do(t, "GET", "/my", nil, nil); res.StatusCode != 303 || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
			t.Errorf("the member's old session after an issued password: %d %q", res.StatusCode, res.Header.Get("Location"))
		}
		if err := st.srv.svc.SetDisabled(context.Background(), portal.Actor{User: &duijie.User{ID: "u-demo-xitong", Role: duijie.RoleSysAdmin}}, f.memberID, false); err != nil {
			t.Fatal(err)
		}
		broker := st.as(t, "jingjiren")
		res, body := broker.do(t, "POST", "/accounts/"+f.memberID+"/password", url.Values{"verified": {"on"}}, nil)
		m := regexp.MustCompile(`发放一次性密码 <code>([^<]+)</code>`).FindStringSubmatch(body)
		if res.StatusCode != 200 || m == nil {
			t.Fatalf("issue: %d %.300s", res.StatusCode, body)
		}
		if res.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("the page with the password is cacheable: %q", res.Header.Get("Cache-Control"))
		}
		if _, code, _ := signIn(t, st, f.memberName, f.memberPassword); code != 401 {
			t.Errorf("the old password: %d", code)
		}
		c, code, where := signIn(t, st, f.memberName, m[1])
		if code != 303 || where != "/account/password" {
			t.Fatalf("the one-time password: %d %q, want the password form", code, where)
		}
		if res, _ := c.do(t, "GET", "/my", nil, nil); res.Header.Get("Location") != "/account/password" {
			t.Errorf("before the change /my answers %d %q", res.StatusCode, res.Header.Get("Location"))
		}
		res, _ = c.do(t, "POST", "/account/password", url.Values{"current": {m[1]}, "password": {"Member-2026-new"}, "password2": {"Member-2026-new"}}, nil)
		if res.StatusCode != 303 {
			t.Fatalf("change: %d", res.StatusCode)
		}
		if _, code, where := signIn(t, st, f.memberName, "Member-2026-new"); code != 303 || where != "/my" {
			t.Errorf("after the change: %d %q", code, where)
		}
	})

	t.Run("disabled sign-in", func(t *testing.T) {
		g := makeAccountFixtures(t, st, "dis")
		c, _, _ := signIn(t, st, g.memberName, g.memberPassword)
		token := apiTokenFor(t, st, g.memberName, g.memberPassword)
		admin := st.as(t, "xitong")
		if res, _ := admin.do(t, "POST", "/admin/users/"+g.memberID+"/status", url.Values{"status": {"disabled"}}, nil); res.StatusCode != 303 {
			t.Fatalf("disable: %d", res.StatusCode)
		}
		if res, _ := c.do(t, "GET", "/my", nil, nil); res.StatusCode != 303 {
			t.Errorf("the disabled account's session still works: %d", res.StatusCode)
		}
		if code, _ := st.anon(t).doRaw2(t, "GET", "/api/v1/interests", "", token); code != 401 {
			t.Errorf("the disabled account's token: %d, want 401", code)
		}
		_, code, disabled := signIn(t, st, g.memberName, g.memberPassword)
		_, code2, unknown := signIn(t, st, "nobody.known", g.memberPassword)
		_, code3, wrong := signIn(t, st, g.staffName, "Wrong-Passw0rd")
		d, u, w := formError.FindStringSubmatch(disabled), formError.FindStringSubmatch(unknown), formError.FindStringSubmatch(wrong)
		if code != 401 || code2 != 401 || code3 != 401 || d == nil || u == nil || w == nil || d[1] != u[1] || d[1] != w[1] {
			t.Errorf("disabled %d %v, unknown %d %v, wrong password %d %v: want one answer", code, d, code2, u, code3, w)
		}
		if code, _ := st.anon(t).doRaw2(t, "POST", "/api/v1/tokens", `{"username":"`+g.memberName+`","password":"`+g.memberPassword+`"}`, ""); code != 422 {
			t.Errorf("a token for the disabled account: %d", code)
		}
		if res, _ := admin.do(t, "POST", "/admin/users/"+g.memberID+"/status", url.Values{"status": {"active"}}, nil); res.StatusCode != 303 || res.Header.Get("Location") != "/admin/users?ok=enabled" {
			t.Fatalf("enable: %d", res.StatusCode)
		}
		if _, code, _ := signIn(t, st, g.memberName, g.memberPassword); code != 303 {
			t.Errorf("re-enabled: %d", code)
		}
	})

	t.Run("role change ends the session", func(t *testing.T) {
		// The staff account signed in above (as a broker, before the role
		// change to auditor): its session ended.
		if res, _ := staff.do(t, "GET", "/account/password", nil, nil); res.StatusCode != 303 {
			t.Errorf("the old session after a role change: %d", res.StatusCode)
		}
		old := staff.cookies["duijie"]
		c, code, where := signIn(t, st, f.staffName, f.staffPassword)
		if code != 303 || where != "/account/password" || c.cookies["duijie"] == "" || c.cookies["duijie"] == old {
			t.Fatalf("sign-in after the role change: %d %q, cookie new: %v", code, where, c.cookies["duijie"] != old)
		}
		res, _ := c.do(t, "POST", "/account/password", url.Values{"current": {f.staffPassword}, "password": {"Auditor-2026-long"}, "password2": {"Auditor-2026-long"}}, nil)
		if res.StatusCode != 303 {
			t.Fatalf("change: %d", res.StatusCode)
		}
		c, _, where = signIn(t, st, f.staffName, "Auditor-2026-long")
		if where != "/admin/audit" {
			t.Errorf("the auditor lands on %q", where)
		}
		if res, _ := c.do(t, "GET", "/broker/queue", nil, nil); res.StatusCode != 403 {
			t.Errorf("the former broker reads the queue: %d", res.StatusCode)
		}
	})

	t.Run("credit code taken", func(t *testing.T) {
		c := st.anon(t)
		res, body := c.do(t, "POST", "/register", url.Values{"org_kind": {"enterprise"}, "org_name": {"六安重复代码有限公司"}, "region": {"la-jinan"},
			"credit_code": {strings.ToLower(f.creditCode)}, "username": {"dup.code"}, "password": {"Dup-Code-2026"}, "password2": {"Dup-Code-2026"}, "phone": {"13900000088"}}, nil)
		if res.StatusCode != 422 || !strings.Contains(body, "该统一社会信用代码已注册") || strings.Contains(body, "六安acct测试有限公司") {
			t.Errorf("a second registration of a code: %d %.400s", res.StatusCode, body)
		}
	})
}

func apiTokenFor(t *testing.T, st *stack, username, password string) string {
	t.Helper()
	code, body := st.anon(t).doRaw2(t, "POST", "/api/v1/tokens", `{"username":"`+username+`","password":"`+password+`"}`, "")
	m := regexp.MustCompile(`"token":"([^"]+)"`).FindStringSubmatch(body)
	if code != 201 || m == nil {
		t.Fatalf("token for %s: %d %s", username, code, body)
	}
	return m[1]
}
