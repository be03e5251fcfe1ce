package sqlite

import (
	"context"
	"strings"
	"testing"

	"duijie/internal/duijie"
)

// envoyStore is a store with an enterprise, an envoy and a broker, the
// envoy assigned to the enterprise, and one visit.
func envoyStore(t *testing.T) *DB {
	t.Helper()
	ctx := context.Background()
	db, _ := MustOpen(t)
	must(t, db.PutOrganization(ctx, &enterprise))
	for _, u := range []duijie.User{
		{ID: "v1", Username: "tepai", Role: duijie.RoleEnvoy},
		{ID: "b1", Username: "zhang", Role: duijie.RoleBroker},
	} {
		must(t, db.CreateUser(ctx, &u, "hash"))
	}
	must(t, db.CreateAssignment(ctx, &duijie.Assignment{ID: "a1", EnvoyID: "v1", OrgID: "e1", Since: duijie.ParseDate("2026-01-01"),
		AssignedBy: "b1", Created: clock0}))
	must(t, db.CreateVisit(ctx, &duijie.Visit{ID: "w1", AssignmentID: "a1", EnvoyID: "v1", OrgID: "e1", Region: "la-jinan",
		On: duijie.ParseDate("2026-03-02"), Topic: "走访", Findings: "发现。", Created: clock0, Updated: clock0, UpdatedBy: "v1"}))
	return db
}

// TestVisitVersionsAppendOnly: what an envoy logged is never changed or
// removed in place; a correction is a new version.
func TestVisitVersionsAppendOnly(t *testing.T) {
	db := envoyStore(t)
	ctx := context.Background()
	for _, q := range []string{
		`UPDATE visit_versions SET topic = '改写' WHERE visit_id = 'w1'`,
		`DELETE FROM visit_versions WHERE visit_id = 'w1'`,
		`DELETE FROM visits WHERE id = 'w1'`,
	} {
		if _, err := db.w.ExecContext(ctx, q); err == nil || !strings.Contains(err.Error(), "never") && !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v", q, err)
		}
	}
	must(t, db.CorrectVisit(ctx, &duijie.Visit{ID: "w1", Version: 2, On: duijie.ParseDate("2026-03-03"), Topic: "走访（更正）",
		Findings: "发现。", Note: "日期", Updated: clock0, UpdatedBy: "v1"}))
	vs, err := db.VisitVersions(ctx, "w1")
	must(t, err)
	if len(vs) != 2 || vs[0].Version != 2 || vs[1].Topic != "走访" || vs[0].Created != vs[1].Created {
		t.Errorf("versions %+v", vs)
	}
	// A correction from a stale read, and one of a visit that is not there.
	err = db.CorrectVisit(ctx, &duijie.Visit{ID: "w1", Version: 2, On: duijie.ParseDate("2026-03-03"), Topic: "x", Findings: "y", Updated: clock0, UpdatedBy: "v1"})
	if duijie.ErrorCode(err) != duijie.ECONFLICT {
		t.Errorf("stale correction: %v", err)
	}
	err = db.CorrectVisit(ctx, &duijie.Visit{ID: "nope", Version: 2, Updated: clock0, UpdatedBy: "v1"})
	if duijie.ErrorCode(err) != duijie.ENOTFOUND {
		t.Errorf("missing visit: %v", err)
	}
	v, err := db.Visit(ctx, "w1")
	must(t, err)
	if v.Version != 2 || v.OrgName != enterprise.Name || v.EnvoyName != "tepai" {
		t.Errorf("visit %+v", v)
	}
}

// TestEnvoyAssignmentRows: an assignment is to an enterprise or a
// village, never both; one open assignment per envoy and place.
func TestEnvoyAssignmentRows(t *testing.T) {
	db := envoyStore(t)
	ctx := context.Background()
	if _, err := db.w.ExecContext(ctx, `INSERT INTO envoy_assignments (id, envoy_id, org_id, village, region, since, assigned_by, created_at)
		VALUES ('a2', 'v1', 'e1', '石门村', 'la-huoshan', '2026-01-01', 'b1', '')`); err == nil {
		t.Error("an assignment to an enterprise and a village was stored")
	}
	again := &duijie.Assignment{ID: "a3", EnvoyID: "v1", OrgID: "e1", Since: duijie.ParseDate("2026-02-01"), AssignedBy: "b1", Created: clock0}
	if err := db.CreateAssignment(ctx, again); duijie.ErrorCode(err) != duijie.ECONFLICT {
		t.Errorf("second open assignment: %v", err)
	}
	must(t, db.EndAssignment(ctx, "a1", "2026-04-01", "b1"))
	must(t, db.CreateAssignment(ctx, again))
	open, err := db.Assignments(ctx, AssignmentFilter{EnvoyID: "v1", Open: true})
	must(t, err)
	if len(open) != 1 || open[0].ID != "a3" || open[0].Region != "la-jinan" {
		t.Errorf("open assignments %+v", open)
	}
	// Ending before the start clamps to the start.
	must(t, db.EndAssignment(ctx, "a3", "2026-01-15", "b1"))
	a, err := db.Assignment(ctx, "a3")
	must(t, err)
	if a.Until.Format(duijie.DateLayout) != "2026-02-01" {
		t.Errorf("ended on %v", a.Until)
	}
}
