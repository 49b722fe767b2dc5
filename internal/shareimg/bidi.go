package shareimg

import (
	"unicode"

	"golang.org/x/text/unicode/bidi"
)

// This file holds a deliberately small subset of the Unicode
// Bidirectional Algorithm (UAX #9), enough for one-paragraph titles:
// strong types from the Unicode tables; marks take their base's type;
// digit runs (with the separators and terminators around them) stay
// left to right; neutrals between two runs of one direction take it,
// otherwise the paragraph's; each line is reordered (rule L2) with marks
// kept after their base, and brackets are mirrored in right-to-left runs.
// It does not do explicit embeddings or isolates (their controls are
// removed before layout) nor bracket pairing (N0).

// Simplified bidi types.
const (
	tNeutral = iota
	tL
	tR
	tEN // European digits, which W7 may turn into L
	tAN // Arabic-Indic digits
)

func bidiType(r rune) (int, bidi.Class) {
	p, _ := bidi.LookupRune(r)
	c := p.Class()
	switch c {
	case bidi.L:
		return tL, c
	case bidi.R, bidi.AL:
		return tR, c
	case bidi.EN:
		return tEN, c
	case bidi.AN:
		return tAN, c
	}
	return tNeutral, c
}

// firstStrong reports the direction of the first strongly directional
// character of rs (rule P2): rtl, and whether there was one at all.
func firstStrong(rs []rune) (rtl, found bool) {
	for _, r := range rs {
		switch t, _ := bidiType(r); t {
		case tL:
			return false, true
		case tR:
			return true, true
		}
	}
	return false, false
}

// levels resolves the embedding level of each rune of a paragraph whose
// base level is 0 (left to right) or 1 (right to left).
func levels(rs []rune, base uint8) []uint8 {
	n := len(rs)
	types := make([]int, n)
	classes := make([]bidi.Class, n)
	for i, r := range rs {
		types[i], classes[i] = bidiType(r)
		if classes[i] == bidi.NSM || isMark(r) { // W1: a mark is what it follows
			types[i] = tNeutral
			if i > 0 {
				types[i] = types[i-1]
			}
		}
	}
	// W4, W5: a separator between digits, a terminator next to digits,
	// joins them.
	for i := 1; i+1 < n; i++ {
		if (classes[i] == bidi.CS || classes[i] == bidi.ES) && types[i] == tNeutral &&
			isNum(types[i-1]) && types[i+1] == types[i-1] {
			types[i] = types[i-1]
		}
	}
	for i := range n {
		if classes[i] == bidi.ET && types[i] == tNeutral {
			j := i
			for j < n && classes[j] == bidi.ET {
				j++
			}
			if (j < n && types[j] == tEN) || (i > 0 && types[i-1] == tEN) {
				for k := i; k < j; k++ {
					types[k] = tEN
				}
			}
		}
	}
	// W7: European digits after a left-to-right run (or at the start of a
	// left-to-right paragraph) are left to right.
	prevStrong := tL
	if base == 1 {
		prevStrong = tR
	}
	for i, t := range types {
		switch t {
		case tL, tR:
			prevStrong = t
		case tEN:
			if prevStrong == tL {
				types[i] = tL
			}
		}
	}
	// N1, N2: neutrals between runs of one direction take it (digits count
	// as right to left); others take the paragraph's direction.
	baseType := tL
	if base == 1 {
		baseType = tR
	}
	strong := func(t int) int {
		if t == tEN || t == tAN {
			return tR
		}
		return t
	}
	for i := 0; i < n; {
		if types[i] != tNeutral {
			i++
			continue
		}
		j := i
		for j < n && types[j] == tNeutral {
			j++
		}
		before, after := baseType, baseType
		if i > 0 {
			before = strong(types[i-1])
		}
		if j < n {
			after = strong(types[j])
		}
		t := baseType
		if before == after {
			t = before
		}
		for k := i; k < j; k++ {
			types[k] = t
		}
		i = j
	}
	// I1, I2.
	lv := make([]uint8, n)
	for i, t := range types {
		switch {
		case base == 0 && t == tL:
			lv[i] = 0
		case base == 0 && t == tR:
			lv[i] = 1
		case base == 0:
			lv[i] = 2
		case t == tR:
			lv[i] = 1
		default:
			lv[i] = 2
		}
	}
	return lv
}

func isNum(t int) bool { return t == tEN || t == tAN }

// isMark reports whether r is a combining mark drawn over its base.
func isMark(r rune) bool { return unicode.In(r, unicode.Mn, unicode.Me) }

// visualOrder returns the indices of one line (whose runes have the given
// levels) from left to right: rule L2, keeping each mark after its base.
// base is the paragraph level; trailing spaces get it (rule L1).
func visualOrder(rs []rune, lv []uint8, base uint8) []int {
	// Clusters: a base and the marks after it.
	type cluster struct {
		start, end int
		level      uint8
	}
	var cs []cluster
	for i := range rs {
		if i > 0 && isMark(rs[i]) && len(cs) > 0 {
			cs[len(cs)-1].end = i + 1
			continue
		}
		cs = append(cs, cluster{i, i + 1, lv[i]})
	}
	for i := len(cs) - 1; i >= 0 && unicode.IsSpace(rs[cs[i].start]); i-- {
		cs[i].level = base
	}
	var maxL, minOdd uint8 = 0, 255
	for _, c := range cs {
		maxL = max(maxL, c.level)
		if c.level%2 == 1 {
			minOdd = min(minOdd, c.level)
		}
	}
	for l := maxL; l >= minOdd && l > 0; l-- {
		for i := 0; i < len(cs); {
			if cs[i].level < l {
				i++
				continue
			}
			j := i
			for j < len(cs) && cs[j].level >= l {
				j++
			}
			for a, b := i, j-1; a < b; a, b = a+1, b-1 {
				cs[a], cs[b] = cs[b], cs[a]
			}
			i = j
		}
	}
	out := make([]int, 0, len(rs))
	for _, c := range cs {
		for k := c.start; k < c.end; k++ {
			out = append(out, k)
		}
	}
	return out
}

// mirror returns the mirror image of a bracket-like character, drawn in
// a right-to-left run (rule L4), or r itself.
func mirror(r rune) rune {
	switch r {
	case '(':
		return ')'
	case ')':
		return '('
	case '[':
		return ']'
	case ']':
		return '['
	case '{':
		return '}'
	case '}':
		return '{'
	case '<':
		return '>'
	case '>':
		return '<'
	case '«':
		return '»'
	case '»':
		return '«'
	case '‹':
		return '›'
	case '›':
		return '‹'
	}
	return r
}
