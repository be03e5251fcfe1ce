package sqlite

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"

	"duijie/internal/duijie"
)

// MustOpen opens a store in a temporary folder.
func MustOpen(tb testing.TB) (*DB, string) {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "duijie.db")
	db, err := Open(context.Background(), path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db, path
}

var (
	enterprise = duijie.Organization{ID: "e1", Name: "安徽淠源新能源科技有限公司", Kind: duijie.OrgEnterprise, Region: "la-jinan", CreditCode: "91341500MA2T8K3L6G"}
	institute  = duijie.Organization{ID: "i1", Name: "合肥工业大学", Short: "合工大", Kind: duijie.OrgInstitute, Region: "hefei"}
)

func sampleChallenge() duijie.Challenge {
	return duijie.Challenge{ID: "c1", OrgID: "e1", Title: "电池包液冷板优化", Problem: "快充时电芯温差过大。<script>x</script>",
		Targets: "温差≤3℃", Industry: "nev", Field: "电池热管理", Keywords: []string{"液冷板", "快充"}, BudgetMin: 80, BudgetMax: 150,
		Deadline: duijie.ParseDate("2027-06-30"), Modes: []duijie.Mode{"技术开发"}, Visibility: duijie.VisibilitySummary, TRLExpect: 6,
		Status: duijie.StatusPublished, Posted: duijie.ParseDate("2026-03-12")}
}

func TestRoundTrip(t *testing.T) {
	db, _ := MustOpen(t)
	ctx := context.Background()
	for _, o := range []duijie.Organization{enterprise, institute} {
		if err := db.PutOrganization(ctx, &o); err != nil {
			t.Fatal(err)
		}
	}
	want := sampleChallenge()
	if err := db.PutChallenge(ctx, &want); err != nil {
		t.Fatal(err)
	}
	got, err := db.Challenge(ctx, "c1")
	if err != nil {
		t.Fatal(err)
	}
	want.OrgName, want.Region = enterprise.Name, enterprise.Region
	if !reflect.DeepEqual(*got, want) {
		t.Errorf("challenge round trip:\n got %+v\nwant %+v", *got, want)
	}

	cap := duijie.Capability{ID: "p1", OrgID: "i1", Kind: duijie.KindAchievement, Title: "微通道液冷板", Description: "研制了液冷板。",
		TRL: 7, IP: []string{"发明专利 ZL2022xxxxxxxxx.x"}, Fields: []string{"储能"}, Industry: "nev", Modes: []duijie.Mode{"技术转让"},
		Team: "张教授团队", Region: "hefei", Keywords: []string{"液冷"}, Status: duijie.StatusPublished, Posted: duijie.ParseDate("2026-05-01")}
	if err := db.PutCapability(ctx, &cap); err != nil {
		t.Fatal(err)
	}
	gotCap, err := db.Capability(ctx, "p1")
	if err != nil {
		t.Fatal(err)
	}
	cap.OrgName = institute.Name
	if !reflect.DeepEqual(*gotCap, cap) {
		t.Errorf("capability round trip:\n got %+v\nwant %+v", *gotCap, cap)
	}
}

func TestNotFoundAndFailedWrites(t *testing.T) {
	db, _ := MustOpen(t)
	ctx := context.Background()
	if _, err := db.Challenge(ctx, "nope"); duijie.ErrorCode(err) != duijie.ENOTFOUND {
		t.Errorf("missing challenge: %v, want ENOTFOUND", err)
	}
	if _, err := db.Capability(ctx, "nope"); duijie.ErrorCode(err) != duijie.ENOTFOUND {
		t.Errorf("missing capability: %v, want ENOTFOUND", err)
	}
	// A challenge of an unknown organisation violates the foreign key: nothing
	// is written, not even the outbox row.
	c := sampleChallenge()
	if err := db.PutChallenge(ctx, &c); err == nil {
		t.Fatal("a challenge of an unknown organisation must fail")
	}
	if ch, _ := db.Changes(ctx, "test", 10); len(ch) != 0 {
		t.Errorf("a failed write left %d outbox rows", len(ch))
	}
	if err := db.PutOrganization(ctx, &enterprise); err != nil {
		t.Fatal(err)
	}
	c.TRLExpect = 12
	if err := db.PutChallenge(ctx, &c); duijie.ErrorCode(err) != duijie.EINVALID {
		t.Errorf("TRL 12: %v, want EINVALID", err)
	}
	if _, err := db.Challenge(ctx, c.ID); duijie.ErrorCode(err) != duijie.ENOTFOUND {
		t.Errorf("an invalid challenge was stored: %v", err)
	}
}

func TestOutboxAndReopen(t *testing.T) {
	db, path := MustOpen(t)
	ctx := context.Background()
	if err := db.PutOrganization(ctx, &enterprise); err != nil {
		t.Fatal(err)
	}
	c := sampleChallenge()
	for _, title := range []string{"一", "二", "三"} {
		c.Title = title
		if err := db.PutChallenge(ctx, &c); err != nil {
			t.Fatal(err)
		}
	}
	changes, err := db.Changes(ctx, "test", 10)
	if err != nil || len(changes) != 3 || changes[0].DocType != "challenge" || changes[2].ID <= changes[0].ID {
		t.Fatalf("changes %+v, %v", changes, err)
	}
	if err := db.MarkApplied(ctx, "test", changes[1].ID); err != nil {
		t.Fatal(err)
	}
	db.Close()

	// Reopen: migrations do not run twice, the data and the progress stay.
	db2, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	rest, err := db2.Changes(ctx, "test", 10)
	if err != nil || len(rest) != 1 || rest[0].ID != changes[2].ID {
		t.Fatalf("after reopen: %+v, %v", rest, err)
	}
	got, err := db2.Challenge(ctx, "c1")
	if err != nil || got.Title != "三" {
		t.Fatalf("after reopen: %+v, %v", got, err)
	}
	if err := db2.ResetApplied(ctx, "test"); err != nil {
		t.Fatal(err)
	}
	if all, _ := db2.Changes(ctx, "test", 10); len(all) != 3 {
		t.Errorf("after reset: %d changes, want 3", len(all))
	}
}
