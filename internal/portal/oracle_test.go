package portal

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"duijie/index"
	"duijie/internal/duijie"
)

// TestOracleHiddenPostings is the no-oracle test of the security baseline:
// what anonymous, enterprise and institute readers get of lists, totals,
// facets, match lists both ways, scores, order and explanations is
// byte-identical before and after other organisations save hidden
// postings full of marker words: a 仅科技局可见 challenge, drafts of both
// kinds, a new hidden body for a 摘要公开 challenge and new text for a
// closed one. Brokers do find the markers, so the writes did reach the
// index.
func TestOracleHiddenPostings(t *testing.T) {
	s, _ := newTestService(t)
	ctx := context.Background()
	t0 := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC) // freshness is part of a score
	s.now = func() time.Time { return t0 }

	user := func(name string) Actor {
		u, _, err := s.db.UserByUsername(ctx, name)
		must(t, err)
		return Actor{User: u, IP: "192.0.2.1"}
	}
	member := func(username string, role duijie.Role, org string) Actor {
		u := &duijie.User{Username: username, Role: role, OrgID: org}
		must(t, s.createUser(ctx, u, "Passw0rd-"+username, false))
		return Actor{User: u, IP: "192.0.2.9"}
	}
	anon, qiye, yuansuo, broker := Actor{}, user("qiye"), user("yuansuo"), user("jingjiren")
	// The writers belong to organisations none of the readers belongs to.
	gong := user("gongyanyuan")
	enterprise := member("ent03", duijie.RoleEnterprise, "ent-a03")         // owns the 摘要公开 ch-a006
	institute := member("inst-gong", duijie.RoleInstitute, gong.User.OrgID) // 安徽工研院六安院
	if qiye.User.OrgID == "ent-a03" || yuansuo.User.OrgID == gong.User.OrgID {
		t.Fatal("demo set changed: a reader belongs to a writer's organisation")
	}
	const summaryOther = "ch-a006"

	// A closed challenge exists before the first look; its text changes later.
	closed := &duijie.Challenge{Title: "陶瓷轴承套圈磨削烧伤", Problem: "磨削后套圈表面烧伤。", Industry: "equipment",
		Field: "机械制造", Keywords: []string{"磨削"}, Modes: []duijie.Mode{"技术开发"}, Visibility: duijie.VisibilityPublic,
		Deadline: t0.AddDate(0, 6, 0)}
	must(t, s.SaveChallenge(ctx, enterprise, closed, true))
	must(t, s.SetStatus(ctx, enterprise, "challenge", closed.ID, duijie.StatusClosed, duijie.Closure{Reason: duijie.CloseSolved}))

	readers := map[string]Actor{"anonymous": anon, "enterprise": qiye, "institute": yuansuo}
	before := map[string]map[string][]byte{}
	for name, a := range readers {
		before[name] = oracleSnapshot(t, s, a)
	}

	// The hidden writes.
	markers := "氮化硅陶瓷球的坯体在烧结时开裂，等静压成型后素坯密度不均，热等静压处理后仍有气孔。钇稳定氧化锆球磨混料和凝胶注模都试过。"
	hidden := []*duijie.Challenge{
		{Title: "氮化硅陶瓷球坯体烧结开裂", Problem: markers, Industry: "materials", Field: "无机非金属材料",
			Keywords: []string{"氮化硅陶瓷球", "坯体", "等静压"}, Modes: []duijie.Mode{"技术开发"},
			Visibility: duijie.VisibilityBureau, Deadline: t0.AddDate(0, 6, 0)},
		{Title: "氮化硅轴承球素坯密度", Problem: markers, Industry: "materials", Field: "陶瓷",
			Keywords: []string{"凝胶注模", "坯体"}, Modes: []duijie.Mode{"技术开发"},
			Visibility: duijie.VisibilityPublic, Deadline: t0.AddDate(0, 6, 0)}, // stays a draft
	}
	for i, c := range hidden {
		must(t, s.SaveChallenge(ctx, enterprise, c, i == 0))
	}
	// The hidden body of a 摘要公开 challenge, title and keywords unchanged.
	sum, err := s.db.Challenge(ctx, summaryOther)
	must(t, err)
	if sum.Visibility != duijie.VisibilitySummary || sum.Status != duijie.StatusPublished {
		t.Fatalf("demo set changed: %s is %s/%s", summaryOther, sum.Visibility, sum.Status)
	}
	sum.Problem, sum.Tried = markers, "热等静压、凝胶注模。"
	must(t, s.SaveChallenge(ctx, enterprise, sum, false))
	// New text for the closed challenge.
	closed.Problem = markers
	must(t, s.SaveChallenge(ctx, enterprise, closed, false))
	// A draft capability.
	must(t, s.SaveCapability(ctx, institute, &duijie.Capability{Kind: duijie.KindAchievement, Title: "氮化硅陶瓷球凝胶注模成型",
		Description: markers, TRL: 6, Industry: "materials", Modes: []duijie.Mode{"技术转让"}, Keywords: []string{"坯体"}}, false))

	// The broker finds them: the writes are in the bureau's index.
	if ids := searchIDs(t, s, broker, "氮化硅陶瓷球"); !contains(ids, hidden[0].ID) || !contains(ids, summaryOther) {
		t.Fatalf("the broker's search for the markers: %v", ids)
	}

	for name, a := range readers {
		after := oracleSnapshot(t, s, a)
		for key, b := range before[name] {
			if !bytes.Equal(b, after[key]) {
				i := firstDiff(b, after[key])
				t.Errorf("%s reader: %s changed after hidden writes at byte %d:\nbefore …%s\nafter  …%s", name, key, i, clip(b[i:]), clip(after[key][i:]))
			}
		}
		for key, b := range after {
			// Words of the hidden writes that no public posting of the demo holds.
			if bytes.Contains(b, []byte("凝胶注模")) || bytes.Contains(b, []byte("素坯")) || bytes.Contains(b, []byte("钇稳定")) {
				t.Errorf("%s reader: %s shows a marker word: %s", name, key, clip(b))
			}
		}
	}
}

// oracleSnapshot is everything a reader gets of lists and matches, as
// JSON by key.
func oracleSnapshot(t *testing.T, s *Service, a Actor) map[string][]byte {
	t.Helper()
	ctx := context.Background()
	out := map[string][]byte{}
	put := func(key string, v any) {
		b, err := json.Marshal(v)
		must(t, err)
		out[key] = b
	}
	queries := []string{"", "氮化硅陶瓷球", "坯体", "陶瓷", "氮化硅陶瓷球 坯体", "电池热管理", "高温合金", "磨削", "石斛 多糖"}
	for _, typ := range []string{index.DocChallenge, index.DocCapability} {
		for _, q := range queries {
			for _, sort := range []string{"", "newest"} {
				p, err := s.Search(ctx, a, SearchParams{Type: typ, Q: q, Sort: sort, Limit: MaxLimit})
				must(t, err)
				put(fmt.Sprintf("search %s q=%q sort=%s", typ, q, sort), p)
			}
		}
		for _, tier := range []string{"local", "hefei", "yrd", "other"} {
			p, err := s.Search(ctx, a, SearchParams{Type: typ, RegionTier: tier, Limit: MaxLimit})
			must(t, err)
			put(fmt.Sprintf("search %s tier=%s", typ, tier), p)
		}
		// The county facet is in every page above; its filter, each region
		// of the list, and the 显示已截止 switch.
		for _, r := range duijie.Regions {
			p, err := s.Search(ctx, a, SearchParams{Type: typ, Region: string(r.Code), Limit: MaxLimit})
			must(t, err)
			put(fmt.Sprintf("search %s region=%s", typ, r.Code), p)
		}
		for _, q := range []string{"", "陶瓷"} {
			p, err := s.Search(ctx, a, SearchParams{Type: typ, Q: q, Expired: true, Limit: MaxLimit})
			must(t, err)
			put(fmt.Sprintf("search %s q=%q expired", typ, q), p)
		}
	}
	// Matches both ways, of postings every reader may read in full.
	var sources []struct{ typ, id string }
	for _, id := range []string{"cap-a093", "cap-a001", "cap-a010", "cap-a050", "cap-b001", "cap-b020", "cap-b050"} {
		sources = append(sources, struct{ typ, id string }{index.DocCapability, id})
	}
	for _, id := range []string{"ch-a001", "ch-a024", "ch-b001", "ch-a030"} {
		sources = append(sources, struct{ typ, id string }{index.DocChallenge, id})
	}
	for _, src := range sources {
		for _, local := range []bool{false, true} {
			p, err := s.Matches(ctx, a, src.typ, src.id, local, 0, 25)
			must(t, err)
			for _, it := range p.Items {
				if it.Summary {
					checkRegionFree(t, it)
				}
			}
			put(fmt.Sprintf("matches %s local=%v", src.id, local), p)
		}
	}
	return out
}

// checkRegionFree: a 摘要公开 challenge's score is the sum of the parts
// shown (none of them a region), so the score tells nothing more.
func checkRegionFree(t *testing.T, it MatchItem) {
	t.Helper()
	var sum float64
	for _, p := range it.Parts {
		if p.Key == "region" {
			t.Errorf("%s: a region part shown for a 摘要公开 challenge", it.ID)
		}
		sum += p.Value
	}
	if math.Abs(sum-it.Score) > 0.0005*float64(len(it.Parts))+1e-9 {
		t.Errorf("%s: score %.4f but its parts add up to %.4f", it.ID, it.Score, sum)
	}
	for _, r := range it.Reasons {
		if strings.HasPrefix(r, "地域") {
			t.Errorf("%s: region reason %q", it.ID, r)
		}
	}
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func firstDiff(a, b []byte) int {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	return max(0, i-200)
}

func clip(b []byte) string {
	if len(b) > 600 {
		return string(b[:600]) + "…"
	}
	return string(b)
}
