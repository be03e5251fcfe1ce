package portal

import (
	"context"

	"duijie/internal/duijie"
)

// Contact is how to reach a user: masked unless revealed.
type Contact struct {
	UserID   string
	Name     string
	Phone    string
	Email    string
	Revealed bool
}

func contactOf(u *duijie.User, reveal bool) Contact {
	name := u.DisplayName
	if name == "" {
		name = u.Username
	}
	c := Contact{UserID: u.ID, Name: name, Phone: u.Phone, Email: u.Email, Revealed: reveal}
	if !reveal {
		c.Phone, c.Email = duijie.MaskPhone(u.Phone), duijie.MaskEmail(u.Email)
	}
	return c
}

// Contacts returns the masked contacts of users for a broker's lists.
func (s *Service) Contacts(ctx context.Context, a Actor, userIDs []string) (map[string]Contact, error) {
	if !a.User.Is(duijie.RoleBroker) {
		return nil, duijie.Errorf(duijie.EFORBIDDEN, "只有科技局技术经纪人可以查看联系方式")
	}
	out := map[string]Contact{}
	for _, id := range userIDs {
		if _, ok := out[id]; ok {
			continue
		}
		u, err := s.db.User(ctx, id)
		if duijie.ErrorCode(err) == duijie.ENOTFOUND {
			continue
		}
		if err != nil {
			return nil, err
		}
		out[id] = contactOf(u, false)
	}
	return out, nil
}

// OrgContacts returns the masked contact of each organisation's first
// user (who registered it), for the review list.
func (s *Service) OrgContacts(ctx context.Context, a Actor, orgIDs []string) (map[string]Contact, error) {
	if !a.User.Is(duijie.RoleBroker) {
		return nil, duijie.Errorf(duijie.EFORBIDDEN, "只有科技局技术经纪人可以查看联系方式")
	}
	out := map[string]Contact{}
	for _, id := range orgIDs {
		users, err := s.db.UsersOf(ctx, id)
		if err != nil {
			return nil, err
		}
		if len(users) > 0 {
			out[id] = contactOf(&users[0], false)
		}
	}
	return out, nil
}

// RevealContact shows a user's full phone and e-mail to a broker; every
// reveal is audited (个人信息保护法: access to personal data is logged).
func (s *Service) RevealContact(ctx context.Context, a Actor, userID string) (Contact, *duijie.Organization, error) {
	if !a.User.Is(duijie.RoleBroker) {
		return Contact{}, nil, duijie.Errorf(duijie.EFORBIDDEN, "只有科技局技术经纪人可以查看联系方式")
	}
	u, err := s.db.User(ctx, userID)
	if err != nil {
		return Contact{}, nil, hide(err, "用户")
	}
	var org *duijie.Organization
	if u.OrgID != "" {
		if org, err = s.db.Organization(ctx, u.OrgID); err != nil {
			return Contact{}, nil, err
		}
	}
	s.audit(ctx, a, duijie.AuditContactReveal, "user:"+u.ID, "")
	return contactOf(u, true), org, nil
}
