package demo

import "testing"

// TestCreditCodesUnique: one organisation per 统一社会信用代码 holds for the
// demo set too (the store's unique index would refuse the import).
func TestCreditCodesUnique(t *testing.T) {
	set, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]string{}
	n := 0
	for _, o := range set.Orgs {
		if o.CreditCode == "" {
			continue
		}
		n++
		if other, ok := seen[o.CreditCode]; ok {
			t.Errorf("%s and %s share the credit code %s", other, o.ID, o.CreditCode)
		}
		seen[o.CreditCode] = o.ID
	}
	if n == 0 {
		t.Fatal("no organisation of the demo set has a credit code")
	}
}
