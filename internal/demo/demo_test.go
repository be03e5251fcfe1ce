package demo

import (
	"slices"
	"testing"
	"time"

	"duijie/internal/duijie"
)

// TestDemoSetIsValid: the demo set passes the same rules as user input.
func TestDemoSetIsValid(t *testing.T) {
	set, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[duijie.OrgKind]int{}
	institutes := map[string]bool{}
	for i := range set.Orgs {
		o := &set.Orgs[i]
		kinds[o.Kind]++
		if err := o.Validate(); err != nil {
			t.Errorf("organisation %s: %v %v", o.ID, err, err.(*duijie.Error).Fields)
		}
	}
	for i := range set.Challenges {
		if err := set.Challenges[i].Validate(); err != nil {
			t.Errorf("challenge %s: %v %v", set.Challenges[i].ID, err, err.(*duijie.Error).Fields)
		}
	}
	for i := range set.Capabilities {
		c := &set.Capabilities[i]
		institutes[c.OrgID] = true
		if err := c.Validate(); err != nil {
			t.Errorf("capability %s: %v %v", c.ID, err, err.(*duijie.Error).Fields)
		}
	}
	if len(set.Challenges) < 80 || len(set.Capabilities) < 200 || len(institutes) < 15 || kinds[duijie.OrgBureau] != 1 {
		t.Errorf("demo set: %d challenges, %d capabilities, %d institutes with postings, %d bureaus",
			len(set.Challenges), len(set.Capabilities), len(institutes), kinds[duijie.OrgBureau])
	}
}

// TestShift: a portal started after AsOf shows the set as on AsOf: the
// same challenges open, the same expired, every date moved by the same
// days; started on or before AsOf, nothing moves.
func TestShift(t *testing.T) {
	open := func(s *Set, today time.Time) (ids []string) {
		for _, c := range s.Challenges {
			if !c.Expired(today) {
				ids = append(ids, c.ID)
			}
		}
		return ids
	}
	asWritten, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	want := open(asWritten, AsOf)
	if len(want) == 0 || len(want) == len(asWritten.Challenges) {
		t.Fatalf("%d of %d challenges open on AsOf: the set should have open ones and 已截止 examples", len(want), len(asWritten.Challenges))
	}
	for _, today := range []time.Time{AsOf.AddDate(0, 0, -30), AsOf, AsOf.AddDate(0, 1, 3), AsOf.AddDate(3, 0, 0)} {
		s, err := Load()
		if err != nil {
			t.Fatal(err)
		}
		days := Since(today)
		s.Shift(days)
		if !today.After(AsOf) && days != 0 {
			t.Errorf("%s: shifted %d days before AsOf", today.Format("2006-01-02"), days)
		}
		if got := open(s, today); today.After(AsOf) && !slices.Equal(got, want) {
			t.Errorf("%s: open %v, want %v", today.Format("2006-01-02"), got, want)
		}
		for i, c := range s.Challenges {
			if d := c.Posted.Sub(asWritten.Challenges[i].Posted); d != time.Duration(days)*24*time.Hour {
				t.Errorf("%s: %s posted moved %v, want %d days", today.Format("2006-01-02"), c.ID, d, days)
				break
			}
		}
		for i, c := range s.Capabilities {
			if today.After(AsOf) && c.Posted.After(today) {
				t.Errorf("%s: %s posted %s, after today", today.Format("2006-01-02"), c.ID, c.Posted.Format("2006-01-02"))
				break
			}
			if d := c.Posted.Sub(asWritten.Capabilities[i].Posted); d != time.Duration(days)*24*time.Hour {
				t.Errorf("%s: %s posted moved %v", today.Format("2006-01-02"), c.ID, d)
				break
			}
		}
	}
}
