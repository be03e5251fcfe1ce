package timetable

import (
	"context"
	"testing"
)

func TestTimetableInvariantsSmoke(t *testing.T) {
	p := Generate(1, DefaultGenConfig)
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	for name, s := range map[string]Schedule{"greedy": Greedy(p), "solve": Solve(context.Background(), p)} {
		if vs := p.Check(s); len(vs) > 0 {
			t.Fatalf("%s: %v", name, vs)
		}
		t.Logf("%s: pairs %d %+v", name, len(p.Pairs), p.Stats(s))
	}
}
