package match

import (
	"strings"

	"duijie/index"
	"duijie/internal/duijie"
)

// CapabilityDoc is how a capability is indexed, by the portal and by the
// evaluation alike. Patents and other IP are part of the searchable text.
func CapabilityDoc(c *duijie.Capability) index.Doc {
	return index.Doc{
		Type: index.DocCapability, ID: c.ID, Kind: string(c.Kind), Title: c.Title,
		Description: CapabilityText(c),
		Keywords:    strings.Join(append(append([]string(nil), c.Keywords...), c.Fields...), "、"),
		OrgName:     c.OrgName, Org: c.OrgID, Industry: string(c.Industry), Region: string(c.Region),
		RegionTier: string(c.Region.Tier()), Modes: duijie.ModeNames(c.Modes), TRL: c.TRL,
		Status: string(c.Status), Visibility: string(duijie.VisibilityPublic), Posted: c.Posted,
	}
}

// CapabilityText is a capability's searchable body: description and IP.
func CapabilityText(c *duijie.Capability) string {
	parts := []string{c.Description}
	parts = append(parts, c.IP...)
	return strings.Join(nonEmpty(parts), "\n")
}

// ChallengeDoc is how a challenge is indexed: with its region's code and
// tier, and its deadline (expiry is decided at read time against it). A
// region not known to the reader (a redacted 摘要公开 challenge) has
// neither code nor tier, so that it answers no region filter and counts
// in no region facet.
func ChallengeDoc(c *duijie.Challenge) index.Doc {
	kw := append([]string(nil), c.Keywords...)
	if c.Field != "" {
		kw = append(kw, c.Field)
	}
	return index.Doc{
		Type: index.DocChallenge, ID: c.ID, Title: c.Title, Description: ChallengeText(c),
		Keywords: strings.Join(kw, "、"), OrgName: c.OrgName, Org: c.OrgID, Industry: string(c.Industry),
		Region: string(c.Region), RegionTier: string(c.Region.Tier()), Modes: duijie.ModeNames(c.Modes),
		TRL: c.TRLExpect, Status: string(c.Status), Visibility: string(c.Visibility), Posted: c.Posted,
		Deadline: c.Deadline,
	}
}

// ChallengeText is a challenge's searchable body: problem, targets, what
// was tried, constraints.
func ChallengeText(c *duijie.Challenge) string {
	return strings.Join(nonEmpty([]string{c.Problem, c.Targets, c.Tried, c.Constraints}), "\n")
}

func nonEmpty(xs []string) []string {
	out := xs[:0:0]
	for _, x := range xs {
		if strings.TrimSpace(x) != "" {
			out = append(out, x)
		}
	}
	return out
}
