package server

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"duijie/internal/duijie"
)

// Forms keep what the user typed as text, so that a form with errors comes
// back exactly as it was sent.

type challengeForm struct {
	Title, Problem, Targets, Tried, Constraints string
	Industry, Field, Keywords                   string
	BudgetMin, BudgetMax, Deadline, TRLExpect   string
	Visibility                                  string
	Modes                                       []string
}

func readChallengeForm(c *fiber.Ctx) challengeForm {
	return challengeForm{
		Title: c.FormValue("title"), Problem: c.FormValue("problem"), Targets: c.FormValue("targets"),
		Tried: c.FormValue("tried"), Constraints: c.FormValue("constraints"), Industry: c.FormValue("industry"),
		Field: c.FormValue("field"), Keywords: c.FormValue("keywords"), BudgetMin: c.FormValue("budget_min"),
		BudgetMax: c.FormValue("budget_max"), Deadline: c.FormValue("deadline"), TRLExpect: c.FormValue("trl_expect"),
		Visibility: c.FormValue("visibility"), Modes: formList(c, "modes"),
	}
}

func challengeFormOf(c *duijie.Challenge) challengeForm {
	f := challengeForm{Title: c.Title, Problem: c.Problem, Targets: c.Targets, Tried: c.Tried, Constraints: c.Constraints,
		Industry: string(c.Industry), Field: c.Field, Keywords: strings.Join(c.Keywords, "、"),
		Visibility: string(c.Visibility), Modes: duijie.ModeNames(c.Modes)}
	if c.BudgetMin > 0 {
		f.BudgetMin = strconv.Itoa(c.BudgetMin)
	}
	if c.BudgetMax > 0 {
		f.BudgetMax = strconv.Itoa(c.BudgetMax)
	}
	if !c.Deadline.IsZero() {
		f.Deadline = c.Deadline.Format(duijie.DateLayout)
	}
	if c.TRLExpect > 0 {
		f.TRLExpect = strconv.Itoa(c.TRLExpect)
	}
	return f
}

// challenge turns the form into a challenge; errs collects what could not
// even be parsed (numbers, dates), before the domain validates the rest.
func (f challengeForm) challenge() (*duijie.Challenge, fieldErrs) {
	errs := fieldErrs{}
	c := &duijie.Challenge{Title: f.Title, Problem: f.Problem, Targets: f.Targets, Tried: f.Tried,
		Constraints: f.Constraints, Industry: duijie.Industry(f.Industry), Field: strings.TrimSpace(f.Field),
		Keywords: splitList(f.Keywords), Visibility: duijie.Visibility(f.Visibility), Modes: parseModes(f.Modes, errs)}
	c.BudgetMin = errs.int("budget", "预算", f.BudgetMin, 0, duijie.MaxBudget)
	c.BudgetMax = errs.int("budget", "预算", f.BudgetMax, 0, duijie.MaxBudget)
	c.TRLExpect = errs.int("trl_expect", "期望成熟度", f.TRLExpect, 0, 9)
	if d := strings.TrimSpace(f.Deadline); d != "" {
		if c.Deadline = duijie.ParseDate(d); c.Deadline.IsZero() {
			errs["deadline"] = "请按 年-月-日 填写日期，例如 2027-06-30"
		}
	}
	return c, errs
}

type capabilityForm struct {
	Kind, Title, Description, TRL, IP, Fields string
	Industry, Team, Region, Keywords          string
	Modes                                     []string
}

func readCapabilityForm(c *fiber.Ctx) capabilityForm {
	return capabilityForm{
		Kind: c.FormValue("kind"), Title: c.FormValue("title"), Description: c.FormValue("description"),
		TRL: c.FormValue("trl"), IP: c.FormValue("ip"), Fields: c.FormValue("fields"), Industry: c.FormValue("industry"),
		Team: c.FormValue("team"), Region: c.FormValue("region"), Keywords: c.FormValue("keywords"), Modes: formList(c, "modes"),
	}
}

func capabilityFormOf(c *duijie.Capability) capabilityForm {
	f := capabilityForm{Kind: string(c.Kind), Title: c.Title, Description: c.Description, IP: strings.Join(c.IP, "\n"),
		Fields: strings.Join(c.Fields, "、"), Industry: string(c.Industry), Team: c.Team, Region: string(c.Region),
		Keywords: strings.Join(c.Keywords, "、"), Modes: duijie.ModeNames(c.Modes)}
	if c.TRL > 0 {
		f.TRL = strconv.Itoa(c.TRL)
	}
	return f
}

func (f capabilityForm) capability() (*duijie.Capability, fieldErrs) {
	errs := fieldErrs{}
	c := &duijie.Capability{Kind: duijie.Kind(f.Kind), Title: f.Title, Description: f.Description,
		IP: splitLines(f.IP), Fields: splitList(f.Fields), Industry: duijie.Industry(f.Industry),
		Team: strings.TrimSpace(f.Team), Region: duijie.Region(strings.TrimSpace(f.Region)), Keywords: splitList(f.Keywords),
		Modes: parseModes(f.Modes, errs)}
	c.TRL = errs.int("trl", "成熟度", f.TRL, 0, 9)
	return c, errs
}

type interestForm struct {
	Approach, Team, Months, CostMin, CostMax, Message string
}

func readInterestForm(c *fiber.Ctx) interestForm {
	return interestForm{Approach: c.FormValue("approach"), Team: c.FormValue("team"), Months: c.FormValue("months"),
		CostMin: c.FormValue("cost_min"), CostMax: c.FormValue("cost_max"), Message: c.FormValue("message")}
}

func (f interestForm) interest() (*duijie.Interest, fieldErrs) {
	errs := fieldErrs{}
	i := &duijie.Interest{Approach: f.Approach, Team: strings.TrimSpace(f.Team), Message: f.Message}
	i.Months = errs.int("months", "预计周期", f.Months, 0, duijie.MaxMonths)
	i.CostMin = errs.int("cost", "费用", f.CostMin, 0, duijie.MaxBudget)
	i.CostMax = errs.int("cost", "费用", f.CostMax, 0, duijie.MaxBudget)
	return i, errs
}

type registerForm struct {
	OrgName, OrgKind, Region, CreditCode, Username, DisplayName string
	Phone, Email                                                string
}

type userForm struct {
	Username, DisplayName, Role string
}

// fieldErrs are messages by form field.
type fieldErrs map[string]string

// int parses an optional whole number in [lo, hi]; empty is 0.
func (e fieldErrs) int(field, label, s string, lo, hi int) int {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		if _, ok := e[field]; !ok {
			e[field] = label + "应为 " + strconv.Itoa(lo) + " 到 " + strconv.Itoa(hi) + " 之间的整数"
		}
		return 0
	}
	return n
}

// merge adds the domain's field messages to the parse errors (parse
// errors win: they explain the zero the domain saw).
func merge(parse fieldErrs, err error) (map[string]string, error) {
	out := map[string]string{}
	if de, ok := err.(*duijie.Error); ok && de.Code == duijie.EINVALID {
		for k, v := range de.Fields {
			out[k] = v
		}
		if len(de.Fields) == 0 {
			out["_"] = de.Message
		}
		err = nil
	}
	for k, v := range parse {
		out[k] = v
	}
	return out, err
}

func parseModes(names []string, errs fieldErrs) []duijie.Mode {
	var out []duijie.Mode
	for _, n := range names {
		m := duijie.Mode(n)
		if !m.Valid() {
			errs["modes"] = "不支持的合作方式"
			continue
		}
		out = append(out, m)
	}
	return out
}

// formList reads every value of a repeated form field, URL-encoded or
// multipart.
func formList(c *fiber.Ctx, name string) []string {
	if mf, err := c.MultipartForm(); err == nil && mf != nil {
		return append([]string(nil), mf.Value[name]...)
	}
	var out []string
	for _, v := range c.Context().PostArgs().PeekMulti(name) {
		out = append(out, string(v)) // string() copies out of fasthttp's buffer
	}
	return out
}

// splitList splits keywords typed with 、，, ; or spaces.
func splitList(s string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(s, func(r rune) bool {
		return r == '、' || r == '，' || r == ',' || r == ';' || r == '；' || r == '\n' || r == ' ' || r == '\u3000'
	}) {
		if w = strings.TrimSpace(w); w != "" {
			out = append(out, w)
		}
	}
	return out
}

func splitLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// forbiddenAsField turns a refusal of a write (an organisation not yet
// approved) into a message above the form, so that what was typed is
// kept; other errors pass.
func forbiddenAsField(err error) error {
	if de, ok := err.(*duijie.Error); ok && de.Code == duijie.EFORBIDDEN {
		return &duijie.Error{Code: duijie.EINVALID, Message: de.Message, Fields: map[string]string{"_": de.Message}}
	}
	return err
}
