package calls

import (
	"context"
	"fmt"

	"duijie/internal/duijie"
	"duijie/internal/sqlite"
)

// Call loads a call as a may see it, without its proposals.
func (s *Service) Call(ctx context.Context, a Actor, id string) (*duijie.Call, error) {
	return s.readable(ctx, a, id)
}

// ExpertNames names experts ("name（organisation）") for the bureau's and
// the auditor's pages about a draw.
func (s *Service) ExpertNames(ctx context.Context, a Actor, ids []string) (map[string]string, error) {
	if !a.User.Is(duijie.RoleBroker, duijie.RoleAuditor) {
		return nil, duijie.Errorf(duijie.EFORBIDDEN, "只有技术经纪人和审计管理员可以查看")
	}
	experts, err := s.db.Experts(ctx, sqlite.ExpertFilter{IDs: append([]string{}, ids...)})
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, e := range experts {
		out[e.ID] = e.Name + "（" + e.OrgName + "）"
	}
	return out, nil
}

// Points writes hundredths of a point as points ("81.30").
func Points(hundredths int) string {
	return fmt.Sprintf("%d.%02d", hundredths/100, hundredths%100)
}

// Points is the row's mean as points.
func (r RankRow) Points() string { return Points(r.Mean) }

// Points is a review's weighted score under the call's criteria.
func (v *ProposalView) Points(r duijie.Review) string { return Points(r.Weighted(v.Call.Criteria)) }

// Criterion is the name of the i-th criterion of the call.
func (v *View) Criterion(i int) string {
	if i < len(v.Criteria) {
		return v.Criteria[i].Name
	}
	return ""
}

// HasReview reports whether the calling expert reviewed the proposal.
func (v *View) HasReview(proposalID string) bool {
	_, ok := v.MyReviews[proposalID]
	return ok
}
