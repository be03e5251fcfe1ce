package duijie

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

var (
	mobileRe   = regexp.MustCompile(`^1[3-9][0-9]{9}$`)
	landlineRe = regexp.MustCompile(`^0[0-9]{2,3}-?[0-9]{7,8}$`)
	emailRe    = regexp.MustCompile(`^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$`)
)

// NormalizePhone removes spaces and a +86 prefix.
func NormalizePhone(p string) string {
	p = strings.NewReplacer(" ", "", "\u3000", "", "（", "", "）", "").Replace(strings.TrimSpace(p))
	p = strings.TrimPrefix(strings.TrimPrefix(p, "+86"), "0086")
	return p
}

// ValidPhone reports whether p is a mainland mobile number or a landline
// with its area code.
func ValidPhone(p string) bool { return mobileRe.MatchString(p) || landlineRe.MatchString(p) }

// ValidEmail reports whether e looks like an e-mail address.
func ValidEmail(e string) bool { return len(e) <= 254 && emailRe.MatchString(e) }

// MaskPhone shows the first three and last four digits: 138****5678.
func MaskPhone(p string) string {
	if utf8.RuneCountInString(p) < 8 {
		return strings.Repeat("*", utf8.RuneCountInString(p))
	}
	return p[:3] + strings.Repeat("*", len(p)-7) + p[len(p)-4:]
}

// MaskEmail shows the first character of the name and the domain:
// z***@example.com.
func MaskEmail(e string) string {
	name, domain, ok := strings.Cut(e, "@")
	if !ok || name == "" {
		return ""
	}
	r, _ := utf8.DecodeRuneInString(name)
	return string(r) + "***@" + domain
}
