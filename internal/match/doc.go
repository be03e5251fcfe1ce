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
		OrgName:     c.OrgName, Org: c.OrgID, Industry: string(c.Industry), Region: c.Region,
		RegionTier: tierOf(c.Region), Modes: duijie.ModeNames(c.Modes), TRL: c.TRL,
		Status: string(c.Status), Visibility: string(duijie.VisibilityPublic), Posted: c.Posted,
	}
}

// CapabilityText is a capability's searchable body: description and IP.
func CapabilityText(c *duijie.Capability) string {
	parts := []string{c.Description}
	parts = append(parts, c.IP...)
	return strings.Join(nonEmpty(parts), "\n")
}

// ChallengeDoc is how a challenge is indexed.
func ChallengeDoc(c *duijie.Challenge) index.Doc {
	kw := append([]string(nil), c.Keywords...)
	if c.Field != "" {
		kw = append(kw, c.Field)
	}
	return index.Doc{
		Type: index.DocChallenge, ID: c.ID, Title: c.Title, Description: ChallengeText(c),
		Keywords: strings.Join(kw, "、"), OrgName: c.OrgName, Org: c.OrgID, Industry: string(c.Industry),
		Region: c.Region, RegionTier: tierOf(c.Region), Modes: duijie.ModeNames(c.Modes),
		TRL: c.TRLExpect, Status: string(c.Status), Visibility: string(c.Visibility), Posted: c.Posted,
	}
}

// ChallengeText is a challenge's searchable body: problem, targets, what
// was tried, constraints.
func ChallengeText(c *duijie.Challenge) string {
	return strings.Join(nonEmpty([]string{c.Problem, c.Targets, c.Tried, c.Constraints}), "\n")
}

// tierOf is a region's tier; a region not known (a redacted 摘要公开
// challenge) has none, so that it neither answers a region filter nor
// counts in a region facet.
func tierOf(region string) string {
	if strings.TrimSpace(region) == "" {
		return ""
	}
	return string(duijie.RegionTier(region))
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
