package eval

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"duijie/index"
	"duijie/internal/demo"
	"duijie/internal/duijie"
	"duijie/internal/match"
)

// Challenge is a line of challenges.jsonl. Modes, TRL and Posted are
// optional extensions that the demo set fills in.
type Challenge struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Keywords    []string `json:"keywords,omitempty"`
	Industry    string   `json:"industry,omitempty"`
	Region      string   `json:"region,omitempty"`
	Field       string   `json:"field,omitempty"`
	Modes       []string `json:"modes,omitempty"`
	TRL         int      `json:"trl,omitempty"`
	Posted      string   `json:"posted,omitempty"`
}

// Capability is a line of capabilities.jsonl.
type Capability struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Keywords    []string `json:"keywords,omitempty"`
	Kind        string   `json:"kind,omitempty"`
	Org         string   `json:"org,omitempty"`
	Region      string   `json:"region,omitempty"`
	Industry    string   `json:"industry,omitempty"`
	Modes       []string `json:"modes,omitempty"`
	TRL         int      `json:"trl,omitempty"`
	Posted      string   `json:"posted,omitempty"`
}

// Set is an evaluation set.
type Set struct {
	Challenges   []Challenge
	Capabilities []Capability
	Qrels        Qrels
}

// Load reads dir/challenges.jsonl, dir/capabilities.jsonl and dir/qrels.tsv.
func Load(dir string) (*Set, error) {
	s := &Set{}
	if err := readJSONL(filepath.Join(dir, "challenges.jsonl"), &s.Challenges); err != nil {
		return nil, err
	}
	if err := readJSONL(filepath.Join(dir, "capabilities.jsonl"), &s.Capabilities); err != nil {
		return nil, err
	}
	caps := map[string]bool{}
	for _, c := range s.Capabilities {
		caps[c.ID] = true
	}
	chs := map[string]bool{}
	for _, c := range s.Challenges {
		chs[c.ID] = true
	}
	q, err := readQrels(filepath.Join(dir, "qrels.tsv"), chs, caps)
	if err != nil {
		return nil, err
	}
	s.Qrels = q
	return s, nil
}

type identified interface{ Challenge | Capability }

func readJSONL[T identified](path string, out *[]T) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("eval: %w", err)
	}
	defer f.Close()
	r := bufio.NewReader(f)
	seen := map[string]bool{}
	for line := 1; ; line++ {
		b, err := r.ReadBytes('\n')
		if len(strings.TrimSpace(string(b))) > 0 {
			var v T
			dec := json.NewDecoder(strings.NewReader(string(b)))
			if err := dec.Decode(&v); err != nil {
				return fmt.Errorf("eval: %s:%d: %v", path, line, err)
			}
			id, title, desc := fieldsOf(v)
			if id == "" {
				return fmt.Errorf("eval: %s:%d: missing \"id\"", path, line)
			}
			if seen[id] {
				return fmt.Errorf("eval: %s:%d: duplicate id %q", path, line, id)
			}
			if strings.TrimSpace(title+desc) == "" {
				return fmt.Errorf("eval: %s:%d: %q has neither title nor description", path, line, id)
			}
			seen[id] = true
			*out = append(*out, v)
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("eval: %s: %w", path, err)
		}
	}
}

func fieldsOf(v any) (id, title, desc string) {
	switch x := v.(type) {
	case Challenge:
		return x.ID, x.Title, x.Description
	case Capability:
		return x.ID, x.Title, x.Description
	}
	return "", "", ""
}

func readQrels(path string, chs, caps map[string]bool) (Qrels, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("eval: %w", err)
	}
	q := Qrels{}
	for i, line := range strings.Split(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n") {
		if strings.TrimSpace(line) == "" || (i == 0 && strings.HasPrefix(line, "challenge_id")) {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 3 {
			return nil, fmt.Errorf("eval: %s:%d: want 3 tab-separated columns, got %d", path, i+1, len(f))
		}
		g, err := strconv.Atoi(strings.TrimSpace(f[2]))
		if err != nil || g < 0 || g > 3 {
			return nil, fmt.Errorf("eval: %s:%d: grade %q is not 0–3", path, i+1, f[2])
		}
		if !chs[f[0]] {
			return nil, fmt.Errorf("eval: %s:%d: unknown challenge %q", path, i+1, f[0])
		}
		if !caps[f[1]] {
			return nil, fmt.Errorf("eval: %s:%d: unknown capability %q", path, i+1, f[1])
		}
		if q[f[0]] == nil {
			q[f[0]] = map[string]int{}
		}
		q[f[0]][f[1]] = g
	}
	return q, nil
}

// posting is the capability as the portal holds it.
func (c Capability) posting() *duijie.Capability {
	return &duijie.Capability{
		ID: c.ID, OrgName: c.Org, Kind: duijie.Kind(c.Kind), Title: c.Title, Description: c.Description,
		TRL: c.TRL, Industry: duijie.Industry(c.Industry), Modes: duijie.ParseModes(c.Modes), Region: duijie.Region(c.Region),
		Keywords: c.Keywords, Status: duijie.StatusPublished, Posted: duijie.ParseDate(c.Posted),
	}
}

// Doc is how the portal indexes the capability.
func (c Capability) Doc() index.Doc { return match.CapabilityDoc(c.posting()) }

// Source is how the portal matches from the challenge.
func (c Challenge) Source() match.Source {
	return match.FromChallenge(&duijie.Challenge{
		ID: c.ID, Title: c.Title, Problem: c.Description, Keywords: c.Keywords, Field: c.Field,
		Industry: duijie.Industry(c.Industry), Modes: duijie.ParseModes(c.Modes), TRLExpect: c.TRL, Region: duijie.Region(c.Region),
		Status: duijie.StatusPublished, Posted: duijie.ParseDate(c.Posted),
	})
}

// Text is the whole challenge as one text (the baselines' query).
func (c Challenge) Text() string {
	return strings.Join(append([]string{c.Title, c.Field, c.Description}, c.Keywords...), "\n")
}

// FromDemo turns the demo set into evaluation records, with the text the
// portal indexes and matches on.
func FromDemo(s *demo.Set) ([]Challenge, []Capability) {
	var chs []Challenge
	for i := range s.Challenges {
		c := &s.Challenges[i]
		chs = append(chs, Challenge{
			ID: c.ID, Title: c.Title, Description: match.ChallengeText(c), Keywords: c.Keywords, Field: c.Field,
			Industry: string(c.Industry), Region: string(c.Region), Modes: duijie.ModeNames(c.Modes), TRL: c.TRLExpect,
			Posted: c.Posted.Format(duijie.DateLayout),
		})
	}
	var caps []Capability
	for i := range s.Capabilities {
		c := &s.Capabilities[i]
		caps = append(caps, Capability{
			ID: c.ID, Title: c.Title, Description: match.CapabilityText(c),
			Keywords: append(append([]string(nil), c.Keywords...), c.Fields...), Kind: string(c.Kind),
			Org: c.OrgName, Region: string(c.Region), Industry: string(c.Industry), Modes: duijie.ModeNames(c.Modes),
			TRL: c.TRL, Posted: c.Posted.Format(duijie.DateLayout),
		})
	}
	return chs, caps
}
