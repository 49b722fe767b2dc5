package draft

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"go.yaml.in/yaml/v3"

	"folio/article"
	"folio/sanitize"
)

// md converts Markdown with the GitHub extensions Folio supports: tables,
// strikethrough and autolinks. It runs with html.WithUnsafe, so raw HTML and
// every link reach the sanitiser, which is the one place that decides what
// is safe; goldmark's own filter would be a second, different policy.
var md = goldmark.New(
	goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.Linkify),
	goldmark.WithRendererOptions(html.WithUnsafe()),
)

// Markdown reads Markdown with optional YAML front matter between "---"
// lines. The front matter keys are title, subtitle, author, site, url,
// published, updated, tags, image (a URL, or a map of src, alt, caption and
// credit), excerpt, lang, dir and slug; the common names other tools use
// (date, lastmod, modified, description, summary, categories) are read too,
// and keys Folio does not know (layout, draft, …) are ignored, so files
// written for static site generators import as they are. A value of the
// wrong type is an error naming the key and line.
//
// Without a title in the front matter, the first level-1 heading is the
// title and is removed from the body; with one, a first heading that repeats
// it is removed as well.
//
// Embeds: a provider's URL alone on a line (a YouTube video, a post…) gets
// a paragraph of its own, and so do Hugo's embed shortcodes on a line of
// their own ({{< youtube ID >}}, vimeo, tweet and x, gist, instagram), as
// the URL they name; the sanitiser makes each a facade (see sanitize).
func Markdown(src []byte) (*Draft, error) {
	src, err := checkInput(src)
	if err != nil {
		return nil, err
	}
	d := &Draft{}
	body, err := frontMatter(src, d)
	if err != nil {
		return nil, err
	}
	body = embedLines(body)
	doc := md.Parser().Parse(text.NewReader(body))
	if h := firstHeading(doc); h != nil {
		var buf bytes.Buffer
		if err := md.Renderer().Render(&buf, body, h); err != nil {
			return nil, fmt.Errorf("draft: render heading: %w", err)
		}
		title := strings.TrimSpace(buf.String())
		title = strings.TrimSuffix(strings.TrimPrefix(title, "<h1>"), "</h1>")
		if d.Title == "" {
			d.Title = title
			h.Parent().RemoveChild(h.Parent(), h)
		} else if normText(plainish(title)) == normText(d.Title) {
			h.Parent().RemoveChild(h.Parent(), h)
		}
	}
	var buf bytes.Buffer
	if err := md.Renderer().Render(&buf, body, doc); err != nil {
		return nil, fmt.Errorf("draft: render markdown: %w", err)
	}
	d.Body = buf.String()
	return d, nil
}

// plainish drops tags from a rendered heading for comparison only.
func plainish(s string) string {
	var b strings.Builder
	in := false
	for _, r := range s {
		switch {
		case r == '<':
			in = true
		case r == '>':
			in = false
		case !in:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// firstHeading returns the document's first level-1 heading, or nil.
func firstHeading(doc ast.Node) *ast.Heading {
	var found *ast.Heading
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if h, ok := n.(*ast.Heading); ok && entering && h.Level == 1 {
			found = h
			return ast.WalkStop, nil
		}
		return ast.WalkContinue, nil
	})
	return found
}

// frontMatter fills d from the YAML front matter at the start of src, if
// any, and returns the Markdown after it.
func frontMatter(src []byte, d *Draft) ([]byte, error) {
	first, rest, _ := bytes.Cut(src, []byte("\n"))
	if string(bytes.TrimRight(first, " \t\r")) != "---" {
		return src, nil
	}
	var yml []byte
	line := 1
	for {
		var l []byte
		var more bool
		l, rest, more = bytes.Cut(rest, []byte("\n"))
		line++
		if s := string(bytes.TrimRight(l, " \t\r")); s == "---" || s == "..." {
			break
		}
		if !more {
			return nil, article.Errorf(article.EINVALID, "front matter: no closing \"---\" line")
		}
		yml = append(append(yml, l...), '\n')
	}
	var root yaml.Node
	if err := yaml.Unmarshal(yml, &root); err != nil {
		return nil, article.Errorf(article.EINVALID, "front matter: %s", yamlMessage(err))
	}
	if len(root.Content) == 0 {
		return rest, nil // empty front matter
	}
	m := root.Content[0]
	if m.Kind != yaml.MappingNode {
		return nil, article.Errorf(article.EINVALID, "front matter: line %d: want key: value pairs", m.Line+1)
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if err := setField(d, strings.ToLower(k.Value), v); err != nil {
			return nil, article.Errorf(article.EINVALID, "front matter: line %d: %s: %s", v.Line+1, k.Value, err)
		}
	}
	return rest, nil
}

// yamlMessage shortens a yaml.v3 error, whose line numbers count from the
// first line inside the front matter, to count from the file's first line.
func yamlMessage(err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	var line int
	if _, scanErr := fmt.Sscanf(msg, "line %d:", &line); scanErr == nil {
		return fmt.Sprintf("line %d:%s", line+1, strings.SplitN(msg, ":", 2)[1])
	}
	return msg
}

// setField sets the Draft field named by a front matter key.
func setField(d *Draft, key string, v *yaml.Node) error {
	var err error
	switch key {
	case "title":
		d.Title, err = scalar(v)
	case "subtitle":
		d.Subtitle, err = scalar(v)
	case "author", "authors":
		var names []string
		names, err = list(v)
		d.Author = strings.Join(names, ", ")
	case "site":
		d.Site, err = scalar(v)
	case "url", "link":
		d.URL, err = scalar(v)
	case "slug":
		d.Slug, err = scalar(v)
	case "excerpt", "description", "summary":
		if d.Excerpt == "" {
			d.Excerpt, err = scalar(v)
		}
	case "lang", "language":
		d.Lang, err = scalar(v)
	case "dir":
		d.Dir, err = scalar(v)
	case "published", "date":
		d.Published, err = timeValue(v)
	case "updated", "lastmod", "modified":
		d.Updated, err = timeValue(v)
	case "tags", "categories", "tag", "category", "keywords":
		var tags []string
		tags, err = list(v)
		d.Tags = append(d.Tags, tags...)
	case "image":
		d.Image, err = imageValue(v)
	}
	return err
}

func scalar(v *yaml.Node) (string, error) {
	switch {
	case v.Kind == yaml.ScalarNode && v.Tag == "!!null":
		return "", nil
	case v.Kind == yaml.ScalarNode:
		return v.Value, nil
	case v.Kind == yaml.SequenceNode:
		return "", errors.New("want text, not a list")
	case v.Kind == yaml.MappingNode:
		return "", errors.New("want text, not a map")
	}
	return "", errors.New("want text")
}

// list reads a list of text values; a single value, or text with commas,
// is a list too ("tags: go, security").
func list(v *yaml.Node) ([]string, error) {
	if v.Kind == yaml.ScalarNode {
		s, err := scalar(v)
		var out []string
		for _, p := range strings.Split(s, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
		return out, err
	}
	if v.Kind != yaml.SequenceNode {
		return nil, errors.New("want a list of text values")
	}
	var out []string
	for _, it := range v.Content {
		if it.Kind != yaml.ScalarNode {
			return nil, errors.New("want a list of text values, not a nested list or map")
		}
		if s, _ := scalar(it); strings.TrimSpace(s) != "" {
			out = append(out, strings.TrimSpace(s))
		}
	}
	return out, nil
}

func imageValue(v *yaml.Node) (*article.Image, error) {
	if v.Kind == yaml.ScalarNode {
		s, err := scalar(v)
		if err != nil || s == "" {
			return nil, err
		}
		return &article.Image{Src: s}, nil
	}
	if v.Kind != yaml.MappingNode {
		return nil, errors.New("want a URL or a map with src, alt, caption, credit and srcset")
	}
	img := &article.Image{}
	for i := 0; i+1 < len(v.Content); i += 2 {
		k := v.Content[i].Value
		s, err := scalar(v.Content[i+1])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", k, err)
		}
		switch strings.ToLower(k) {
		case "src", "url":
			img.Src = s
		case "alt":
			img.Alt = s
		case "caption":
			img.Caption = s
		case "credit":
			img.Credit = s
		case "srcset":
			img.Srcset = article.ParseSrcset(s)
			if len(img.Srcset) == 0 && strings.TrimSpace(s) != "" {
				return nil, fmt.Errorf("srcset %q has no width candidates (\"url 640w, url 1280w\")", s)
			}
		default:
			return nil, fmt.Errorf("unknown key %q (want src, alt, caption, credit or srcset)", k)
		}
	}
	if img.Src == "" && img.Alt == "" && img.Caption == "" && img.Credit == "" && len(img.Srcset) == 0 {
		return nil, nil
	}
	return img, nil
}

// timeLayouts are the date forms front matter uses, most specific first.
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05 -07:00",
	"2006-01-02 15:04:05 -0700",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05",
	"2006-01-02T15:04",
	"2006-01-02 15:04",
	"2006-01-02",
	time.RFC1123Z,
	time.RFC1123,
}

func timeValue(v *yaml.Node) (time.Time, error) {
	s, err := scalar(v)
	if err != nil || s == "" {
		return time.Time{}, err
	}
	return parseTime(s)
}

// parseTime reads a date in one of timeLayouts; times without a zone are UTC.
func parseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date; use a form such as 2024-05-01 or 2024-05-01T09:30:00Z", s)
}

// shortcodeRe matches a Hugo embed shortcode alone on a line:
// {{< youtube w7Ft2ymGmfc >}}, {{% tweet user="x" id="1" %}}.
var shortcodeRe = regexp.MustCompile(`^\{\{[<%]\s*(youtube|vimeo|tweet|x|gist|instagram)\s+([^<>%{}]*?)\s*/?[>%]\}\}$`)

// shortcodeArgRe matches one shortcode argument, named or positional.
var shortcodeArgRe = regexp.MustCompile(`(?:([A-Za-z]+)=)?(?:"([^"]*)"|'([^']*)'|([^\s"']+))`)

// shortcodeURL returns the URL a Hugo embed shortcode names, or "".
func shortcodeURL(line string) string {
	m := shortcodeRe.FindStringSubmatch(line)
	if m == nil {
		return ""
	}
	named := map[string]string{}
	var pos []string
	for _, a := range shortcodeArgRe.FindAllStringSubmatch(m[2], -1) {
		v := a[2] + a[3] + a[4]
		if a[1] != "" {
			named[strings.ToLower(a[1])] = v
		} else {
			pos = append(pos, v)
		}
	}
	arg := func(name string, i int) string {
		if v := named[name]; v != "" {
			return v
		}
		if i < len(pos) {
			return pos[i]
		}
		return ""
	}
	var u string
	switch m[1] {
	case "youtube":
		u = "https://www.youtube.com/watch?v=" + url.QueryEscape(arg("id", 0))
	case "vimeo":
		u = "https://vimeo.com/" + url.PathEscape(arg("id", 0))
	case "instagram":
		u = "https://www.instagram.com/p/" + url.PathEscape(arg("id", 0)) + "/"
	case "tweet", "x":
		user, id := named["user"], named["id"]
		if id == "" && len(pos) == 1 {
			id = pos[0] // the old form: {{< tweet 877500564405444608 >}}
		}
		if user == "" {
			user = "i"
		}
		u = "https://x.com/" + url.PathEscape(user) + "/status/" + url.PathEscape(id)
	case "gist":
		u = "https://gist.github.com/" + url.PathEscape(arg("user", 0)) + "/" + url.PathEscape(arg("id", 1))
	}
	if _, ok := sanitize.MatchEmbed(u); !ok {
		return ""
	}
	return u
}

// embedLines gives a provider's URL alone on a line, or a Hugo embed
// shortcode (replaced by its URL), a paragraph of its own, outside fenced
// code blocks and indented lines.
func embedLines(body []byte) []byte {
	lines := strings.Split(string(body), "\n")
	fence := ""
	changed := false
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if fence != "" {
			if strings.HasPrefix(t, fence) {
				fence = ""
			}
			continue
		}
		if strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			fence = t[:3]
			continue
		}
		if strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t") || t == "" {
			continue
		}
		u := shortcodeURL(t)
		if u == "" && strings.HasPrefix(t, "http") && !strings.ContainsAny(t, " \t") {
			if _, ok := sanitize.MatchEmbed(t); ok {
				u = t
			}
		}
		if u != "" {
			lines[i] = "\n" + u + "\n"
			changed = true
		}
	}
	if !changed {
		return body
	}
	return []byte(strings.Join(lines, "\n"))
}
