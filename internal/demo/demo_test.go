package demo

import (
	"testing"

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
