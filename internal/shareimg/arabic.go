package shareimg

// Arabic letters join their neighbours and change shape. Fonts hold the
// joined shapes in OpenType tables that only a full shaper (HarfBuzz)
// applies; most Arabic fonts (DejaVu Sans, Noto Naskh Arabic, Amiri, …)
// also map Unicode's presentation forms, one code point per shape, and
// shapeArabic uses those. Not done: mark positioning beyond the font's
// own zero-width marks, and ligatures other than lam-alef.

// Joining types.
const (
	jNone    = iota // does not join (and anything that is not Arabic)
	jRight          // joins the letter before it only (alef, dal, reh, waw, …)
	jDual           // joins both sides
	jCausing        // tatweel and ZWJ: joins both, has no forms of its own
)

// arabicForms maps a letter to its isolated, final, initial and medial
// presentation forms (0 where there is none).
var arabicForms = map[rune][4]rune{
	0x0621: {0xFE80, 0, 0, 0},
	0x0622: {0xFE81, 0xFE82, 0, 0},
	0x0623: {0xFE83, 0xFE84, 0, 0},
	0x0624: {0xFE85, 0xFE86, 0, 0},
	0x0625: {0xFE87, 0xFE88, 0, 0},
	0x0626: {0xFE89, 0xFE8A, 0xFE8B, 0xFE8C},
	0x0627: {0xFE8D, 0xFE8E, 0, 0},
	0x0628: {0xFE8F, 0xFE90, 0xFE91, 0xFE92},
	0x0629: {0xFE93, 0xFE94, 0, 0},
	0x062A: {0xFE95, 0xFE96, 0xFE97, 0xFE98},
	0x062B: {0xFE99, 0xFE9A, 0xFE9B, 0xFE9C},
	0x062C: {0xFE9D, 0xFE9E, 0xFE9F, 0xFEA0},
	0x062D: {0xFEA1, 0xFEA2, 0xFEA3, 0xFEA4},
	0x062E: {0xFEA5, 0xFEA6, 0xFEA7, 0xFEA8},
	0x062F: {0xFEA9, 0xFEAA, 0, 0},
	0x0630: {0xFEAB, 0xFEAC, 0, 0},
	0x0631: {0xFEAD, 0xFEAE, 0, 0},
	0x0632: {0xFEAF, 0xFEB0, 0, 0},
	0x0633: {0xFEB1, 0xFEB2, 0xFEB3, 0xFEB4},
	0x0634: {0xFEB5, 0xFEB6, 0xFEB7, 0xFEB8},
	0x0635: {0xFEB9, 0xFEBA, 0xFEBB, 0xFEBC},
	0x0636: {0xFEBD, 0xFEBE, 0xFEBF, 0xFEC0},
	0x0637: {0xFEC1, 0xFEC2, 0xFEC3, 0xFEC4},
	0x0638: {0xFEC5, 0xFEC6, 0xFEC7, 0xFEC8},
	0x0639: {0xFEC9, 0xFECA, 0xFECB, 0xFECC},
	0x063A: {0xFECD, 0xFECE, 0xFECF, 0xFED0},
	0x0641: {0xFED1, 0xFED2, 0xFED3, 0xFED4},
	0x0642: {0xFED5, 0xFED6, 0xFED7, 0xFED8},
	0x0643: {0xFED9, 0xFEDA, 0xFEDB, 0xFEDC},
	0x0644: {0xFEDD, 0xFEDE, 0xFEDF, 0xFEE0},
	0x0645: {0xFEE1, 0xFEE2, 0xFEE3, 0xFEE4},
	0x0646: {0xFEE5, 0xFEE6, 0xFEE7, 0xFEE8},
	0x0647: {0xFEE9, 0xFEEA, 0xFEEB, 0xFEEC},
	0x0648: {0xFEED, 0xFEEE, 0, 0},
	0x0649: {0xFEEF, 0xFEF0, 0, 0},
	0x064A: {0xFEF1, 0xFEF2, 0xFEF3, 0xFEF4},
	// Persian and Urdu letters (Presentation Forms-A).
	0x067E: {0xFB56, 0xFB57, 0xFB58, 0xFB59},
	0x0686: {0xFB7A, 0xFB7B, 0xFB7C, 0xFB7D},
	0x0698: {0xFB8A, 0xFB8B, 0, 0},
	0x06A9: {0xFB8E, 0xFB8F, 0xFB90, 0xFB91},
	0x06AF: {0xFB92, 0xFB93, 0xFB94, 0xFB95},
	0x06CC: {0xFBFC, 0xFBFD, 0xFBFE, 0xFBFF},
}

// lamAlef maps an alef to the isolated and final forms of lam followed by it.
var lamAlef = map[rune][2]rune{
	0x0622: {0xFEF5, 0xFEF6},
	0x0623: {0xFEF7, 0xFEF8},
	0x0625: {0xFEF9, 0xFEFA},
	0x0627: {0xFEFB, 0xFEFC},
}

func joining(r rune) int {
	switch r {
	case 0x0640, 0x200D:
		return jCausing
	}
	f, ok := arabicForms[r]
	switch {
	case !ok:
		return jNone
	case f[2] != 0:
		return jDual
	case f[1] != 0:
		return jRight
	}
	return jNone
}

// shapeArabic replaces Arabic letters by the presentation form their
// neighbours call for, and lam-alef by its ligature, wherever has(form)
// (a font can draw it); other runes are kept. Marks are transparent.
func shapeArabic(rs []rune, has func(rune) bool) []rune {
	arabic := false
	for _, r := range rs {
		if r >= 0x0600 && r <= 0x06FF {
			arabic = true
			break
		}
	}
	if !arabic {
		return rs
	}
	// neighbour returns the joining type of the nearest non-mark rune
	// from i in direction d.
	neighbour := func(i, d int) int {
		for i += d; i >= 0 && i < len(rs); i += d {
			if !isMark(rs[i]) {
				return joining(rs[i])
			}
		}
		return jNone
	}
	out := make([]rune, 0, len(rs))
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		forms, ok := arabicForms[r]
		if !ok {
			out = append(out, r)
			continue
		}
		j := joining(r)
		prev, next := neighbour(i, -1), neighbour(i, +1)
		joinPrev := (j == jRight || j == jDual) && (prev == jDual || prev == jCausing)
		if r == 0x0644 && i+1 < len(rs) {
			if lig, ok := lamAlef[rs[i+1]]; ok {
				form := lig[0]
				if joinPrev {
					form = lig[1]
				}
				if has(form) {
					out = append(out, form)
					i++
					continue
				}
			}
		}
		joinNext := j == jDual && next != jNone
		k := 0
		switch {
		case joinPrev && joinNext:
			k = 3
		case joinNext:
			k = 2
		case joinPrev:
			k = 1
		}
		if f := forms[k]; f != 0 && has(f) {
			r = f
		}
		out = append(out, r)
	}
	return out
}
