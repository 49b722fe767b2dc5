package draft

import (
	"html"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"folio/article"
	"folio/sanitize"
)

// Text reads an article saved as plain text, the way scrapers save a page:
// the first line is the title, paragraphs are separated by blank lines, and
// a few lines between the title and the body carry the page's furniture.
// Text recognises that furniture by its shape, not by any one site's layout:
//
//   - a category line: the first line after the title when it is a short run
//     of capitalised labels with no sentence punctuation, or "Tags: a, b";
//     its labels become tags (see splitLabels for how run-together labels
//     such as "ThreatsCybercrime", a breadcrumb "Threats › Cybercrime" that
//     lost its separator, are split);
//   - a byline, "By Jane Doe", which becomes the author;
//   - a credit line, "Image: …", "Photo: …", "Credit: …", "Photo by …",
//     which becomes the image credit;
//   - the image caption: a line that appears twice in a row (alt text and
//     caption, often once with straight and once with curly quotes), kept
//     once in its typographic form, or a single line just before a credit
//     line.
//
// The body keeps every other line. A block of lines is one paragraph when it
// looks hard-wrapped (no line longer than 100 characters) and one paragraph
// per line otherwise; lines that start with "- ", "* " or "• " form a list.
// Consecutive duplicate paragraphs, and paragraphs that repeat the title
// (scrapers often save the headline again), are dropped. Scraper residue at
// the end of a paragraph (after its final punctuation: fragments of
// URL-encoded paths such as "d693%2fthumb%2f00001", with any hex chunks
// before them) is removed.
//
// Plain text names no image URL, so when there is a caption or credit the
// Draft's Image carries them with an empty Src, and so does the article:
// readers show the caption and credit without a picture.
func Text(src []byte) (*Draft, error) {
	src, err := checkInput(src)
	if err != nil {
		return nil, err
	}
	blocks := textBlocks(string(src))
	d := &Draft{Title: blocks[0][0]}
	blocks[0] = blocks[0][1:]
	if len(blocks[0]) == 0 {
		blocks = blocks[1:]
	}

	var caption, credit string
	header := true // still reading the lines between the title and the body
	first := true  // the next line is the first one after the title
	for len(blocks) > 0 && header {
		b := blocks[0]
		i := 0
		for i < len(b) {
			line := b[i]
			next, hasNext := nextLine(blocks, i)
			switch {
			case first && hasNext && isCategoryLine(line):
				d.Tags = splitLabels(line)
				i++
			case i+1 < len(b) && sameText(line, b[i+1]):
				if caption == "" {
					caption = typographic(line, b[i+1])
				}
				i += 2
			case creditLine(line) != "" && credit == "":
				credit = creditLine(line)
				i++
			case byline(line) != "" && d.Author == "":
				d.Author = byline(line)
				i++
			case caption == "" && hasNext && creditLine(next) != "" && utf8.RuneCountInString(line) <= 300:
				caption = line
				i++
			default:
				header = false
			}
			if !header {
				break
			}
			first = false
		}
		blocks[0] = b[i:]
		if len(blocks[0]) == 0 {
			blocks = blocks[1:]
		}
	}
	if caption != "" || credit != "" {
		d.Image = &article.Image{Caption: caption, Credit: credit}
	}
	d.Body = textBody(d.Title, blocks)
	return d, nil
}

// nextLine returns the line after line i of the first block: the next line
// of that block or the first line of the following one.
func nextLine(blocks [][]string, i int) (string, bool) {
	if i+1 < len(blocks[0]) {
		return blocks[0][i+1], true
	}
	if len(blocks) > 1 {
		return blocks[1][0], true
	}
	return "", false
}

// textBlocks splits text into blocks of non-blank lines, each line trimmed.
// It returns at least one block with at least one line (the input is not
// blank).
func textBlocks(s string) [][]string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	var blocks [][]string
	var cur []string
	for _, line := range strings.Split(s, "\n") {
		line = strings.Join(strings.Fields(line), " ") // also drops NBSP and tabs
		if line == "" {
			if cur != nil {
				blocks = append(blocks, cur)
				cur = nil
			}
			continue
		}
		cur = append(cur, line)
	}
	if cur != nil {
		blocks = append(blocks, cur)
	}
	return blocks
}

// textBody renders the body blocks as HTML paragraphs and lists.
func textBody(title string, blocks [][]string) string {
	type para struct {
		text string
		list []string
		url  bool // a provider's URL alone on its line: the sanitiser's embed facade
	}
	var paras []para
	for _, b := range blocks {
		// Split the block into runs of bullet lines (lists) and of other
		// lines (paragraphs).
		for len(b) > 0 {
			n := 0
			for n < len(b) && isBullet(b[n]) {
				n++
			}
			if n > 0 {
				items, _ := listItems(b[:n])
				paras = append(paras, para{list: items})
				b = b[n:]
				continue
			}
			if isEmbedLine(b[0]) {
				paras = append(paras, para{text: b[0], url: true})
				b = b[1:]
				continue
			}
			for n < len(b) && !isBullet(b[n]) && !isEmbedLine(b[n]) {
				n++
			}
			lines := b[:n]
			b = b[n:]
			wrapped := true
			for _, l := range lines[:len(lines)-1] {
				if utf8.RuneCountInString(l) > 100 {
					wrapped = false
				}
			}
			if wrapped {
				paras = append(paras, para{text: strings.Join(lines, " ")})
				continue
			}
			for _, l := range lines {
				paras = append(paras, para{text: l})
			}
		}
	}

	var out []para
	for _, p := range paras {
		if p.list == nil && !p.url {
			p.text = stripResidue(p.text)
			if p.text == "" {
				continue
			}
			if sameText(p.text, title) {
				continue
			}
			if n := len(out); n > 0 && out[n-1].list == nil && sameText(out[n-1].text, p.text) {
				out[n-1].text = typographic(out[n-1].text, p.text)
				continue
			}
		}
		out = append(out, p)
	}

	var b strings.Builder
	for _, p := range out {
		if p.list != nil {
			b.WriteString("<ul>\n")
			for _, it := range p.list {
				b.WriteString("<li>" + html.EscapeString(it) + "</li>\n")
			}
			b.WriteString("</ul>\n")
			continue
		}
		b.WriteString("<p>" + html.EscapeString(p.text) + "</p>\n")
	}
	return b.String()
}

// isEmbedLine reports whether a line is only the URL of a provider the
// sanitiser makes an embed facade of (a YouTube video, a post…): it gets a
// paragraph of its own, as a CMS's bare link on its own line does.
func isEmbedLine(l string) bool {
	if !strings.HasPrefix(l, "http") || strings.ContainsAny(l, " \t") {
		return false
	}
	_, ok := sanitize.MatchEmbed(l)
	return ok
}

// bulletMarkers start the lines of a list.
var bulletMarkers = []string{"- ", "* ", "• "}

// isBullet reports whether a line is a list item.
func isBullet(l string) bool {
	_, ok := bulletItem(l)
	return ok
}

// bulletItem returns a list item's text without its marker.
func bulletItem(l string) (string, bool) {
	for _, m := range bulletMarkers {
		if rest, found := strings.CutPrefix(l, m); found && strings.TrimSpace(rest) != "" {
			return strings.TrimSpace(rest), true
		}
	}
	return "", false
}

// listItems returns the items of bullet lines without their markers, and
// whether every line was one.
func listItems(b []string) ([]string, bool) {
	items := make([]string, 0, len(b))
	for _, l := range b {
		it, ok := bulletItem(l)
		if !ok {
			return nil, false
		}
		items = append(items, it)
	}
	return items, true
}

// normText folds a line for comparison: typographic quotes, dashes and
// ellipses become their ASCII forms, spacing is collapsed and case folded.
func normText(s string) string {
	s = quoteFolder.Replace(s)
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

var quoteFolder = strings.NewReplacer(
	"‘", "'", "’", "'", "‚", "'", "‛", "'", "′", "'", "`", "'",
	"“", `"`, "”", `"`, "„", `"`, "‟", `"`, "″", `"`, "«", `"`, "»", `"`,
	"–", "-", "—", "-", "‐", "-", "‑", "-", "…", "...",
)

// sameText reports whether two lines say the same thing once quotes,
// dashes, spacing and case are folded.
func sameText(a, b string) bool {
	na := normText(a)
	return utf8.RuneCountInString(na) >= 3 && na == normText(b)
}

// typographic returns whichever of two equal lines has more typographic
// punctuation (curly quotes, real dashes and ellipses); a on a tie.
func typographic(a, b string) string {
	score := func(s string) int {
		n := 0
		for _, r := range s {
			if strings.ContainsRune("‘’“”„«»–—…", r) {
				n++
			}
		}
		return n
	}
	if score(b) > score(a) {
		return b
	}
	return a
}

var (
	creditRE = regexp.MustCompile(`(?i)^(?:image|images|photo|photos|photograph|picture|illustration|credit|credits|image credit|photo credit|photo credits|image source|photo source|header image|top image|lead image|featured image)\s*[:：]\s*(\S.*)$`)
	creditBy = regexp.MustCompile(`(?i)^(?:photo|image|illustration|picture|photograph) by\s+(\S.*)$`)
)

// creditLine returns the credit named by a line such as "Image: BPA via
// Getty Images" or "(Photo by Jane Doe)", or "" if it is not one.
func creditLine(line string) string {
	if utf8.RuneCountInString(line) > 200 {
		return ""
	}
	line = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(line, "("), ")"))
	for _, re := range []*regexp.Regexp{creditRE, creditBy} {
		if m := re.FindStringSubmatch(line); m != nil {
			return strings.TrimSpace(m[1])
		}
	}
	return ""
}

// byline returns the author named by a line such as "By Jane Doe" or "By
// Jane Doe and John Roe", or "" if it is not one.
func byline(line string) string {
	rest, ok := strings.CutPrefix(line, "By ")
	if !ok {
		rest, ok = strings.CutPrefix(line, "by ")
	}
	if !ok || utf8.RuneCountInString(rest) > 80 {
		return ""
	}
	words := strings.Fields(strings.ReplaceAll(rest, ",", " "))
	if len(words) == 0 || len(words) > 8 {
		return ""
	}
	for _, w := range words {
		switch strings.ToLower(w) {
		case "and", "&", "de", "van", "von", "der", "den", "la", "le", "da", "di", "du", "bin", "al":
			continue
		}
		r, _ := utf8.DecodeRuneInString(w)
		if !unicode.IsUpper(r) || strings.ContainsAny(w, "!?;:\"“”") || strings.HasSuffix(w, ".") && utf8.RuneCountInString(w) > 2 {
			return ""
		}
	}
	return strings.TrimRight(rest, ", ")
}

// tagsLineRE matches an explicit tag line: "Tags: a, b" or "Filed under: a".
var tagsLineRE = regexp.MustCompile(`(?i)^(?:tags|tagged|topics|categories|category|filed under|posted in)\s*[:：]\s*(\S.*)$`)

// labelSeparators separate the labels of a category line that kept them.
const labelSeparators = "|·•›»/,;"

// isCategoryLine reports whether line has the shape of a category line: an
// explicit "Tags: …" line, or a short line of capitalised tokens with no
// sentence punctuation and none of the little words that prose and title-case
// subtitles are made of.
func isCategoryLine(line string) bool {
	if m := tagsLineRE.FindStringSubmatch(line); m != nil {
		return true
	}
	if utf8.RuneCountInString(line) > 200 {
		return false
	}
	fields := strings.FieldsFunc(line, func(r rune) bool { return unicode.IsSpace(r) || strings.ContainsRune(labelSeparators, r) })
	if len(fields) == 0 || len(fields) > 20 {
		return false
	}
	if strings.ContainsAny(line, ".!?:\"“”()[]{}") {
		return false
	}
	for _, f := range fields {
		if f == "&" || f == "+" {
			continue
		}
		r, _ := utf8.DecodeRuneInString(f)
		if !unicode.IsUpper(r) && !unicode.IsDigit(r) {
			return false
		}
		if functionWords[strings.ToLower(f)] {
			return false
		}
		for _, r := range f {
			if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' && r != '\'' && r != '’' && r != '&' {
				return false
			}
		}
	}
	return true
}

// functionWords are words that occur in prose and title-case headlines but
// hardly ever in a list of category labels.
var functionWords = setOf("a", "an", "the", "of", "and", "or", "in", "on", "at", "to", "for", "with", "by", "from",
	"how", "why", "what", "when", "who", "where", "is", "are", "was", "were", "be", "it", "its", "this", "that",
	"as", "but", "not", "no", "your", "our", "my", "his", "her", "their", "we", "you", "i", "he", "she", "they",
	"will", "can", "has", "have", "had", "do", "does", "did", "after", "over", "into", "about", "than", "then")

// headNouns are words that end a multi-word section label ("Security
// News"); a plain word followed by one of them forms a single label.
var headNouns = setOf("news", "updates", "analysis", "opinion", "reviews", "features", "research", "insights",
	"alerts", "advisories", "stories", "reports", "briefs", "blog", "policy", "events")

// noiseLabels are labels that say nothing about the article: CMS defaults
// and navigation sections. They are compared without spaces or hyphens.
var noiseLabels = setOf("uncategorized", "uncategorised", "uncategorized", "general", "latestnews", "latest",
	"news", "home", "featured", "all", "misc", "miscellaneous", "other", "blog", "posts", "articles", "topstories")

func setOf(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// splitLabels turns a category line into tags. With explicit separators
// ("Security News | Threats › Cybercrime", "Tags: a, b") the labels are the
// parts between them. Without, as scrapers usually leave them, the labels
// are space-separated tokens, and:
//
//   - a token run together from a parent and a child category
//     ("ThreatsCybercrime", from "Threats › Cybercrime") is split into both,
//     but only when its first part is shared with another label on the line
//     (a parent with several children, "ThreatsStrategic"), so that brand
//     names such as JavaScript or WordPress stay whole;
//   - an acronym prefix joined by a hyphen to a run-together token
//     ("CERT-LatestNews") is a label of its own ("CERT");
//   - a word followed by a section noun such as News or Analysis forms one
//     label ("Security News");
//   - CMS defaults and navigation sections ("Uncategorized", "Latest News",
//     "General") are dropped;
//   - duplicates are dropped, ignoring case.
func splitLabels(line string) []string {
	var labels []string
	if m := tagsLineRE.FindStringSubmatch(line); m != nil {
		line = m[1]
		labels = strings.FieldsFunc(line, func(r rune) bool { return strings.ContainsRune(labelSeparators, r) })
	} else if strings.ContainsAny(line, labelSeparators) {
		labels = strings.FieldsFunc(line, func(r rune) bool { return strings.ContainsRune(labelSeparators, r) })
	} else {
		labels = splitRunTogether(strings.Fields(line))
	}
	var out []string
	seen := map[string]bool{}
	for _, l := range labels {
		l = strings.Join(strings.Fields(l), " ")
		key := strings.ToLower(l)
		squashed := strings.NewReplacer(" ", "", "-", "", "_", "").Replace(key)
		if l == "" || noiseLabels[squashed] || seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, l)
	}
	return out
}

// splitRunTogether applies the token rules of splitLabels.
func splitRunTogether(tokens []string) []string {
	// An acronym prefix hyphenated to a run-together token is a label.
	var expanded []string
	for _, t := range tokens {
		if left, right, ok := strings.Cut(t, "-"); ok && len(left) >= 2 && isAllUpper(left) && len(camelParts(right)) > 1 {
			expanded = append(expanded, left, right)
			continue
		}
		expanded = append(expanded, t)
	}

	// Parents: first parts of run-together tokens and whole tokens.
	firstParts := map[string]int{}
	whole := map[string]bool{}
	for _, t := range expanded {
		whole[strings.ToLower(t)] = true
		if p := camelParts(t); len(p) > 1 {
			firstParts[strings.ToLower(p[0])]++
		}
	}

	type unit struct {
		label string
		plain bool // a whole token, not a piece of a split one
	}
	var units []unit
	for _, t := range expanded {
		p := camelParts(t)
		if len(p) > 1 {
			parent := strings.ToLower(p[0])
			if firstParts[parent] > 1 || whole[parent] {
				units = append(units, unit{p[0], false}, unit{strings.Join(p[1:], ""), false})
				continue
			}
		}
		units = append(units, unit{t, true})
	}

	var labels []string
	for i := 0; i < len(units); i++ {
		u := units[i]
		if u.plain && i+1 < len(units) && units[i+1].plain && headNouns[strings.ToLower(units[i+1].label)] && !headNouns[strings.ToLower(u.label)] {
			labels = append(labels, u.label+" "+units[i+1].label)
			i++
			continue
		}
		labels = append(labels, u.label)
	}
	return labels
}

// camelParts splits a token at its case changes: "ThreatsCybercrime" gives
// Threats and Cybercrime, "CERTAlerts" gives CERT and Alerts. A token with
// anything but letters is one part.
func camelParts(t string) []string {
	rs := []rune(t)
	for _, r := range rs {
		if !unicode.IsLetter(r) {
			return []string{t}
		}
	}
	var parts []string
	start := 0
	for i := 1; i < len(rs); i++ {
		lowerUpper := unicode.IsLower(rs[i-1]) && unicode.IsUpper(rs[i])
		acronymEnd := i+1 < len(rs) && unicode.IsUpper(rs[i-1]) && unicode.IsUpper(rs[i]) && unicode.IsLower(rs[i+1])
		if lowerUpper || acronymEnd {
			parts = append(parts, string(rs[start:i]))
			start = i
		}
	}
	return append(parts, string(rs[start:]))
}

func isAllUpper(s string) bool {
	for _, r := range s {
		if !unicode.IsUpper(r) {
			return false
		}
	}
	return s != ""
}

var (
	percentRE = regexp.MustCompile(`%[0-9A-Fa-f]{2}`)
	imagePath = regexp.MustCompile(`(?i)[/.](?:jpe?g|png|gif|webp|avif|svg)(?:[?#]|$)`)
	hexRE     = regexp.MustCompile(`^[0-9A-Fa-f]{4,}$`)
	idRE      = regexp.MustCompile(`^[A-Za-z0-9_-]{16,}$`)
)

// stripResidue removes scraper residue from the end of a paragraph: a run
// of trailing tokens that look like pieces of a URL (percent-encoded path
// fragments, image paths without a scheme, hex chunks, long ids), when the
// run holds at least one URL fragment and follows the paragraph's final
// punctuation (or is the whole paragraph). A complete URL with a scheme is
// content and stays.
func stripResidue(p string) string {
	words := strings.Fields(p)
	i := len(words)
	strong := false
	for i > 0 {
		w := words[i-1]
		if strings.Contains(w, "://") {
			break
		}
		switch {
		case percentRE.MatchString(w) || imagePath.MatchString(w):
			strong = true
		case isHexChunk(w) || idRE.MatchString(w) && strings.ContainsAny(w, "0123456789"):
		default:
			goto done
		}
		i--
	}
done:
	if !strong || i == len(words) {
		return p
	}
	if i > 0 {
		last := words[i-1]
		r, _ := utf8.DecodeLastRuneInString(last)
		if !strings.ContainsRune(".!?\"”’)»…", r) {
			return p
		}
	}
	return strings.Join(words[:i], " ")
}

// isHexChunk reports whether w is a run of hex digits with both a digit and
// a letter ("95ca", "a1b2"), which words and numbers are not.
func isHexChunk(w string) bool {
	return hexRE.MatchString(w) && strings.ContainsAny(w, "0123456789") && strings.ContainsAny(strings.ToLower(w), "abcdef")
}
