package duijie

import (
	"strings"
	"testing"
	"time"
)

func TestRegionList(t *testing.T) {
	seen := map[Region]bool{}
	for _, r := range Regions {
		if seen[r.Code] {
			t.Errorf("%s twice", r.Code)
		}
		seen[r.Code] = true
		if !r.Code.Valid() || r.Code.Label() != r.Label || r.Code.String() != r.Label || r.Label == "" || r.Short == "" {
			t.Errorf("%s: label %q short %q", r.Code, r.Label, r.Short)
		}
		if r.Code.Tier() != r.Tier {
			t.Errorf("%s: tier %s, want %s", r.Code, r.Code.Tier(), r.Tier)
		}
		if got, ok := ParseRegion(r.Label); !ok || got != r.Code {
			t.Errorf("the label %s parses as %q %v, want %s", r.Label, got, ok, r.Code)
		}
		if got, ok := ParseRegion(string(r.Code)); !ok || got != r.Code {
			t.Errorf("the code %s parses as %q", r.Code, got)
		}
	}
	counties := 0
	for _, r := range Regions {
		if r.Code.County() {
			counties++
		}
	}
	if counties != 9 { // 3 districts, 4 counties, 2 zones
		t.Errorf("%d regions of 六安, want 9", counties)
	}
}

func TestRegionOfText(t *testing.T) {
	tests := []struct {
		text string
		want Region
		ok   bool
	}{
		{"安徽省六安市霍山县", "la-huoshan", true},
		{"安徽省六安市金安区", "la-jinan", true},
		{"六安市裕安区", "la-yuan", true},
		{"叶集区", "la-yeji", true},
		{"安徽省六安市舒城县", "la-shucheng", true},
		{"霍邱县", "la-huoqiu", true},
		{"金寨县", "la-jinzhai", true},
		{"安徽省六安市六安经济技术开发区", "la-etdz", true},
		{"六安经开区", "la-etdz", true},
		{"安徽省六安市六安高新技术产业开发区", "la-hitech", true},
		{"安徽省六安市", "", false}, // which county?
		{"六安", "", false},
		{"安徽省合肥市蜀山区", "hefei", true},
		{"安徽省合肥市经济技术开发区", "hefei", true}, // 合肥's zone, not 六安's
		{"安徽省马鞍山市", "anhui", true},
		{"淮南市", "anhui", true},
		{"黄山市", "anhui", true}, // not 霍山
		{"上海市闵行区", "shanghai", true},
		{"江苏省南京市", "jiangsu", true},
		{"无锡市", "jiangsu", true},
		{"浙江省宁波市", "zhejiang", true},
		{"杭州", "zhejiang", true},
		{"北京市海淀区", "other", true},
		{"广东省深圳市", "other", true},
		{"  ", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := ParseRegion(tt.text)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseRegion(%q) = %q %v, want %q %v", tt.text, got, ok, tt.want, tt.ok)
		}
		// A mapped region keeps the tier the free text had.
		if ok && got.Tier() != RegionTier(tt.text) {
			t.Errorf("%q: tier %s, the text's %s", tt.text, got.Tier(), RegionTier(tt.text))
		}
	}
}

func TestRegionLegacyText(t *testing.T) {
	r := Region("安徽省六安市")
	if r.Valid() || r.Label() != "安徽省六安市" || r.Tier() != TierLocal || r.County() {
		t.Errorf("legacy text: valid %v label %q tier %s county %v", r.Valid(), r.Label(), r.Tier(), r.County())
	}
	if Region("").Tier() != "" || Region("").Label() != "" {
		t.Error("an unknown region has a tier or a label")
	}
}

func TestRegionValidate(t *testing.T) {
	org := func(r Region) *Organization {
		return &Organization{Name: "皖西学院", Kind: OrgInstitute, Region: r}
	}
	checkValidation(t, org("la-yuan").Validate(), "", "")
	checkValidation(t, org("").Validate(), "region", "请选择所在地区")
	checkValidation(t, org("安徽省六安市裕安区").Validate(), "region", "不支持的地区：安徽省六安市裕安区，请从列表中选择")
	checkValidation(t, org("北京\x00").Validate(), "region", "（无法识别）")
	checkValidation(t, org(Region(strings.Repeat("地", 30))).Validate(), "region", "…，请从列表中选择")
	bureau := &Organization{Name: "科学技术局", Kind: OrgBureau, Region: "安徽省六安市"} // made by the system
	checkValidation(t, bureau.Validate(), "", "")

	c := Capability{Kind: KindExpert, Title: "专家", Description: "简介", Industry: "nev", Modes: []Mode{"技术咨询"}}
	checkValidation(t, c.Validate(), "", "") // empty: the organisation's
	c.Region = "hefei"
	checkValidation(t, c.Validate(), "", "")
	c.Region = "火星"
	checkValidation(t, c.Validate(), "region", "不支持的地区：火星")
}

func TestExpiry(t *testing.T) {
	day := func(s string) time.Time { return ParseDate(s) }
	// 2026-12-03 00:30 in China is still 2026-12-02 in UTC.
	if got := Today(time.Date(2026, 12, 2, 16, 30, 0, 0, time.UTC)); !got.Equal(day("2026-12-03")) {
		t.Fatalf("Today = %v", got)
	}
	today := day("2026-12-03")
	tests := []struct {
		name     string
		status   Status
		deadline string
		want     bool
	}{
		{"deadline yesterday", StatusPublished, "2026-12-02", true},
		{"deadline today: open all day", StatusPublished, "2026-12-03", false},
		{"deadline tomorrow", StatusPublished, "2026-12-04", false},
		{"no deadline", StatusPublished, "", false},
		{"closed is closed, not expired", StatusClosed, "2026-01-01", false},
		{"draft", StatusDraft, "2026-01-01", false},
	}
	for _, tt := range tests {
		c := Challenge{Status: tt.status, Deadline: day(tt.deadline)}
		if got := c.Expired(today); got != tt.want {
			t.Errorf("%s: Expired = %v, want %v", tt.name, got, tt.want)
		}
	}

	c := Challenge{Deadline: day("2026-12-02")}
	checkValidation(t, c.CheckDeadline(today, time.Time{}), "deadline", "截止日期不能早于今天（2026-12-03）")
	checkValidation(t, c.CheckDeadline(today, day("2026-12-02")), "", "") // unchanged on an edit
	checkValidation(t, c.CheckDeadline(today, day("2027-01-01")), "deadline", "不能早于今天")
	c.Deadline = today
	checkValidation(t, c.CheckDeadline(today, time.Time{}), "", "")
	c.Deadline = time.Time{}
	checkValidation(t, c.CheckDeadline(today, time.Time{}), "", "")
}

func TestClosureValidate(t *testing.T) {
	tests := []struct {
		c         Closure
		wantField string
		wantMsg   string
	}{
		{Closure{Reason: CloseMatched}, "", ""},
		{Closure{Reason: ClosePostponed, Note: "明年再议"}, "", ""},
		{Closure{}, "reason", "请选择关闭原因"},
		{Closure{Reason: "bored"}, "reason", "请选择关闭原因"},
		{Closure{Reason: CloseOther}, "note", "请填写说明"},
		{Closure{Reason: CloseOther, Note: "厂房搬迁"}, "", ""},
		{Closure{Reason: CloseSolved, Note: strings.Repeat("长", MaxCloseNote+1)}, "note", "不能超过 200 个字"},
	}
	for _, tt := range tests {
		checkValidation(t, tt.c.Validate(), tt.wantField, tt.wantMsg)
	}
	for _, r := range CloseReasons {
		if r.Label() == "" {
			t.Errorf("%s has no label", r)
		}
	}
}
