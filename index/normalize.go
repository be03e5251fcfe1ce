package index

import (
	"unicode"
	"unicode/utf8"
)

// normalized is text prepared for segmentation: full-width forms folded to
// half width, letters lower-cased, invalid UTF-8 replaced by U+FFFD. Because
// folding changes byte lengths, orig maps every byte offset of text back to
// the byte offset in the caller's input, so tokens report exact offsets of the
// original text (highlighting depends on them).
type normalized struct {
	text []byte
	// orig[i] is the input offset of the rune that produced text[i];
	// orig[len(text)] is len(input). Nil when text is the input unchanged.
	orig []int
}

// origOffset maps an offset of n.text to an offset of the input.
func (n *normalized) origOffset(i int) int {
	if n.orig == nil {
		return i
	}
	return n.orig[i]
}

// foldRune returns the normalised form of r.
func foldRune(r rune) rune {
	switch {
	case r >= 'A' && r <= 'Z':
		return r + ('a' - 'A')
	case r < utf8.RuneSelf:
		return r
	case r >= 0xFF01 && r <= 0xFF5E: // full-width ASCII variants
		r -= 0xFEE0
		if r >= 'A' && r <= 'Z' {
			r += 'a' - 'A'
		}
		return r
	case r == 0x3000: // ideographic space
		return ' '
	case r < 0x2C00 && unicode.IsUpper(r): // cased scripts live below U+2C00
		return unicode.ToLower(r)
	}
	return r
}

// normalize folds input; it never fails: invalid UTF-8 becomes U+FFFD.
func normalize(input []byte) normalized {
	// Fast path: most text needs no change, and then offsets are identity.
	clean := true
	for i := 0; i < len(input); {
		c := input[i]
		if c < utf8.RuneSelf {
			if c >= 'A' && c <= 'Z' {
				clean = false
				break
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(input[i:])
		if (r == utf8.RuneError && size == 1) || foldRune(r) != r {
			clean = false
			break
		}
		i += size
	}
	if clean {
		return normalized{text: input}
	}

	text := make([]byte, 0, len(input))
	orig := make([]int, 0, len(input)+1)
	for i := 0; i < len(input); {
		r, size := utf8.DecodeRune(input[i:])
		if r != utf8.RuneError || size != 1 {
			r = foldRune(r)
		}
		before := len(text)
		text = utf8.AppendRune(text, r)
		for j := before; j < len(text); j++ {
			orig = append(orig, i)
		}
		i += size
	}
	orig = append(orig, len(input))
	return normalized{text: text, orig: orig}
}
