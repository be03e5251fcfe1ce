package duijie

import (
	"strings"
	"time"
	"unicode/utf8"
)

// ContractType is the kind of technology contract (技术合同类别).
type ContractType string

// Contract types.
const (
	ContractDevelopment ContractType = "development" // 技术开发
	ContractTransfer    ContractType = "transfer"    // 技术转让
	ContractLicense     ContractType = "license"     // 技术许可
	ContractConsulting  ContractType = "consulting"  // 技术咨询
	ContractService     ContractType = "service"     // 技术服务
)

// ContractTypes lists the types in form order.
var ContractTypes = []ContractType{ContractDevelopment, ContractTransfer, ContractLicense, ContractConsulting, ContractService}

// Label is the Chinese name of a contract type.
func (t ContractType) Label() string {
	return map[ContractType]string{ContractDevelopment: "技术开发", ContractTransfer: "技术转让", ContractLicense: "技术许可",
		ContractConsulting: "技术咨询", ContractService: "技术服务"}[t]
}

// Contract is a signed technology contract, attributed to the
// introduction, broker and posting it came from so that the funnel from
// match to contract can be counted. Amounts are whole 元.
type Contract struct {
	ID           string
	IntroID      string // "" for a contract recorded on its own
	ChallengeID  string
	CapabilityID string
	Type         ContractType
	Title        string
	Buyer        string // 委托方/受让方: the enterprise
	Seller       string // 受托方/转让方: the institute
	BuyerOrgID   string // when the party is registered here
	SellerOrgID  string
	Amount       int64 // 合同金额, 元
	LocalAmount  int64 // 本地企业吸纳金额, 元
	Signed       time.Time
	RegNo        string // 技术合同登记编号
	Registered   time.Time
	BrokerID     string
	CreatedBy    string
	Created      time.Time
}

// MaxAmount bounds a contract amount: 100 亿元.
const MaxAmount = 10_000_000_000

// Validate checks a contract before it is stored.
func (c *Contract) Validate(now time.Time) error {
	f := fieldErrors{}
	if c.Type.Label() == "" {
		f.add("type", "请选择合同类别")
	}
	f.text("title", "合同名称", c.Title, true, 200)
	f.text("buyer", "委托方（企业）", c.Buyer, true, 100)
	f.text("seller", "受托方（院所）", c.Seller, true, 100)
	switch {
	case c.Amount <= 0:
		f.add("amount", "请填写合同金额（元，正整数）")
	case c.Amount > MaxAmount:
		f.add("amount", "合同金额超出范围")
	}
	switch {
	case c.LocalAmount < 0:
		f.add("local_amount", "本地吸纳金额不能为负数")
	case c.LocalAmount > c.Amount && c.Amount > 0:
		f.add("local_amount", "本地吸纳金额不能高于合同金额")
	}
	if c.Signed.IsZero() {
		f.add("signed", "请填写签订日期")
	} else if c.Signed.After(now.Add(24 * time.Hour)) {
		f.add("signed", "签订日期不能晚于今天")
	}
	c.RegNo = strings.TrimSpace(c.RegNo)
	switch {
	case c.RegNo == "" && !c.Registered.IsZero():
		f.add("reg_no", "填写登记日期时请同时填写登记编号")
	case c.RegNo != "" && c.Registered.IsZero():
		f.add("registered", "请填写登记日期")
	case c.RegNo != "" && !validRegNo(c.RegNo):
		f.add("reg_no", "登记编号应为 6 到 40 位字母、数字或短横线")
	}
	if !c.Registered.IsZero() && !c.Signed.IsZero() && c.Registered.Before(c.Signed) {
		f.add("registered", "登记日期不能早于签订日期")
	}
	if !c.Registered.IsZero() && c.Registered.After(now.Add(24*time.Hour)) {
		f.add("registered", "登记日期不能晚于今天")
	}
	if c.IntroID == "" && c.ChallengeID == "" && c.CapabilityID == "" {
		f.add("posting", "请关联一项对接、技术需求或科技成果")
	}
	return f.err()
}

// validRegNo accepts the registration numbers of the 技术合同登记 system:
// letters, digits and dashes (e.g. 2026340015000123).
func validRegNo(s string) bool {
	n := utf8.RuneCountInString(s)
	if n < 6 || n > 40 {
		return false
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r == '-') {
			return false
		}
	}
	return true
}

// Yuan formats an amount of 元 in 万元 with two decimals, the way the
// bureau reports it (1234567 → "123.46"), without floats.
func Yuan(amount int64) string {
	// The magnitude as uint64: -math.MinInt64 and math.MaxInt64+50 do not
	// fit an int64.
	m := uint64(amount)
	if amount < 0 {
		m = -m
	}
	// 万元 with two decimals = hundreds of 元, rounded half up.
	h := m/100 + (m%100+50)/100
	s := itoa(h/100) + "." + pad2(h%100)
	if amount < 0 && h > 0 { // no "-0.00"
		s = "-" + s
	}
	return s
}

func itoa(n uint64) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

func pad2(n uint64) string {
	if n < 10 {
		return "0" + itoa(n)
	}
	return itoa(n)
}
