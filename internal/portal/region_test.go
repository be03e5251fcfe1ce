package portal

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"

	"duijie/internal/auth"
	"duijie/internal/duijie"
	"duijie/internal/indexer"
	"duijie/internal/sqlite"
)

// TestFirstBrokerOnAnEmptyStore: without the demo set, the first broker
// an administrator makes brings the bureau's organisation with it (its
// region is the system's text, which the region list does not refuse
// for the bureau).
func TestFirstBrokerOnAnEmptyStore(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := sqlite.Open(ctx, filepath.Join(dir, "duijie.db"))
	must(t, err)
	defer db.Close()
	ix, err := indexer.OpenMemIndexes()
	must(t, err)
	defer ix.Close()
	s, err := New(ctx, db, ix, auth.NewHasher(auth.Params{Memory: 64, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}, 1),
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	must(t, err)
	_, err = s.FirstAdmin(ctx, func(Login) error { return nil })
	must(t, err)
	admin, _, err := db.UserByUsername(ctx, "admin")
	must(t, err)
	u := &duijie.User{Username: "broker1", DisplayName: "经纪人", Role: duijie.RoleBroker}
	if _, err := s.CreateUser(ctx, Actor{User: admin}, u); err != nil {
		t.Fatalf("first broker: %v", err)
	}
	if u.OrgID == "" {
		t.Error("the broker belongs to no organisation")
	}
}
