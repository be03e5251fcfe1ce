package index

import (
	"sort"
	"unicode/utf8"
)

// Fragment is a piece of a snippet; Hit marks matched words. Templates
// escape Text and wrap hits in <mark>: no HTML is ever built here.
type Fragment struct {
	Text string
	Hit  bool
}

// Snippet cuts the window of about width runes of text that holds the most
// matched spans, and splits it into fragments. Overlapping spans are merged
// into their union (a longer word and its sub-word are marked as the longer
// word). Spans outside text or not on rune boundaries are ignored.
func Snippet(text string, spans []Span, width int) []Fragment {
	if text == "" {
		return nil
	}
	var ss []Span
	for _, s := range spans {
		if s.Start >= 0 && s.End <= len(text) && s.Start < s.End &&
			utf8.RuneStart(text[s.Start]) && (s.End == len(text) || utf8.RuneStart(text[s.End])) {
			ss = append(ss, s)
		}
	}
	sort.Slice(ss, func(i, j int) bool {
		return ss[i].Start < ss[j].Start || ss[i].Start == ss[j].Start && ss[i].End > ss[j].End
	})
	merged := ss[:0]
	for _, s := range ss {
		if n := len(merged); n > 0 && s.Start < merged[n-1].End {
			merged[n-1].End = max(merged[n-1].End, s.End)
			continue
		}
		merged = append(merged, s)
	}

	// Choose the window: byte bounds of about width runes, starting a few
	// runes before the span that begins the densest run.
	if width <= 0 {
		width = 120
	}
	start, end := 0, len(text)
	if utf8.RuneCountInString(text) > width {
		best, bestCount := 0, -1
		for i, s := range merged {
			count := 0
			limit := advance(text, s.Start, width*3/4)
			for _, t := range merged[i:] {
				if t.End > limit {
					break
				}
				count++
			}
			if count > bestCount {
				best, bestCount = s.Start, count
			}
		}
		start = retreat(text, best, width/4)
		end = advance(text, start, width)
	}

	var out []Fragment
	if start > 0 {
		out = append(out, Fragment{Text: "…"})
	}
	at := start
	for _, s := range merged {
		if s.End <= start || s.Start >= end {
			continue
		}
		a, b := max(s.Start, start), min(s.End, end)
		if a > at {
			out = append(out, Fragment{Text: text[at:a]})
		}
		out = append(out, Fragment{Text: text[a:b], Hit: true})
		at = b
	}
	if at < end {
		out = append(out, Fragment{Text: text[at:end]})
	}
	if end < len(text) {
		out = append(out, Fragment{Text: "…"})
	}
	return out
}

// advance moves n runes forward from byte offset i.
func advance(s string, i, n int) int {
	for ; n > 0 && i < len(s); n-- {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return i
}

// retreat moves n runes back from byte offset i.
func retreat(s string, i, n int) int {
	for ; n > 0 && i > 0; n-- {
		_, size := utf8.DecodeLastRuneInString(s[:i])
		i -= size
	}
	return i
}
