// Package demo reads the demo set shipped in data/demo: invented postings of
// real places and institutes of 六安, 合肥 and 沪苏浙 (see data/demo/FORMAT.md).
package demo

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"time"

	"duijie/data"
	"duijie/internal/duijie"
)

// Set is the whole demo set.
type Set struct {
	Orgs         []duijie.Organization
	Challenges   []duijie.Challenge
	Capabilities []duijie.Capability
	Users        []duijie.User // one or more of every role; passwords are made at load
}

type userRecord struct {
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
	Role        string `json:"role"`
	Org         string `json:"org"`
	Phone       string `json:"phone"`
	Email       string `json:"email"`
}

type orgRecord struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Short      string `json:"short"`
	Kind       string `json:"kind"`
	Region     string `json:"region"`
	CreditCode string `json:"credit_code"`
}

type challengeRecord struct {
	ID          string   `json:"id"`
	Org         string   `json:"org"`
	Title       string   `json:"title"`
	Problem     string   `json:"problem"`
	Targets     string   `json:"targets"`
	Tried       string   `json:"tried"`
	Constraints string   `json:"constraints"`
	Industry    string   `json:"industry"`
	Field       string   `json:"field"`
	Keywords    []string `json:"keywords"`
	BudgetMin   int      `json:"budget_min"`
	BudgetMax   int      `json:"budget_max"`
	Deadline    string   `json:"deadline"`
	Modes       []string `json:"modes"`
	Visibility  string   `json:"visibility"`
	TRLExpect   int      `json:"trl_expect"`
	Posted      string   `json:"posted"`
}

type capabilityRecord struct {
	ID          string   `json:"id"`
	Org         string   `json:"org"`
	Kind        string   `json:"kind"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	TRL         int      `json:"trl"`
	IP          []string `json:"ip"`
	Fields      []string `json:"fields"`
	Industry    string   `json:"industry"`
	Modes       []string `json:"modes"`
	Team        string   `json:"team"`
	Region      string   `json:"region"`
	Keywords    []string `json:"keywords"`
	Posted      string   `json:"posted"`
}

// Load reads the embedded demo set and checks its references.
func Load() (*Set, error) {
	return LoadFS(data.Demo, "demo")
}

// LoadFS reads a demo set from dir of fsys.
func LoadFS(fsys fs.FS, dir string) (*Set, error) {
	s := &Set{}
	orgs := map[string]duijie.Organization{}
	if err := each(fsys, dir+"/orgs_*.jsonl", func(r orgRecord) error {
		o := duijie.Organization{ID: r.ID, Name: r.Name, Short: r.Short, Kind: duijie.OrgKind(r.Kind), Region: duijie.Region(r.Region), CreditCode: r.CreditCode}
		if _, dup := orgs[o.ID]; dup {
			return fmt.Errorf("duplicate organisation %q", o.ID)
		}
		orgs[o.ID] = o
		s.Orgs = append(s.Orgs, o)
		return nil
	}); err != nil {
		return nil, err
	}
	org := func(id string) (duijie.Organization, error) {
		o, ok := orgs[id]
		if !ok {
			return o, fmt.Errorf("unknown organisation %q", id)
		}
		return o, nil
	}
	if err := each(fsys, dir+"/challenges_*.jsonl", func(r challengeRecord) error {
		o, err := org(r.Org)
		if err != nil {
			return err
		}
		c := duijie.Challenge{
			ID: r.ID, OrgID: o.ID, OrgName: o.Name, Title: r.Title, Problem: r.Problem, Targets: r.Targets,
			Tried: r.Tried, Constraints: r.Constraints, Industry: duijie.Industry(r.Industry), Field: r.Field,
			Keywords: r.Keywords, BudgetMin: r.BudgetMin, BudgetMax: r.BudgetMax, Deadline: duijie.ParseDate(r.Deadline),
			Modes: duijie.ParseModes(r.Modes), Visibility: duijie.Visibility(r.Visibility), TRLExpect: r.TRLExpect,
			Region: o.Region, Status: duijie.StatusPublished, Posted: duijie.ParseDate(r.Posted),
		}
		s.Challenges = append(s.Challenges, c)
		return nil
	}); err != nil {
		return nil, err
	}
	if err := each(fsys, dir+"/capabilities_*.jsonl", func(r capabilityRecord) error {
		o, err := org(r.Org)
		if err != nil {
			return err
		}
		region := duijie.Region(r.Region)
		if region == "" {
			region = o.Region
		}
		c := duijie.Capability{
			ID: r.ID, OrgID: o.ID, OrgName: o.Name, Kind: duijie.Kind(r.Kind), Title: r.Title,
			Description: r.Description, TRL: r.TRL, IP: r.IP, Fields: r.Fields, Industry: duijie.Industry(r.Industry),
			Modes: duijie.ParseModes(r.Modes), Team: r.Team, Region: region, Keywords: r.Keywords,
			Status: duijie.StatusPublished, Posted: duijie.ParseDate(r.Posted),
		}
		s.Capabilities = append(s.Capabilities, c)
		return nil
	}); err != nil {
		return nil, err
	}
	if err := each(fsys, dir+"/users.jsonl", func(r userRecord) error {
		if r.Org != "" {
			if _, err := org(r.Org); err != nil {
				return err
			}
		}
		s.Users = append(s.Users, duijie.User{ID: "u-demo-" + r.Username, OrgID: r.Org, Username: r.Username,
			DisplayName: r.DisplayName, Role: duijie.Role(r.Role), Phone: r.Phone, Email: r.Email})
		return nil
	}); err != nil {
		return nil, err
	}
	return s, nil
}

// each decodes every line of every file matching pattern, in name order.
func each[T any](fsys fs.FS, pattern string, fn func(T) error) error {
	names, err := fs.Glob(fsys, pattern)
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		sc := bufio.NewScanner(bytes.NewReader(b))
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for line := 1; sc.Scan(); line++ {
			if len(bytes.TrimSpace(sc.Bytes())) == 0 {
				continue
			}
			var r T
			dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&r); err != nil {
				return fmt.Errorf("demo: %s:%d: %v", name, line, err)
			}
			if err := fn(r); err != nil {
				return fmt.Errorf("demo: %s:%d: %v", name, line, err)
			}
		}
	}
	return nil
}

// AsOf is the day the demo set describes: its newest challenge was posted
// a few days before, and the deadlines before it are the 已截止 examples.
var AsOf = time.Date(2026, 11, 5, 0, 0, 0, 0, time.UTC)

// Since is how many whole days lie between AsOf and today (a date as
// duijie.Today gives it), 0 when today is not later.
func Since(today time.Time) int {
	return max(0, int(today.Sub(AsOf).Hours()/24))
}

// Shift moves every date of the set (postings' dates and deadlines) days
// later, so that a portal started long after AsOf shows the set as it was
// meant to be seen on AsOf: open challenges open, the 已截止 examples
// expired, the newest postings recent.
func (s *Set) Shift(days int) {
	if days <= 0 {
		return
	}
	later := func(t time.Time) time.Time {
		if t.IsZero() {
			return t
		}
		return t.AddDate(0, 0, days)
	}
	for i := range s.Challenges {
		s.Challenges[i].Posted, s.Challenges[i].Deadline = later(s.Challenges[i].Posted), later(s.Challenges[i].Deadline)
	}
	for i := range s.Capabilities {
		s.Capabilities[i].Posted = later(s.Capabilities[i].Posted)
	}
}
