package workflow_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"duijie/internal/duijie"
	"duijie/internal/sqlite"
	"duijie/internal/workflow"
)

func TestContracts(t *testing.T) {
	e := newEnv(t)
	st := e.stager()
	ctx, broker := e.ctx, e.user("jingjiren")
	today := duijie.ParseDate(e.clock.Now().Format(duijie.DateLayout))

	t.Run("signed then registered", func(t *testing.T) {
		id := st.at(duijie.StageNegotiating)
		// The lead gave it to another broker: the contract counts for that one.
		must(t, e.db.SetBrokerScope(ctx, e.user("kezhang").User.ID, sqlite.BrokerScope{Lead: true}))
		must(t, e.wf.Assign(ctx, e.user("kezhang"), id, e.user("jingjiren2").User.ID))
		n := e.intro(id)
		c := &duijie.Contract{IntroID: id, Type: duijie.ContractDevelopment, Title: " 液冷板流道优化技术开发合同 ",
			Amount: 1_234_567, LocalAmount: 1_234_568, Signed: today}
		wantCode(t, "an enterprise records", e.wf.RecordContract(ctx, e.user("qiye"), c), duijie.EFORBIDDEN)
		wantField(t, "local amount over amount", e.wf.RecordContract(ctx, broker, c), "local_amount")
		if got := e.intro(id); got.Stage != duijie.StageNegotiating {
			t.Fatalf("an invalid contract moved it to %s", got.Stage)
		}
		c.LocalAmount = 1_000_000
		e.clock.Add(time.Hour)
		must(t, e.wf.RecordContract(ctx, broker, c))
		got, err := e.wf.Contract(ctx, broker, c.ID)
		must(t, err)
		want := duijie.Contract{ID: c.ID, IntroID: id, ChallengeID: n.ChallengeID, CapabilityID: n.CapabilityID,
			Type: duijie.ContractDevelopment, Title: "液冷板流道优化技术开发合同", Buyer: "安徽淠源新能源科技有限公司", Seller: "皖西学院",
			BuyerOrgID: "ent-a01", SellerOrgID: "inst-wxc", Amount: 1_234_567, LocalAmount: 1_000_000, Signed: today,
			BrokerID: e.user("jingjiren2").User.ID, CreatedBy: broker.User.ID, Created: e.clock.Now()}
		if *got != want {
			t.Errorf("contract stored as\n%+v\nwant\n%+v", *got, want)
		}
		after := e.intro(id)
		if after.Stage != duijie.StageSigned || !after.Due.IsZero() {
			t.Errorf("after the contract: %s due %v", after.Stage, after.Due)
		}
		bv := e.get("jingjiren", id)
		if bv.Contract == nil || bv.Contract.ID != c.ID {
			t.Errorf("the view's contract: %+v", bv.Contract)
		}
		evs := bv.Events
		if len(evs) < 2 || evs[len(evs)-2].Kind != duijie.EventContract || !strings.Contains(evs[len(evs)-2].Note, "金额 123.46 万元") ||
			kinds(evs[len(evs)-1:])[0] != "stage:negotiating>signed:::" {
			t.Errorf("timeline ends %q / %q", kinds(evs), evs[len(evs)-2].Note)
		}
		for _, who := range []string{"qiye", "yuansuo"} {
			if ss := subjects(e.inbox(who), duijie.MsgStage); len(ss) == 0 || !strings.HasSuffix(ss[0], "已签约") {
				t.Errorf("%s told %q", who, ss)
			}
		}
		if !e.audited(workflow.AuditContract, "contract:"+c.ID) {
			t.Error("the contract is not audited")
		}
		// One contract per introduction.
		again := &duijie.Contract{IntroID: id, Type: duijie.ContractService, Title: "第二份", Amount: 10, Signed: today}
		wantCode(t, "a second contract", e.wf.RecordContract(ctx, broker, again), duijie.ECONFLICT)
		// Registration.
		wantField(t, "no registration number", e.wf.RegisterContract(ctx, broker, c.ID, " ", today), "reg_no")
		wantField(t, "registered before signed", e.wf.RegisterContract(ctx, broker, c.ID, "2026340015000001", today.AddDate(0, 0, -1)), "registered")
		wantField(t, "bad number", e.wf.RegisterContract(ctx, broker, c.ID, "第1号", today), "reg_no")
		wantCode(t, "an institute registers", e.wf.RegisterContract(ctx, e.user("yuansuo"), c.ID, "2026340015000001", today), duijie.EFORBIDDEN)
		wantCode(t, "an unknown contract", e.wf.RegisterContract(ctx, broker, "ct-nosuch", "2026340015000001", today), duijie.ENOTFOUND)
		e.clock.Add(time.Hour)
		must(t, e.wf.RegisterContract(ctx, broker, c.ID, " 2026340015000001 ", today))
		if got := e.intro(id); got.Stage != duijie.StageRegistered {
			t.Errorf("after registration: %s", got.Stage)
		}
		got, err = e.wf.Contract(ctx, broker, c.ID)
		must(t, err)
		if got.RegNo != "2026340015000001" || !got.Registered.Equal(today) {
			t.Errorf("registered as %q %v", got.RegNo, got.Registered)
		}
		if k := kinds(e.get("jingjiren", id).Events); k[len(k)-1] != "stage:signed>registered:::" {
			t.Errorf("timeline %q", k)
		}
		if !e.audited(workflow.AuditContractReg, "contract:"+c.ID) {
			t.Error("the registration is not audited")
		}
		wantCode(t, "registered twice", e.wf.RegisterContract(ctx, broker, c.ID, "2026340015000002", today), duijie.ECONFLICT)
	})

	t.Run("registered at once", func(t *testing.T) {
		id := st.at(duijie.StageConfirmed) // straight from 双方确认
		c := &duijie.Contract{IntroID: id, Type: duijie.ContractTransfer, Title: "专利转让合同", Amount: 300_000,
			Signed: today, RegNo: "2026340015000001", Registered: today}
		wantCode(t, "a registration number in use", e.wf.RecordContract(ctx, broker, c), duijie.ECONFLICT)
		if got := e.intro(id); got.Stage != duijie.StageConfirmed {
			t.Fatalf("a refused contract moved it to %s", got.Stage)
		}
		c.RegNo = "2026340015000003"
		must(t, e.wf.RecordContract(ctx, broker, c))
		if got := e.intro(id); got.Stage != duijie.StageRegistered {
			t.Errorf("recorded with a number: %s", got.Stage)
		}
		if k := kinds(e.get("jingjiren", id).Events); k[len(k)-1] != "stage:confirmed>registered:::" {
			t.Errorf("timeline %q", k)
		}
		wantCode(t, "registering it again", e.wf.RegisterContract(ctx, broker, c.ID, "2026340015000004", today), duijie.ECONFLICT)
	})

	t.Run("only at 双方确认 or 洽谈中", func(t *testing.T) {
		for _, s := range []duijie.Stage{duijie.StageQueued, duijie.StageRecommended, duijie.StageEnded, duijie.StageSigned, duijie.StageRegistered} {
			id := st.at(s)
			c := &duijie.Contract{IntroID: id, Type: duijie.ContractConsulting, Title: "技术咨询合同", Amount: 20_000, Signed: today}
			wantCode(t, string(s), e.wf.RecordContract(ctx, broker, c), duijie.ECONFLICT)
			if got := e.intro(id); got.Stage != s {
				t.Errorf("%s moved to %s", s, got.Stage)
			}
		}
		c := &duijie.Contract{IntroID: "in-nosuch", Type: duijie.ContractConsulting, Title: "x", Amount: 1, Signed: today}
		wantCode(t, "unknown introduction", e.wf.RecordContract(ctx, broker, c), duijie.ENOTFOUND)
	})

	t.Run("standalone", func(t *testing.T) {
		c := &duijie.Contract{ChallengeID: chOther, CapabilityID: capAIITLA, Type: duijie.ContractService, Title: "焊接工艺技术服务",
			Amount: 88_000, LocalAmount: 88_000, Signed: today}
		must(t, e.wf.RecordContract(ctx, e.user("jingjiren2"), c))
		got, err := e.wf.Contract(ctx, broker, c.ID)
		must(t, err)
		if got.IntroID != "" || got.BuyerOrgID != "ent-a02" || got.SellerOrgID != "inst-aiitla" || got.Buyer != "六安市骏驰电动车辆有限公司" ||
			got.Seller == "" || got.BrokerID != e.user("jingjiren2").User.ID {
			t.Errorf("standalone contract stored as %+v", got)
		}
		for _, tc := range []struct {
			name  string
			c     duijie.Contract
			field string
		}{
			{"unknown challenge", duijie.Contract{ChallengeID: "ch-nosuch", Type: duijie.ContractService, Title: "x", Buyer: "甲", Seller: "乙", Amount: 1, Signed: today}, "challenge"},
			{"unknown capability", duijie.Contract{CapabilityID: "cap-nosuch", Type: duijie.ContractService, Title: "x", Buyer: "甲", Seller: "乙", Amount: 1, Signed: today}, "capability"},
			{"no posting", duijie.Contract{Type: duijie.ContractService, Title: "x", Buyer: "甲", Seller: "乙", Amount: 1, Signed: today}, "posting"},
			{"no seller", duijie.Contract{ChallengeID: chOther, Type: duijie.ContractService, Title: "x", Amount: 1, Signed: today}, "seller"},
		} {
			wantField(t, tc.name, e.wf.RecordContract(ctx, broker, &tc.c), tc.field)
		}
	})

	t.Run("list", func(t *testing.T) {
		cs, total, sum, err := e.wf.Contracts(ctx, broker, 0, 100)
		must(t, err)
		var amounts []int64
		var want int64
		for _, c := range cs {
			amounts = append(amounts, c.Amount)
			want += c.Amount
		}
		slices.Sort(amounts)
		// 2 in "signed then registered" and "registered at once", one for
		// each signed/registered stage made in "only at", the standalone one.
		if total != len(cs) || total != 5 || sum != want || !slices.Contains(amounts, 1_234_567) || !slices.Contains(amounts, 88_000) {
			t.Errorf("contracts: %d listed, total %d, sum %d (%s 万元), amounts %v", len(cs), total, sum, duijie.Yuan(sum), amounts)
		}
		for _, who := range []string{"qiye", "yuansuo", "xitong"} {
			_, _, _, err := e.wf.Contracts(ctx, e.user(who), 0, 10)
			wantCode(t, who+" lists contracts", err, duijie.EFORBIDDEN)
			_, err = e.wf.Contract(ctx, e.user(who), cs[0].ID)
			wantCode(t, who+" reads a contract", err, duijie.EFORBIDDEN)
		}
	})
}

// TestContractAmountsAreIntegers: the store keeps amounts as integers of
// 元 and refuses anything else, whatever the service lets through.
func TestContractAmountsAreIntegers(t *testing.T) {
	e := newEnv(t)
	broker := e.user("jingjiren")
	today := duijie.ParseDate(e.clock.Now().Format(duijie.DateLayout))
	big := &duijie.Contract{ChallengeID: chPublic, Type: duijie.ContractDevelopment, Title: "大额合同", Seller: "皖西学院", Amount: duijie.MaxAmount,
		LocalAmount: duijie.MaxAmount - 1, Signed: today}
	must(t, e.wf.RecordContract(e.ctx, broker, big))
	got, err := e.wf.Contract(e.ctx, broker, big.ID)
	must(t, err)
	if got.Amount != duijie.MaxAmount || got.LocalAmount != duijie.MaxAmount-1 || duijie.Yuan(got.Amount) != "1000000.00" {
		t.Errorf("amounts read back as %d / %d", got.Amount, got.LocalAmount)
	}
	// Past the service: a store write with a local amount over the amount
	// fails on the table's CHECK.
	bad := *big
	bad.ID, bad.LocalAmount = "ct-bad", bad.Amount+1
	if err := e.db.RecordContract(e.ctx, &bad, nil, time.Time{}, nil, nil); err == nil {
		t.Error("the store took a local amount over the amount")
	}
}
