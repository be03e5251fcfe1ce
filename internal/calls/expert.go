package calls

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"strings"
	"unicode/utf8"

	"duijie/internal/duijie"
	"duijie/internal/sqlite"
)

// Apply records an application to the expert pool (public: anyone may
// apply, ApplicationsPerHour per address; a broker reviews it). The organisation is linked by name when it
// is registered and approved here, for the draw's conflict checks.
func (s *Service) Apply(ctx context.Context, a Actor, e *duijie.Expert) error {
	if err := e.Validate(); err != nil {
		return err
	}
	if !s.applies.allow(a.IP, s.now()) {
		return duijie.Errorf(duijie.ETOOMANY, "提交过于频繁，请一小时后再试")
	}
	orgs, err := s.db.Organizations(ctx, duijie.OrgApproved)
	if err != nil {
		return err
	}
	for _, o := range orgs {
		if duijie.SameOrg("", o.Name, "", e.OrgName) {
			e.OrgID, e.OrgName = o.ID, o.Name
		}
	}
	now := s.now()
	e.ID, e.UserID, e.Status, e.Reason, e.Created, e.Updated = duijie.NewID("ex-"), "", duijie.ExpertApplied, "", now, now
	// The form is public: answering "用户名已被使用" would tell anyone
	// which accounts exist (the sign-in page takes care not to). A taken
	// name is given a suffix instead; the broker passes the account's
	// name on with the one-time password at 入库.
	asked := e.Username
	err = s.db.CreateExpert(ctx, e)
	for i := 0; i < 5 && usernameTaken(err); i++ {
		e.Username = altUsername(asked)
		err = s.db.CreateExpert(ctx, e)
	}
	if err != nil {
		return err
	}
	detail := string(e.Industry) + ", " + e.OrgName
	if e.Username != asked {
		detail += ", username " + asked + " taken, given " + e.Username
	}
	s.audit(ctx, a, duijie.AuditExpertApply, "expert:"+e.ID, detail)
	return nil
}

func usernameTaken(err error) bool {
	de, ok := err.(*duijie.Error)
	return ok && de.Code == duijie.ECONFLICT && de.Fields["username"] != ""
}

// altUsername is name with a random suffix, still a valid username.
func altUsername(name string) string {
	if len(name) > 26 {
		name = name[:26]
	}
	var b [4]byte
	rand.Read(b[:])
	return fmt.Sprintf("%s-%05d", name, binary.BigEndian.Uint32(b[:])%100000)
}

// Experts lists the pool for a broker, by status ("" for all).
func (s *Service) Experts(ctx context.Context, a Actor, status duijie.ExpertStatus) ([]duijie.Expert, error) {
	if err := brokerOnly(a); err != nil {
		return nil, err
	}
	if status != "" && status.Label() == "" {
		return nil, invalid("status", "未知的状态")
	}
	return s.db.Experts(ctx, sqlite.ExpertFilter{Status: status})
}

// ExpertRecord is an expert as the bureau sees it: the status history,
// the panels sat on and the reviews given.
type ExpertRecord struct {
	Expert  *duijie.Expert
	Events  []duijie.ExpertEvent
	Panels  []duijie.Call
	Reviews []duijie.Review
}

// Expert loads an expert's record for a broker.
func (s *Service) Expert(ctx context.Context, a Actor, id string) (*ExpertRecord, error) {
	if err := brokerOnly(a); err != nil {
		return nil, err
	}
	return s.record(ctx, id)
}

func (s *Service) record(ctx context.Context, id string) (*ExpertRecord, error) {
	e, err := s.db.Expert(ctx, id)
	if err != nil {
		return nil, hide(err, "专家")
	}
	r := &ExpertRecord{Expert: e}
	if r.Events, err = s.db.ExpertEvents(ctx, id); err != nil {
		return nil, err
	}
	if r.Reviews, err = s.db.Reviews(ctx, reviewsOf(id)); err != nil {
		return nil, err
	}
	ids, err := s.db.PanelCalls(ctx, id)
	if err != nil {
		return nil, err
	}
	for _, cid := range ids {
		c, err := s.db.Call(ctx, cid)
		if err != nil {
			return nil, err
		}
		r.Panels = append(r.Panels, *c)
	}
	return r, nil
}

// Home is an expert's own page: the record without the bureau's notes.
func (s *Service) Home(ctx context.Context, a Actor) (*ExpertRecord, error) {
	if !a.User.Is(duijie.RoleExpert) {
		return nil, duijie.Errorf(duijie.EFORBIDDEN, "只有评审专家可以查看")
	}
	e, err := s.db.ExpertOfUser(ctx, a.User.ID)
	if err != nil {
		return nil, hide(err, "专家")
	}
	r, err := s.record(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	r.Events = nil
	return r, nil
}

// Admit takes an applicant into the pool (入库): an account with role
// expert and a one-time password, returned once for the broker to pass
// on, which must be changed at the first sign-in.
func (s *Service) Admit(ctx context.Context, a Actor, id, note string) (*duijie.User, string, error) {
	if err := brokerOnly(a); err != nil {
		return nil, "", err
	}
	e, err := s.db.Expert(ctx, id)
	if err != nil {
		return nil, "", hide(err, "专家")
	}
	if e.Status != duijie.ExpertApplied {
		return nil, "", duijie.Errorf(duijie.ECONFLICT, "该专家%s，不是待审核的申请", e.Status.Label())
	}
	note = strings.TrimSpace(note)
	if err := checkText("note", "说明", note); err != nil {
		return nil, "", err
	}
	if utf8.RuneCountInString(note) > 500 {
		return nil, "", invalid("note", "说明不能超过 500 个字")
	}
	password := issuePassword()
	h, err := s.hasher.Hash(ctx, password)
	if err != nil {
		return nil, "", err
	}
	// No organisation on the account: an expert is not a member of the
	// institute they work at, and must not receive its introductions.
	u := &duijie.User{ID: duijie.NewID("u-"), Username: e.Username, DisplayName: e.Name, Role: duijie.RoleExpert,
		Phone: e.Phone, Email: e.Email, MustChange: true}
	ev := duijie.ExpertEvent{ExpertID: e.ID, At: s.now(), ActorID: a.User.ID, From: e.Status, To: duijie.ExpertActive, Note: note}
	if err := s.db.AdmitExpert(ctx, ev, u, h); err != nil {
		return nil, "", err
	}
	s.audit(ctx, a, duijie.AuditExpertAdmit, "expert:"+e.ID, "account "+u.ID+" ("+u.Username+"), one-time password issued")
	return u, password, nil
}

// Return sends an application back (退回) with a reason.
func (s *Service) Return(ctx context.Context, a Actor, id, reason string) error {
	return s.move(ctx, a, id, duijie.ExpertApplied, duijie.ExpertReturned, reason, duijie.AuditExpertReturn)
}

// Remove takes an expert out of the pool (淘汰) with a reason; the
// account is disabled. An expert on the panel of a call under review is
// removed after the review.
func (s *Service) Remove(ctx context.Context, a Actor, id, reason string) error {
	return s.move(ctx, a, id, duijie.ExpertActive, duijie.ExpertRemoved, reason, duijie.AuditExpertRemove)
}

func (s *Service) move(ctx context.Context, a Actor, id string, from, to duijie.ExpertStatus, reason, action string) error {
	if err := brokerOnly(a); err != nil {
		return err
	}
	e, err := s.db.Expert(ctx, id)
	if err != nil {
		return hide(err, "专家")
	}
	if e.Status != from {
		return duijie.Errorf(duijie.ECONFLICT, "该专家%s，不能%s", e.Status.Label(), map[duijie.ExpertStatus]string{duijie.ExpertReturned: "退回", duijie.ExpertRemoved: "淘汰"}[to])
	}
	reason = strings.TrimSpace(reason)
	if err := checkText("reason", "原因", reason); err != nil {
		return err
	}
	if n := utf8.RuneCountInString(reason); n < 2 || n > 500 {
		return invalid("reason", "请填写原因（不超过 500 个字）")
	}
	if to == duijie.ExpertRemoved {
		ids, err := s.db.PanelCalls(ctx, e.ID)
		if err != nil {
			return err
		}
		for _, cid := range ids {
			c, err := s.db.Call(ctx, cid)
			if err != nil {
				return err
			}
			if c.Status == duijie.CallReviewing {
				return duijie.Errorf(duijie.ECONFLICT, "该专家正在评审“%s”，请在评审结束后再淘汰", c.Title)
			}
		}
	}
	ev := duijie.ExpertEvent{ExpertID: e.ID, At: s.now(), ActorID: a.User.ID, From: from, To: to, Note: reason}
	disable := ""
	if to == duijie.ExpertRemoved {
		disable = e.UserID
	}
	if err := s.db.MoveExpert(ctx, ev, disable); err != nil {
		return err
	}
	s.audit(ctx, a, action, "expert:"+e.ID, reason)
	return nil
}

// RevealContact shows an expert's full phone and e-mail to a broker who
// states why; every reveal is audited with the purpose.
func (s *Service) RevealContact(ctx context.Context, a Actor, id, purpose string) (*duijie.Expert, error) {
	if err := brokerOnly(a); err != nil {
		return nil, err
	}
	e, err := s.db.Expert(ctx, id)
	if err != nil {
		return nil, hide(err, "专家")
	}
	purpose = strings.TrimSpace(purpose)
	if err := checkText("purpose", "用途", purpose); err != nil {
		return nil, err
	}
	if n := utf8.RuneCountInString(purpose); n < 2 || n > 100 {
		return nil, invalid("purpose", "请说明查看联系方式的用途（不超过 100 个字）")
	}
	s.audit(ctx, a, duijie.AuditExpertContact, "expert:"+e.ID, purpose)
	return e, nil
}

// issuePassword is a one-time password that meets the staff policy (as
// the portal's IssuePassword).
func issuePassword() string {
	b := make([]byte, 12)
	rand.Read(b) // never fails (crypto/rand)
	return "Dj-" + base64.RawURLEncoding.EncodeToString(b) + "-7a"
}
