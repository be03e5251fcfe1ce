package server

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"duijie/internal/duijie"
	"duijie/internal/portal"
)

// The JSON API: the same service calls as the pages, the same rules.
// Lists answer {"items": [...], "total": N}.

type listJSON[T any] struct {
	Items []T `json:"items"`
	Total int `json:"total"`
}

// challengeJSON is a challenge on the wire; redacted fields are omitted.
type challengeJSON struct {
	ID          string   `json:"id,omitempty"`
	Org         string   `json:"org,omitempty"`
	OrgName     string   `json:"org_name,omitempty"`
	Title       string   `json:"title"`
	Problem     string   `json:"problem,omitempty"`
	Targets     string   `json:"targets,omitempty"`
	Tried       string   `json:"tried,omitempty"`
	Constraints string   `json:"constraints,omitempty"`
	Industry    string   `json:"industry"`
	Field       string   `json:"field,omitempty"`
	Keywords    []string `json:"keywords"`
	BudgetMin   int      `json:"budget_min"`
	BudgetMax   int      `json:"budget_max"`
	Deadline    string   `json:"deadline,omitempty"`
	Modes       []string `json:"modes"`
	Visibility  string   `json:"visibility"`
	TRLExpect   int      `json:"trl_expect"`
	Region      string   `json:"region,omitempty"` // output: the organisation's region code
	Status      string   `json:"status,omitempty"`
	Expired     bool     `json:"expired,omitempty"` // output: published and past its deadline (已截止)
	CloseReason string   `json:"close_reason,omitempty"`
	CloseNote   string   `json:"close_note,omitempty"`
	Posted      string   `json:"posted,omitempty"`
	Summary     bool     `json:"summary,omitempty"`
	Publish     bool     `json:"publish,omitempty"` // input: publish a draft
}

type capabilityJSON struct {
	ID          string   `json:"id,omitempty"`
	Org         string   `json:"org,omitempty"`
	OrgName     string   `json:"org_name,omitempty"`
	Kind        string   `json:"kind"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	TRL         int      `json:"trl"`
	IP          []string `json:"ip"`
	Fields      []string `json:"fields"`
	Industry    string   `json:"industry"`
	Modes       []string `json:"modes"`
	Team        string   `json:"team,omitempty"`
	Region      string   `json:"region,omitempty"`
	Keywords    []string `json:"keywords"`
	Status      string   `json:"status,omitempty"`
	Posted      string   `json:"posted,omitempty"`
	Publish     bool     `json:"publish,omitempty"`
}

type itemJSON struct {
	Type     string `json:"type"`
	ID       string `json:"id"`
	Title    string `json:"title"`
	Snippet  string `json:"snippet,omitempty"`
	OrgName  string `json:"org_name,omitempty"`
	Industry string `json:"industry"`
	Kind     string `json:"kind,omitempty"`
	Region   string `json:"region,omitempty"`
	TRL      int    `json:"trl"`
	Status   string `json:"status"`
	Expired  bool   `json:"expired,omitempty"`
	Summary  bool   `json:"summary,omitempty"`
	Deadline string `json:"deadline,omitempty"`
	Posted   string `json:"posted,omitempty"`
}

type matchJSON struct {
	itemJSON
	Score      float64    `json:"score"`
	Confidence float64    `json:"confidence"` // calibrated probability of being at least closely related
	Level      string     `json:"level"`      // 很可能相关, 可能相关, 仅领域相近
	Reasons    []string   `json:"reasons"`
	Terms      []termJSON `json:"terms"`
	Parts      []partJSON `json:"parts"`
}

type termJSON struct {
	Term   string   `json:"term"`
	Found  string   `json:"found,omitempty"`
	Fields []string `json:"fields"`
	Weight float64  `json:"weight"`
}

type partJSON struct {
	Key   string  `json:"key"`
	Label string  `json:"label"`
	Value float64 `json:"value"`
}

type interestJSON struct {
	ID           string `json:"id,omitempty"`
	Kind         string `json:"kind,omitempty"`
	ChallengeID  string `json:"challenge_id,omitempty"`
	CapabilityID string `json:"capability_id,omitempty"`
	TargetTitle  string `json:"target_title,omitempty"`
	OrgName      string `json:"org_name,omitempty"`
	Approach     string `json:"approach"`
	Team         string `json:"team,omitempty"`
	Months       int    `json:"months,omitempty"`
	CostMin      int    `json:"cost_min,omitempty"`
	CostMax      int    `json:"cost_max,omitempty"`
	Message      string `json:"message,omitempty"`
	Status       string `json:"status,omitempty"`
	Created      string `json:"created,omitempty"`
}

func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(duijie.DateLayout)
}

func toChallengeJSON(c *portal.ChallengeView) challengeJSON {
	return challengeJSON{ID: c.ID, Org: c.OrgID, OrgName: c.OrgName, Title: c.Title, Problem: c.Problem, Targets: c.Targets,
		Tried: c.Tried, Constraints: c.Constraints, Industry: string(c.Industry), Field: c.Field, Keywords: nonNil(c.Keywords),
		BudgetMin: c.BudgetMin, BudgetMax: c.BudgetMax, Deadline: day(c.Deadline), Modes: nonNil(duijie.ModeNames(c.Modes)),
		Visibility: string(c.Visibility), TRLExpect: c.TRLExpect, Region: string(c.Region), Status: string(c.Status),
		Expired: c.Expired, CloseReason: string(c.Closure.Reason), CloseNote: c.Closure.Note, Posted: day(c.Posted),
		Summary: c.Access == duijie.AccessSummary}
}

func (j challengeJSON) challenge() (*duijie.Challenge, fieldErrs) {
	errs := fieldErrs{}
	c := &duijie.Challenge{Title: j.Title, Problem: j.Problem, Targets: j.Targets, Tried: j.Tried, Constraints: j.Constraints,
		Industry: duijie.Industry(j.Industry), Field: j.Field, Keywords: j.Keywords, BudgetMin: j.BudgetMin,
		BudgetMax: j.BudgetMax, Modes: parseModes(j.Modes, errs), Visibility: duijie.Visibility(j.Visibility), TRLExpect: j.TRLExpect}
	if j.Deadline != "" {
		if c.Deadline = duijie.ParseDate(j.Deadline); c.Deadline.IsZero() {
			errs["deadline"] = "日期格式应为 YYYY-MM-DD"
		}
	}
	return c, errs
}

func toCapabilityJSON(c *portal.CapabilityView) capabilityJSON {
	return capabilityJSON{ID: c.ID, Org: c.OrgID, OrgName: c.OrgName, Kind: string(c.Kind), Title: c.Title,
		Description: c.Description, TRL: c.TRL, IP: nonNil(c.IP), Fields: nonNil(c.Fields), Industry: string(c.Industry),
		Modes: nonNil(duijie.ModeNames(c.Modes)), Team: c.Team, Region: string(c.Region), Keywords: nonNil(c.Keywords),
		Status: string(c.Status), Posted: day(c.Posted)}
}

func (j capabilityJSON) capability() (*duijie.Capability, fieldErrs) {
	errs := fieldErrs{}
	return &duijie.Capability{Kind: duijie.Kind(j.Kind), Title: j.Title, Description: j.Description, TRL: j.TRL, IP: j.IP,
		Fields: j.Fields, Industry: duijie.Industry(j.Industry), Modes: parseModes(j.Modes, errs), Team: j.Team,
		Region: duijie.Region(strings.TrimSpace(j.Region)), Keywords: j.Keywords}, errs
}

func text(fs []portal.Fragment) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString(f.Text)
	}
	return b.String()
}

func toItemJSON(it portal.Item) itemJSON {
	return itemJSON{Type: it.Type, ID: it.ID, Title: text(it.Title), Snippet: text(it.Snippet), OrgName: it.OrgName,
		Industry: string(it.Industry), Kind: string(it.Kind), Region: string(it.Region), TRL: it.TRL, Status: string(it.Status),
		Expired: it.Expired, Summary: it.Summary, Deadline: day(it.Deadline), Posted: day(it.Posted)}
}

func nonNil(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return xs
}

// errNotUTF8 refuses what encoding/json would quietly turn into U+FFFD.
var errNotUTF8 = duijie.Errorf(duijie.EINVALID, "请求体含有无效的 UTF-8 字符（或不成对的 \\u 代理项转义），请以 UTF-8 编码提交")

// decode reads a JSON body strictly: unknown fields are errors, and so
// are bytes that are not UTF-8 and lone surrogate escapes (\ud800),
// which encoding/json would replace with U+FFFD without a word.
func decode(c *fiber.Ctx, v any) error {
	body := c.Body()
	if !utf8.Valid(body) || loneSurrogate(body) {
		return errNotUTF8
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return duijie.Errorf(duijie.EINVALID, "请求体不是有效的 JSON：%v", err)
	}
	return nil
}

// invalid turns parse errors and a service error into one answer.
func invalid(parse fieldErrs, err error) error {
	fields, err := merge(parse, err)
	if err != nil {
		return err
	}
	if len(fields) > 0 {
		return &duijie.Error{Code: duijie.EINVALID, Message: "请检查填写的内容", Fields: fields}
	}
	return nil
}

func toInterestJSON(i duijie.Interest) interestJSON {
	created := ""
	if !i.Created.IsZero() {
		created = i.Created.UTC().Format(time.RFC3339)
	}
	return interestJSON{ID: i.ID, Kind: string(i.Kind), ChallengeID: i.ChallengeID, CapabilityID: i.CapabilityID,
		TargetTitle: i.TargetTitle, OrgName: i.OrgName, Approach: i.Approach, Team: i.Team, Months: i.Months,
		CostMin: i.CostMin, CostMax: i.CostMax, Message: i.Message, Status: string(i.Status), Created: created}
}

// loneSurrogate reports a \uD800–\uDFFF escape in a JSON text that is
// not a high surrogate followed by a low one. Backslashes are counted so
// that an escaped backslash before "u" is not taken for an escape.
func loneSurrogate(b []byte) bool {
	hex4 := func(i int) (rune, bool) {
		if i+6 > len(b) || b[i] != '\\' || b[i+1] != 'u' {
			return 0, false
		}
		n, err := strconv.ParseUint(string(b[i+2:i+6]), 16, 16)
		return rune(n), err == nil
	}
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' {
			continue
		}
		r, ok := hex4(i)
		if !ok {
			i++ // skip the escaped character (\\ included)
			continue
		}
		switch {
		case r >= 0xd800 && r < 0xdc00:
			if lo, ok := hex4(i + 6); !ok || lo < 0xdc00 || lo > 0xdfff {
				return true
			}
			i += 11
		case r >= 0xdc00 && r <= 0xdfff:
			return true
		default:
			i += 5
		}
	}
	return false
}
