package duijie

import (
	"crypto/rand"
	"encoding/base32"
	"strings"
)

// NewID returns prefix + 12 random base32 characters (60 bits): ids of
// postings, interests, introductions and contracts.
func NewID(prefix string) string {
	b := make([]byte, 8)
	rand.Read(b) // never fails (crypto/rand)
	return prefix + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))[:12]
}
