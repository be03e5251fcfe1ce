package sqlite

import (
	"context"
	"testing"
)

func TestOutboxLag(t *testing.T) {
	db, _ := MustOpen(t)
	ctx := context.Background()
	n, oldest, err := db.OutboxLag(ctx, "bleve")
	if err != nil || n != 0 || !oldest.IsZero() {
		t.Fatalf("empty outbox: %d %v %v", n, oldest, err)
	}
	rawExec(t, db, `INSERT INTO outbox (doc_type, doc_id, created_at) VALUES ('challenge', 'a', ?), ('challenge', 'b', ?), ('capability', 'c', ?)`,
		stampOf(clock0), stampOf(clock0.Add(1)), stampOf(clock0.Add(2)))
	var first int64
	must(t, db.r.QueryRowContext(ctx, `SELECT min(id) FROM outbox`).Scan(&first))
	must(t, db.MarkApplied(ctx, "bleve", first))
	n, oldest, err = db.OutboxLag(ctx, "bleve")
	if err != nil || n != 2 || !oldest.Equal(clock0.Add(1)) {
		t.Fatalf("after the first applied: %d %v %v", n, oldest, err)
	}
	db.Close()
	if _, _, err := db.OutboxLag(ctx, "bleve"); err == nil {
		t.Fatal("a closed store answered")
	}
}
