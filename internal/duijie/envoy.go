package duijie

import (
	"strings"
	"time"
)

// 科技特派员 (envoys): users of RoleEnvoy whom the bureau assigns to
// enterprises and villages. They log service visits there and may draft a
// challenge on behalf of an enterprise they serve, which the enterprise
// confirms before it is published.

// Limits of an envoy's records, in characters.
const (
	MaxVillage    = 40
	MaxVisitTopic = 60
	MaxVisitNote  = 200
	// MaxReturnNote is the longest reason an enterprise gives for
	// returning a challenge an envoy drafted.
	MaxReturnNote = 500
	// MaxVisitAge is how far back a visit may be logged: later than
	// that the record is more likely a typing error than a late entry.
	MaxVisitAge = 365 * 24 * time.Hour
)

// Assignment is an envoy serving an enterprise (OrgID) or a village
// (Village, in Region, a county of 六安) from Since to Until (zero: still).
type Assignment struct {
	ID         string
	EnvoyID    string
	EnvoyName  string
	OrgID      string
	OrgName    string
	Village    string
	Region     Region // the village's county, or the enterprise's region
	Since      time.Time
	Until      time.Time
	AssignedBy string
	Created    time.Time
}

// Place names where the envoy serves: the enterprise, or the village and
// its county.
func (a *Assignment) Place() string {
	if a.OrgID != "" {
		return a.OrgName
	}
	return a.Region.Short() + " " + a.Village
}

// IsVillage reports whether the assignment is to a village.
func (a *Assignment) IsVillage() bool { return a.OrgID == "" }

// ActiveOn reports whether the envoy serves the place on day.
func (a *Assignment) ActiveOn(day time.Time) bool {
	return !day.Before(a.Since) && (a.Until.IsZero() || !day.After(a.Until))
}

// Validate checks an assignment before it is stored: an enterprise or a
// village of a county of 六安, and a start date.
func (a *Assignment) Validate() error {
	f := fieldErrors{}
	a.Village = strings.TrimSpace(a.Village)
	switch {
	case a.OrgID != "" && a.Village != "":
		f.add("place", "请选择一家企业或填写一个村，不要同时填写")
	case a.OrgID == "" && a.Village == "":
		f.add("place", "请选择企业，或填写村名和所在县区")
	case a.OrgID == "":
		f.text("village", "村名", a.Village, true, MaxVillage)
		if r := a.Region; !r.Valid() || r.Tier() != TierLocal {
			f.add("region", "请选择村所在的六安县区")
		}
	}
	if a.EnvoyID == "" {
		f.add("envoy", "请选择一位科技特派员")
	}
	if a.Since.IsZero() {
		f.add("since", "请按 年-月-日 填写开始日期")
	}
	if !a.Until.IsZero() && a.Until.Before(a.Since) {
		f.add("until", "结束日期不能早于开始日期")
	}
	return f.err()
}

// Visit is one service visit as last logged (its newest version).
type Visit struct {
	ID           string
	AssignmentID string
	EnvoyID      string
	EnvoyName    string
	OrgID        string // the enterprise visited, "" for a village
	OrgName      string
	Village      string
	Region       Region
	Version      int       // 1 when never corrected
	On           time.Time // the day of the visit (China)
	Topic        string
	Findings     string
	FollowUp     string
	Note         string    // why the last correction was made
	Created      time.Time // when first logged
	Updated      time.Time // when this version was logged
	UpdatedBy    string
}

// Place names where the visit was.
func (v *Visit) Place() string {
	if v.OrgID != "" {
		return v.OrgName
	}
	return v.Region.Short() + " " + v.Village
}

// Validate checks what an envoy logs of a visit on today (a China date):
// a day neither in the future nor older than MaxVisitAge, a topic and
// what was found; a correction (Version > 1) says why.
func (v *Visit) Validate(today time.Time) error {
	f := fieldErrors{}
	switch {
	case v.On.IsZero():
		f.add("on", "请按 年-月-日 填写走访日期")
	case v.On.After(today):
		f.add("on", "走访日期不能晚于今天（%s）", today.Format(DateLayout))
	case v.On.Before(today.Add(-MaxVisitAge)):
		f.add("on", "走访日期不能早于 %s（一年以前的走访请联系科技局补录）", today.Add(-MaxVisitAge).Format(DateLayout))
	}
	f.text("topic", "走访主题", v.Topic, true, MaxVisitTopic)
	f.text("findings", "发现的问题与需求", v.Findings, true, MaxText)
	f.text("follow_up", "后续跟进", v.FollowUp, false, MaxShortText)
	// A first version has no correction to explain, but whatever note
	// comes with it is checked like any text: versions are append-only,
	// so nothing unchecked may ever be stored in one.
	f.text("note", "更正原因", v.Note, v.Version > 1, MaxVisitNote)
	return f.err()
}

// ValidateReturnNote checks the reason an enterprise gives for returning
// a challenge an envoy drafted (already trimmed): required, at most
// MaxReturnNote characters, and free of control and invisible format
// characters (bidi overrides …) like every other text field, since the
// envoy reads it and it is kept in the audit log.
func ValidateReturnNote(note string) error {
	f := fieldErrors{}
	if strings.TrimSpace(note) == "" {
		f.add("note", "请填写退回原因，科技特派员会收到这条说明")
	}
	f.text("note", "退回原因", note, true, MaxReturnNote)
	return f.err()
}

// OriginState is where a challenge an envoy drafted stands with its
// enterprise.
type OriginState string

// Origin states.
const (
	OriginAwaiting  OriginState = "awaiting"  // 待企业确认
	OriginConfirmed OriginState = "confirmed" // 企业已确认
	OriginReturned  OriginState = "returned"  // 企业已退回
)

// Label is the Chinese name of a state.
func (s OriginState) Label() string {
	return map[OriginState]string{OriginAwaiting: "待企业确认", OriginConfirmed: "企业已确认", OriginReturned: "企业已退回"}[s]
}

// ChallengeOrigin is a challenge an envoy drafted from a visit.
type ChallengeOrigin struct {
	ChallengeID string
	Title       string
	Status      Status // the challenge's own status
	OrgID       string
	OrgName     string
	EnvoyID     string
	EnvoyName   string
	VisitID     string
	Created     time.Time
	State       OriginState
	Confirmed   time.Time // zero when the enterprise published it through its own form
	ConfirmedBy string
	Returned    time.Time
	ReturnNote  string
}
