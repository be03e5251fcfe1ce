package envoys

import (
	"context"
	"strconv"
	"strings"

	"duijie/internal/duijie"
	"duijie/internal/sqlite"
)

// visitNotFound is the one answer for a visit the caller may not see.
func visitNotFound() error {
	return duijie.Errorf(duijie.ENOTFOUND, "走访记录不存在或无权查看")
}

// LogVisit records a visit of the calling envoy under one of their
// assignments, which must be theirs and in force on the day of the visit;
// the day is neither in the future nor older than a year. Audited.
func (s *Service) LogVisit(ctx context.Context, a Actor, v *duijie.Visit) error {
	if err := envoyOnly(a); err != nil {
		return err
	}
	trimVisit(v)
	// A first version has no correction, so no reason for one: a note
	// sent with it (the form's field, or a forged one) is not stored.
	v.Version, v.Note = 1, ""
	verr := v.Validate(s.today())
	as, err := s.db.Assignment(ctx, v.AssignmentID)
	if err := internal(err); err != nil {
		return err
	}
	if err != nil || as.EnvoyID != a.User.ID {
		if de := fieldsOf(verr); de != nil {
			de["assignment"] = "请选择您服务的企业或村"
			return &duijie.Error{Code: duijie.EINVALID, Message: "请检查填写的内容", Fields: de}
		}
		return invalid("assignment", "请选择您服务的企业或村")
	}
	if verr != nil {
		return verr
	}
	if !as.ActiveOn(v.On) {
		return invalid("on", "走访当天您未派驻在"+as.Place()+"（派驻期 "+period(as)+"）")
	}
	now := s.now()
	v.ID, v.EnvoyID, v.OrgID, v.Village, v.Region = duijie.NewID("vi-"), a.User.ID, as.OrgID, as.Village, as.Region
	v.Created, v.Updated, v.UpdatedBy = now, now, a.User.ID
	if err := s.db.CreateVisit(ctx, v); err != nil {
		return err
	}
	s.audit(ctx, a, AuditVisit, "visit:"+v.ID, v.On.Format(duijie.DateLayout)+" "+as.Place())
	return nil
}

// CorrectVisit appends a corrected version of one of the caller's visits
// (v.ID; v.Version is the version that was read): the earlier versions
// stay and can be read. The place does not change. Audited.
func (s *Service) CorrectVisit(ctx context.Context, a Actor, v *duijie.Visit) error {
	if err := envoyOnly(a); err != nil {
		return err
	}
	old, err := s.db.Visit(ctx, v.ID)
	if err := internal(err); err != nil {
		return err
	}
	if err != nil || old.EnvoyID != a.User.ID {
		return visitNotFound()
	}
	trimVisit(v)
	if v.Version <= 0 {
		v.Version = old.Version
	}
	v.Version++
	if err := v.Validate(s.today()); err != nil {
		return err
	}
	as, err := s.db.Assignment(ctx, old.AssignmentID)
	if err != nil {
		return err
	}
	if !as.ActiveOn(v.On) {
		return invalid("on", "走访当天您未派驻在"+as.Place()+"（派驻期 "+period(as)+"）")
	}
	v.EnvoyID, v.AssignmentID, v.Updated, v.UpdatedBy = old.EnvoyID, old.AssignmentID, s.now(), a.User.ID
	if err := s.db.CorrectVisit(ctx, v); err != nil {
		return err
	}
	s.audit(ctx, a, AuditVisitCorrect, "visit:"+v.ID, "v"+strconv.Itoa(v.Version)+"："+v.Note)
	return nil
}

// VisitView is a visit with every version logged (newest first) and the
// challenges drafted from it.
type VisitView struct {
	duijie.Visit
	Versions []duijie.Visit
	Drafted  []duijie.ChallengeOrigin
	MayEdit  bool // the caller is its envoy
}

// Visit loads one visit: its envoy and brokers may read it; anyone else
// gets ENOTFOUND.
func (s *Service) Visit(ctx context.Context, a Actor, id string) (*VisitView, error) {
	if !a.User.Is(duijie.RoleEnvoy, duijie.RoleBroker) {
		return nil, duijie.Errorf(duijie.EFORBIDDEN, "只有科技特派员和技术经纪人可以查看走访记录")
	}
	v, err := s.db.Visit(ctx, id)
	if err := internal(err); err != nil {
		return nil, err
	}
	if err != nil {
		return nil, visitNotFound()
	}
	if a.User.Is(duijie.RoleEnvoy) && v.EnvoyID != a.User.ID {
		return nil, visitNotFound()
	}
	view := &VisitView{Visit: *v, MayEdit: v.EnvoyID == a.User.ID}
	if view.Versions, err = s.db.VisitVersions(ctx, id); err != nil {
		return nil, err
	}
	if view.Drafted, err = s.db.ChallengeOrigins(ctx, sqlite.OriginFilter{VisitID: id}); err != nil {
		return nil, err
	}
	return view, nil
}

// Visits lists visits, the latest first, and how many match: brokers any
// (filtered by envoy, county, period); an envoy only their own.
func (s *Service) Visits(ctx context.Context, a Actor, f VisitFilter) ([]duijie.Visit, int, error) {
	switch {
	case a.User.Is(duijie.RoleBroker):
	case a.User.Is(duijie.RoleEnvoy):
		f.EnvoyID = a.User.ID
	default:
		return nil, 0, duijie.Errorf(duijie.EFORBIDDEN, "只有科技特派员和技术经纪人可以查看走访记录")
	}
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	return s.db.Visits(ctx, f)
}

func trimVisit(v *duijie.Visit) {
	v.Topic, v.Findings = strings.TrimSpace(v.Topic), strings.TrimSpace(v.Findings)
	v.FollowUp, v.Note = strings.TrimSpace(v.FollowUp), strings.TrimSpace(v.Note)
}

func period(as *duijie.Assignment) string {
	p := as.Since.Format(duijie.DateLayout) + " 起"
	if !as.Until.IsZero() {
		p = as.Since.Format(duijie.DateLayout) + " 至 " + as.Until.Format(duijie.DateLayout)
	}
	return p
}

func fieldsOf(err error) map[string]string {
	if de, ok := err.(*duijie.Error); ok && de.Code == duijie.EINVALID {
		out := map[string]string{}
		for k, v := range de.Fields {
			out[k] = v
		}
		return out
	}
	return nil
}
