package calls

import (
	"bytes"
	"context"
	"fmt"

	"duijie/internal/duijie"
	"duijie/internal/sheet"
)

// Results is a call's review sheet (评审结果汇总表) as .xlsx for the
// bureau's records: one row per panel review, with each proposal's rank
// and mean; the recused members' reviews are left out, as in the ranking.
// Brokers only; audited as an export.
func (s *Service) Results(ctx context.Context, a Actor, id string) ([]byte, string, error) {
	if err := brokerOnly(a); err != nil {
		return nil, "", err
	}
	v, err := s.Get(ctx, a, id)
	if err != nil {
		return nil, "", err
	}
	if v.Panel == nil {
		return nil, "", duijie.Errorf(duijie.ENOTFOUND, "评审专家组不存在：榜单尚未抽取评审专家")
	}
	cols := []sheet.Column{{Header: "排名", Width: 6}, {Header: "揭榜单位", Width: 28}, {Header: "方案平均得分", Width: 12},
		{Header: "评审专家", Width: 12}}
	for _, c := range v.Criteria {
		cols = append(cols, sheet.Column{Header: fmt.Sprintf("%s（%d）", c.Name, c.Weight), Width: 14})
	}
	cols = append(cols, sheet.Column{Header: "加权得分", Width: 10}, sheet.Column{Header: "评审意见", Width: 60}, sheet.Column{Header: "评分时间", Width: 20})
	w, err := sheet.NewWriter("评审结果", cols)
	if err != nil {
		return nil, "", err
	}
	defer w.Close()
	for i, row := range v.Ranking {
		if len(row.Scores) == 0 {
			if err := w.Add(i+1, row.Proposal.OrgName, float64(row.Mean)/100, "（未评分）"); err != nil {
				return nil, "", err
			}
		}
		for _, r := range row.Scores {
			cells := []any{i + 1, row.Proposal.OrgName, float64(row.Mean) / 100, r.ExpertName}
			for _, sc := range r.Scores {
				cells = append(cells, sc)
			}
			cells = append(cells, float64(r.Weighted(v.Criteria))/100, r.Comment, r.Updated)
			if err := w.Add(cells...); err != nil {
				return nil, "", err
			}
		}
	}
	var buf bytes.Buffer
	if _, err := w.WriteTo(&buf); err != nil {
		return nil, "", err
	}
	s.audit(ctx, a, duijie.AuditCallResults, "call:"+v.ID, fmt.Sprintf("%d reviews of %d proposals", v.Reviewed, len(v.Ranking)))
	return buf.Bytes(), "评审结果-" + v.Title + ".xlsx", nil
}
