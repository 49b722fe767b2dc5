package preview

import (
	"fmt"
	"strings"
	"time"

	"folio/article"
	"folio/draft"
	"folio/internal/wire"
	"folio/sanitize"
)

// The preview's model and pipeline. Nothing here touches the browser, so
// it is tested natively; preview.go wires it to the page.

// Draft formats of the preview's editor.
const (
	formatHTML     = "html"
	formatMarkdown = "markdown"
	formatText     = "text"
)

var formatChoices = []choice{
	{formatHTML, "HTML"},
	{formatMarkdown, "Markdown"},
	{formatText, "Plain text"},
}

// previewDraft is one draft of the preview, as kept in the browser's
// localStorage: the editor's text, its format and the metadata fields.
// Every string is untrusted input.
type previewDraft struct {
	ID      string    `json:"id"`
	Name    string    `json:"name,omitempty"`
	Format  string    `json:"format"`
	Body    string    `json:"body"`
	Meta    draftMeta `json:"meta"`
	Title   string    `json:"title,omitempty"` // the title the text gave when last shown
	Slug    string    `json:"slug,omitempty"`  // the article it was published as
	Updated time.Time `json:"updated"`
}

// draftMeta holds the metadata fields. A field left empty takes the value
// the parser found in the text (a Markdown front matter, a plain-text
// byline, an <h1>); a field filled in wins over it.
type draftMeta struct {
	Title     string `json:"title,omitempty"`
	Subtitle  string `json:"subtitle,omitempty"`
	Author    string `json:"author,omitempty"`
	Site      string `json:"site,omitempty"`
	URL       string `json:"url,omitempty"`
	Image     string `json:"image,omitempty"`
	ImageAlt  string `json:"image_alt,omitempty"`
	Srcset    string `json:"image_srcset,omitempty"` // HTML's srcset syntax
	Caption   string `json:"caption,omitempty"`
	Credit    string `json:"credit,omitempty"`
	Tags      string `json:"tags,omitempty"` // comma-separated
	Lang      string `json:"lang,omitempty"`
	Excerpt   string `json:"excerpt,omitempty"`
	Published string `json:"published,omitempty"` // YYYY-MM-DD or RFC 3339
	Dir       string `json:"dir,omitempty"`       // ltr or rtl
	Updated   string `json:"updated,omitempty"`   // RFC 3339, from an extracted page; not an editor field
}

// metaField describes one metadata input of the editor.
type metaField struct {
	key, label, typ, hint string
	get                   func(*draftMeta) *string
}

var metaFields = []metaField{
	{"title", "Title", "text", "", func(m *draftMeta) *string { return &m.Title }},
	{"subtitle", "Subtitle", "text", "", func(m *draftMeta) *string { return &m.Subtitle }},
	{"author", "Author", "text", "", func(m *draftMeta) *string { return &m.Author }},
	{"site", "Site", "text", "", func(m *draftMeta) *string { return &m.Site }},
	{"url", "Original address", "url", "Relative links and images resolve against it.", func(m *draftMeta) *string { return &m.URL }},
	{"image", "Image address", "url", "", func(m *draftMeta) *string { return &m.Image }},
	{"image_alt", "Image description (alt)", "text", "", func(m *draftMeta) *string { return &m.ImageAlt }},
	{"image_srcset", "Image widths (srcset)", "text", "The same image at other widths: https://… 640w, https://… 1280w.", func(m *draftMeta) *string { return &m.Srcset }},
	{"caption", "Caption", "text", "", func(m *draftMeta) *string { return &m.Caption }},
	{"credit", "Credit", "text", "", func(m *draftMeta) *string { return &m.Credit }},
	{"tags", "Tags", "text", "Separate tags with commas.", func(m *draftMeta) *string { return &m.Tags }},
	{"lang", "Language", "text", "A language tag such as en or pt-BR.", func(m *draftMeta) *string { return &m.Lang }},
	{"excerpt", "Excerpt", "text", "Shown on cards; the start of the text when empty.", func(m *draftMeta) *string { return &m.Excerpt }},
	{"published", "Published", "text", "YYYY-MM-DD; today when empty.", func(m *draftMeta) *string { return &m.Published }},
	{"dir", "Direction", "text", "ltr or rtl; from the language when empty.", func(m *draftMeta) *string { return &m.Dir }},
}

// previewResult is what the pipeline made of a draft.
type previewResult struct {
	// Draft is the parsed draft with the metadata fields applied: what
	// publishing sends to the API, which runs the same pipeline on it.
	Draft *draft.Draft
	// Article is the article as it will be published, nil when Err is set.
	Article *article.Article
	// Untitled is the draft shown with a placeholder title when a title is
	// all it lacks: an author who pastes a fragment sees it in every pane
	// at once, and only publishing waits for the title.
	Untitled *article.Article
	// Report lists what the sanitiser removed.
	Report sanitize.Report
	// Err says why the draft cannot be published yet.
	Err string
	// Found holds the metadata the parser found in the text, shown as the
	// fields' placeholders.
	Found draftMeta
	// Took is the time the parser and the pipeline took.
	Took time.Duration
}

// runPipeline parses the draft's text in its format, applies the metadata
// fields and runs (*draft.Draft).Article, the pipeline every importer and
// the API use, with now as the time of publication.
func runPipeline(pd *previewDraft, now time.Time) (res previewResult) {
	start := time.Now()
	defer func() { res.Took = time.Since(start) }()
	d, err := parseDraft(pd.Format, pd.Body)
	if err != nil {
		res.Err = article.Message(err)
		return res
	}
	res.Found = found(d)
	if err := applyMeta(d, pd.Meta); err != nil {
		res.Err = article.Message(err)
		return res
	}
	res.Draft = d
	d.PublishNow = true // as the API will publish it
	a, report, err := d.Article(now)
	res.Report = report
	if err != nil {
		res.Err = article.Message(err)
		if strings.TrimSpace(d.Title) == "" {
			u := *d
			u.Title = untitled
			if a, _, err := u.Article(now); err == nil {
				res.Untitled = a
				res.Err = "Add a title to publish (the panes show the draft as “" + untitled + "”)."
			}
		}
		return res
	}
	res.Article = a
	return res
}

// untitled is the placeholder title of a draft shown without one.
const untitled = "Untitled draft"

// parseDraft reads the editor's text in the format. Blank text is an empty
// draft, whose fields may still come from the metadata.
func parseDraft(format, body string) (*draft.Draft, error) {
	if strings.TrimSpace(body) == "" {
		return &draft.Draft{}, nil
	}
	switch format {
	case formatMarkdown:
		return draft.Markdown([]byte(body))
	case formatText:
		return draft.Text([]byte(body))
	default:
		return draft.HTML([]byte(body))
	}
}

// found returns the metadata the parser found, as the fields show it.
func found(d *draft.Draft) draftMeta {
	m := draftMeta{
		Title: d.Title, Subtitle: d.Subtitle, Author: d.Author, Site: d.Site, URL: d.URL,
		Tags: strings.Join(d.Tags, ", "), Lang: d.Lang, Excerpt: d.Excerpt, Dir: d.Dir,
	}
	if d.Image != nil {
		m.Image, m.ImageAlt, m.Caption, m.Credit = d.Image.Src, d.Image.Alt, d.Image.Caption, d.Image.Credit
		m.Srcset = article.SrcsetString(d.Image.Srcset)
	}
	if !d.Published.IsZero() {
		m.Published = d.Published.UTC().Format(time.DateOnly)
	}
	return m
}

// applyMeta overrides the draft's fields with the metadata fields that are
// filled in.
func applyMeta(d *draft.Draft, m draftMeta) error {
	set := func(dst *string, v string) {
		if strings.TrimSpace(v) != "" {
			*dst = v
		}
	}
	set(&d.Title, m.Title)
	set(&d.Subtitle, m.Subtitle)
	set(&d.Author, m.Author)
	set(&d.Site, m.Site)
	set(&d.URL, m.URL)
	set(&d.Lang, m.Lang)
	set(&d.Excerpt, m.Excerpt)
	set(&d.Dir, m.Dir)
	if strings.TrimSpace(m.Tags) != "" {
		d.Tags = splitTags(m.Tags)
	}
	if strings.TrimSpace(m.Image+m.ImageAlt+m.Srcset+m.Caption+m.Credit) != "" {
		img := article.Image{}
		if d.Image != nil {
			img = *d.Image
		}
		set(&img.Src, m.Image)
		set(&img.Alt, m.ImageAlt)
		set(&img.Caption, m.Caption)
		set(&img.Credit, m.Credit)
		if v := strings.TrimSpace(m.Srcset); v != "" {
			if img.Srcset = article.ParseSrcset(v); len(img.Srcset) == 0 {
				return article.Errorf(article.EINVALID, "image widths: %q names no width (\"https://… 640w, https://… 1280w\")", v)
			}
		}
		d.Image = &img
	}
	if p := strings.TrimSpace(m.Published); p != "" {
		t, err := parseDate(p)
		if err != nil {
			return err
		}
		d.Published = t
	}
	if u := strings.TrimSpace(m.Updated); u != "" {
		t, err := parseDate(u)
		if err != nil {
			return err
		}
		d.Updated = t
	}
	return nil
}

// splitTags splits the tags field at commas.
func splitTags(s string) []string {
	var tags []string
	for _, t := range strings.Split(s, ",") {
		if t = strings.TrimSpace(t); t != "" {
			tags = append(tags, t)
		}
	}
	return tags
}

// parseDate reads the published field: a date, or a date and time.
func parseDate(s string) (time.Time, error) {
	for _, layout := range []string{time.DateOnly, time.RFC3339, "2006-01-02T15:04", "2006-01-02 15:04"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, article.Errorf(article.EINVALID, "published: write the date as YYYY-MM-DD, not %q", s)
}

// newPublishBody returns the request body for the draft. For an update
// the slug is left out, so the article keeps its own.
func newPublishBody(d *draft.Draft, update bool) wire.Article {
	b := wire.Article{
		Title: d.Title, Subtitle: d.Subtitle, Author: d.Author, Site: d.Site, URL: d.URL,
		Tags: d.Tags, Image: d.Image, Excerpt: d.Excerpt, HTML: d.Body, Lang: d.Lang, Dir: d.Dir,
	}
	if !update {
		b.Slug = d.Slug
	}
	if b.Tags == nil {
		b.Tags = []string{}
	}
	if !d.Published.IsZero() {
		b.Published = d.Published.Format(time.RFC3339Nano)
	}
	if !d.Updated.IsZero() {
		b.Updated = d.Updated.Format(time.RFC3339Nano)
	}
	return b
}

// removalText describes one removal of the sanitiser's report for an
// author: what went ("<script>", "onerror on <img>", "javascript: URL in
// <a>"), or what it became ("<iframe> → youtube facade", "<math> → text"),
// and how often ("×2").
func removalText(r sanitize.Removal) (what, count string) {
	on := ""
	switch r.On {
	case "":
	case "image":
		on = " in the image field"
	case "image.srcset":
		on = " in the image widths field"
	default:
		on = " on <" + r.On + ">"
	}
	switch r.Kind {
	case sanitize.KindElement:
		if r.Name == sanitize.NameComment {
			what = "<!-- comment -->"
		} else {
			what = "<" + r.Name + ">"
		}
	case sanitize.KindAttribute:
		what = r.Name + " attribute" + on
	case sanitize.KindEmbed:
		switch r.Name {
		case "url", "link":
			what = "a " + r.Name + " alone in a paragraph → " + r.As
		default:
			what = "<" + r.Name + "> → " + r.As
		}
	case sanitize.KindURL:
		switch r.Name {
		case sanitize.NameInvalidURL:
			what = "invalid URL" + on
		case "relative":
			what = "relative URL" + on
		default:
			what = r.Name + " URL" + on
		}
	default:
		what = r.Name + on
	}
	if r.As != "" && r.Kind != sanitize.KindEmbed {
		what += " → " + r.As
	}
	return what, fmt.Sprintf("×%d", r.Count)
}

// reportSummary sums up a report in a sentence.
func reportSummary(r sanitize.Report) string {
	n := 0
	for _, rm := range r {
		n += rm.Count
	}
	switch {
	case n == 0:
		return "Nothing was removed: the draft is published as you see it."
	case n == 1:
		return "The sanitiser removed 1 thing that is not allowed in published articles."
	}
	return fmt.Sprintf("The sanitiser removed %d things that are not allowed in published articles.", n)
}

// draftTitle is the name a draft is listed under.
func draftTitle(pd *previewDraft, res *previewResult) string {
	switch {
	case strings.TrimSpace(pd.Name) != "":
		return strings.TrimSpace(pd.Name)
	case strings.TrimSpace(pd.Meta.Title) != "":
		return sanitize.Text(pd.Meta.Title)
	case res != nil && res.Found.Title != "":
		return sanitize.Text(res.Found.Title)
	case res == nil && pd.Title != "":
		return pd.Title
	}
	return "Untitled draft"
}

// choice is one option of a select or a tab list.
type choice struct{ value, label string }
