package envoys

import (
	"context"
	"strings"
	"sync"
	"testing"

	"duijie/internal/duijie"
)

// A first visit version takes no correction note: whatever comes with it
// (a forged form field, any size, any characters) is not stored, since
// versions are append-only and an unchecked text could never be removed.
// A correction's note is checked like every other text field.
func TestVisitNoteNeverStoredUnchecked(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	as := e.assign(t, e.envoy, "e1", "", "", "2026-01-01")
	for _, note := range []string{"\u202e伪造的更正原因", "bad\xffutf8", strings.Repeat("长", 100_000)} {
		v := &duijie.Visit{AssignmentID: as.ID, On: day("2026-04-08"), Topic: "茶园病虫害绿色防控", Findings: "虫害重。", Note: note}
		must(t, e.svc.LogVisit(ctx, e.envoy, v))
		versions, err := e.db.VisitVersions(ctx, v.ID)
		must(t, err)
		if len(versions) != 1 || versions[0].Note != "" {
			t.Errorf("first version stored the note %.40q", versions[0].Note)
		}
	}
	v := e.visit(t, e.envoy, as.ID, "2026-04-08")
	for _, c := range []struct{ note, text string }{
		{"日期\u202e记错", "不可见的排版控制字符"},
		{"日期\u2066记错", "不可见的排版控制字符"},
		{"日期\xff记错", "无法识别的字符"},
		{"日期\x1b[31m记错", "无法识别的字符"},
		{strings.Repeat("长", duijie.MaxVisitNote+1), "不能超过 200 个字"},
	} {
		fix := &duijie.Visit{ID: v.ID, Version: 1, On: day("2026-04-09"), Topic: "更正", Findings: "更正。", Note: c.note}
		wantCode(t, e.svc.CorrectVisit(ctx, e.envoy, fix), duijie.EINVALID, "note", c.text)
	}
	// Visits' other texts refuse the same characters.
	bad := &duijie.Visit{AssignmentID: as.ID, On: day("2026-04-08"), Topic: "茶园\u202e防控", Findings: "虫害\x00重。"}
	err := e.svc.LogVisit(ctx, e.envoy, bad)
	wantCode(t, err, duijie.EINVALID, "topic", "不可见的排版控制字符")
	wantCode(t, err, duijie.EINVALID, "findings", "无法识别的字符")
}

// The reason an enterprise gives for returning a draft reaches the envoy
// and the audit log: checked like every other text field.
func TestReturnNoteChecked(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	as := e.assign(t, e.envoy, "e1", "", "", "2026-01-01")
	v := e.visit(t, e.envoy, as.ID, "2026-04-08")
	c := draft("茶园绿色防控技术需求")
	must(t, e.svc.DraftChallenge(ctx, e.envoy, v.ID, c))
	for _, x := range []struct{ note, text string }{
		{" ", "请填写退回原因"},
		{"\u202e要不需", "不可见的排版控制字符"},
		{"不需要\u200b了", "不可见的排版控制字符"},
		{"不需要\xff", "无法识别的字符"},
		{"不需要\x1b[2J", "无法识别的字符"},
		{strings.Repeat("长", MaxReturnNote+1), "不能超过 500 个字"},
	} {
		wantCode(t, e.svc.Return(ctx, e.ent1, c.ID, x.note), duijie.EINVALID, "note", x.text)
	}
	o, err := e.db.ChallengeOrigin(ctx, c.ID)
	must(t, err)
	if o.State != duijie.OriginAwaiting {
		t.Fatalf("a refused return changed the draft: %s", o.State)
	}
	must(t, e.svc.Return(ctx, e.ent1, c.ID, strings.Repeat("长", MaxReturnNote)))
}

// Two members at once, confirming and returning the same draft: exactly
// one wins, the others get a conflict, and the draft ends either
// published and confirmed or closed and returned, never half of each.
func TestConfirmReturnRace(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	as := e.assign(t, e.envoy, "e1", "", "", "2026-01-01")
	v := e.visit(t, e.envoy, as.ID, "2026-04-08")
	for round := 0; round < 5; round++ {
		c := draft("茶园绿色防控技术需求")
		must(t, e.svc.DraftChallenge(ctx, e.envoy, v.ID, c))
		const n = 8
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if i%2 == 0 {
					errs[i] = e.svc.Confirm(ctx, e.ent1, c.ID)
				} else {
					errs[i] = e.svc.Return(ctx, e.ent1, c.ID, "不需要了")
				}
			}()
		}
		wg.Wait()
		won := -1
		for i, err := range errs {
			switch duijie.ErrorCode(err) {
			case "":
				if won >= 0 {
					t.Fatalf("round %d: both %d and %d succeeded", round, won, i)
				}
				won = i
			case duijie.ECONFLICT:
			default:
				t.Fatalf("round %d: %d: %v", round, i, err)
			}
		}
		if won < 0 {
			t.Fatalf("round %d: nobody won: %v", round, errs)
		}
		o, err := e.db.ChallengeOrigin(ctx, c.ID)
		must(t, err)
		stored, err := e.db.Challenge(ctx, c.ID)
		must(t, err)
		confirmed := o.State == duijie.OriginConfirmed && stored.Status == duijie.StatusPublished && !o.Confirmed.IsZero() && o.Returned.IsZero()
		returned := o.State == duijie.OriginReturned && stored.Status == duijie.StatusClosed && o.Confirmed.IsZero() && stored.Posted.IsZero()
		if won%2 == 0 && !confirmed || won%2 == 1 && !returned {
			t.Fatalf("round %d: winner %d, origin %+v, challenge %s", round, won, o, stored.Status)
		}
	}
}

// The store checks again, in the transaction that stores the draft, that
// the visit is the envoy's at that enterprise and that the envoy still
// serves it: an assignment a broker ends between the service's check and
// the write refuses the draft.
func TestDraftRefusedInTheWriteOnceUnassigned(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	as := e.assign(t, e.envoy, "e1", "", "", "2026-01-01")
	other := e.assign(t, e.envoy2, "e2", "", "", "2026-01-01")
	v := e.visit(t, e.envoy, as.ID, "2026-04-08")
	ov := e.visit(t, e.envoy2, other.ID, "2026-04-08")
	store := func(org, envoy, visit string) error {
		c := draft("茶园绿色防控技术需求")
		c.ID, c.OrgID, c.Status = duijie.NewID("ch-"), org, duijie.StatusDraft
		return e.db.CreateOnBehalf(ctx, c, &duijie.ChallengeOrigin{ChallengeID: c.ID, EnvoyID: envoy, VisitID: visit, Created: testNow}, nil)
	}
	must(t, store("e1", "v1", v.ID))
	// Another envoy's visit, or a visit to another enterprise.
	wantCode(t, store("e1", "v1", ov.ID), duijie.EFORBIDDEN, "", "")
	wantCode(t, store("e2", "v1", v.ID), duijie.EFORBIDDEN, "", "")
	// Ended meanwhile.
	must(t, e.svc.EndAssignment(ctx, e.broker, as.ID))
	wantCode(t, store("e1", "v1", v.ID), duijie.EFORBIDDEN, "", "")
	list, err := e.svc.Drafted(ctx, e.envoy)
	must(t, err)
	if len(list) != 1 {
		t.Errorf("%d drafts stored, want 1", len(list))
	}
}

// Confirming checks the enterprise's registration and the deadline in the
// transaction that publishes: a registration suspended or a deadline that
// passed between the service's read and the write refuses it, and the
// draft keeps waiting.
func TestConfirmChecksInTheWrite(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	as := e.assign(t, e.envoy, "e1", "", "", "2026-01-01")
	v := e.visit(t, e.envoy, as.ID, "2026-04-08")
	c := draft("茶园绿色防控技术需求")
	c.Deadline = day("2026-04-20")
	must(t, e.svc.DraftChallenge(ctx, e.envoy, v.ID, c))
	waiting := func() {
		t.Helper()
		o, err := e.db.ChallengeOrigin(ctx, c.ID)
		must(t, err)
		stored, err := e.db.Challenge(ctx, c.ID)
		must(t, err)
		if o.State != duijie.OriginAwaiting || stored.Status != duijie.StatusDraft {
			t.Fatalf("refused confirmation changed the draft: %s %s", o.State, stored.Status)
		}
	}
	// The deadline has passed by the day of the write.
	err := e.db.ConfirmOnBehalf(ctx, c.ID, "e1", "ue1", testNow.AddDate(0, 0, 11), nil)
	wantCode(t, err, duijie.ECONFLICT, "", "")
	if !strings.Contains(err.Error(), "截止日期已过") {
		t.Errorf("message %v", err)
	}
	waiting()
	// The registration was suspended meanwhile.
	must(t, e.db.SetOrgStatus(ctx, "e1", duijie.OrgPending))
	wantCode(t, e.db.ConfirmOnBehalf(ctx, c.ID, "e1", "ue1", testNow, nil), duijie.EFORBIDDEN, "", "")
	wantCode(t, e.svc.Confirm(ctx, e.ent1, c.ID), duijie.EFORBIDDEN, "", "")
	waiting()
	// Another enterprise's id in the write finds nothing.
	must(t, e.db.SetOrgStatus(ctx, "e1", duijie.OrgApproved))
	wantCode(t, e.db.ConfirmOnBehalf(ctx, c.ID, "e2", "ue2", testNow, nil), duijie.ENOTFOUND, "", "")
	waiting()
	must(t, e.svc.Confirm(ctx, e.ent1, c.ID))
}
