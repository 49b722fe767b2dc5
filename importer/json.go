package importer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"folio/article"
	"folio/draft"
	"folio/internal/wire"
)

// jsonArticle is an article in the API's JSON shape, the body the API's
// writes take (wire.Article). Its html is untrusted and becomes the
// draft's Body; word_count and reading_minutes are accepted and ignored,
// since the pipeline computes them.
type jsonArticle = wire.Article

var (
	articleFields = fieldNames(jsonArticle{})
	imageFields   = fieldNames(article.Image{})
)

// fieldNames lists the JSON names of a struct's fields.
func fieldNames(v any) map[string]bool {
	t := reflect.TypeOf(v)
	names := make(map[string]bool, t.NumField())
	for f := range t.Fields() {
		if name, _, _ := strings.Cut(f.Tag.Get("json"), ","); name != "" && name != "-" {
			names[name] = true
		}
	}
	return names
}

// JSON reads articles in the API's JSON shape: one article object, a list
// of them, or an object {"articles": [...]} as the API lists them. Each
// article's html is untrusted and is sanitised again like any other input.
// A field the API does not have is an EINVALID error naming it, so typos
// are not silently dropped.
func JSON(data []byte) ([]*draft.Draft, error) {
	drafts, _, err := jsonDrafts(data)
	return drafts, err
}

// jsonDrafts is JSON, also reporting whether the input was a list.
func jsonDrafts(data []byte) (drafts []*draft.Draft, list bool, err error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		return nil, false, article.Errorf(article.EINVALID, "json: input is not valid UTF-8")
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, false, article.Errorf(article.EINVALID, "json: input is empty")
	}
	var top any
	if err := json.Unmarshal(data, &top); err != nil {
		return nil, false, jsonError(data, "", err)
	}
	var raws []json.RawMessage
	switch v := top.(type) {
	case []any:
		list = true
		if err := json.Unmarshal(data, &raws); err != nil {
			return nil, false, jsonError(data, "", err)
		}
	case map[string]any:
		if _, ok := v["articles"]; ok {
			list = true
			var wrapper map[string]json.RawMessage
			_ = json.Unmarshal(data, &wrapper)
			var unknown []string
			for k := range wrapper {
				if k != "articles" && k != "next" {
					unknown = append(unknown, k)
				}
			}
			if len(unknown) > 0 {
				return nil, false, unknownFields("", unknown, []string{"articles", "next"})
			}
			if err := json.Unmarshal(wrapper["articles"], &raws); err != nil {
				return nil, false, article.Errorf(article.EINVALID, "json: \"articles\" must be a list of article objects")
			}
		} else {
			raws = []json.RawMessage{json.RawMessage(data)}
		}
	default:
		return nil, false, article.Errorf(article.EINVALID, "json: want an article object or a list of them")
	}
	if len(raws) == 0 {
		return nil, false, article.Errorf(article.EINVALID, "json: the list holds no articles")
	}
	for i, raw := range raws {
		where := ""
		if list {
			where = fmt.Sprintf("article %d: ", i+1)
		}
		d, err := jsonDraft(raw, where)
		if err != nil {
			return nil, false, err
		}
		drafts = append(drafts, d)
	}
	return drafts, list, nil
}

// jsonDraft decodes one article object; where prefixes error messages.
func jsonDraft(raw json.RawMessage, where string) (*draft.Draft, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil || fields == nil {
		return nil, article.Errorf(article.EINVALID, "json: %swant an article object", where)
	}
	var unknown []string
	for k := range fields {
		if !articleFields[k] {
			unknown = append(unknown, k)
		}
	}
	if img, ok := fields["image"]; ok && !bytes.Equal(bytes.TrimSpace(img), []byte("null")) {
		var imgFields map[string]json.RawMessage
		if err := json.Unmarshal(img, &imgFields); err != nil {
			return nil, article.Errorf(article.EINVALID, "json: %simage must be an object with src, alt, caption, credit, width and height", where)
		}
		for k := range imgFields {
			if !imageFields[k] {
				unknown = append(unknown, "image."+k)
			}
		}
	}
	if len(unknown) > 0 {
		known := make([]string, 0, len(articleFields))
		for k := range articleFields {
			known = append(known, k)
		}
		return nil, unknownFields(where, unknown, known)
	}
	var in jsonArticle
	if err := json.Unmarshal(raw, &in); err != nil {
		return nil, jsonError(raw, where, err)
	}
	d := &draft.Draft{
		Slug: in.Slug, Title: in.Title, Subtitle: in.Subtitle, Author: in.Author, Site: in.Site,
		URL: in.URL, Tags: in.Tags, Excerpt: in.Excerpt, Body: in.HTML, Lang: in.Lang, Dir: in.Dir,
	}
	if in.Image != nil {
		img := *in.Image
		d.Image = &img
	}
	var err error
	if d.Published, err = jsonTime(in.Published); err != nil {
		return nil, article.Errorf(article.EINVALID, "json: %spublished: %s", where, err)
	}
	if d.Updated, err = jsonTime(in.Updated); err != nil {
		return nil, article.Errorf(article.EINVALID, "json: %supdated: %s", where, err)
	}
	return d, nil
}

func jsonTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not an RFC 3339 time such as 2024-05-01T09:30:00Z", s)
	}
	return t, nil
}

func unknownFields(where string, unknown, known []string) error {
	sort.Strings(unknown)
	sort.Strings(known)
	q := make([]string, len(unknown))
	for i, u := range unknown {
		q[i] = fmt.Sprintf("%q", u)
	}
	noun := "field"
	if len(unknown) > 1 {
		noun = "fields"
	}
	return article.Errorf(article.EINVALID, "json: %sunknown %s %s (known: %s)", where, noun, strings.Join(q, ", "), strings.Join(known, ", "))
}

// jsonError turns a decoding error into a message with a line and column,
// or the field and the type it wants.
func jsonError(data []byte, where string, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		line, col := position(data, syn.Offset)
		return article.Errorf(article.EINVALID, "json: %snot valid JSON at line %d, column %d: %s", where, line, col, strings.TrimPrefix(syn.Error(), "json: "))
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "value"
		}
		return article.Errorf(article.EINVALID, "json: %s%s must be %s, not a JSON %s", where, field, typeName(typ.Type.String()), typ.Value)
	}
	return article.Errorf(article.EINVALID, "json: %snot valid JSON: %s", where, strings.TrimPrefix(err.Error(), "json: "))
}

func typeName(t string) string {
	switch t {
	case "string":
		return "text"
	case "[]string":
		return "a list of text values"
	case "int":
		return "a whole number"
	case "article.Image", "*article.Image":
		return "an object with src, alt, caption, credit, width and height"
	}
	return t
}

// position converts a byte offset to a 1-based line and column.
func position(data []byte, off int64) (line, col int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	before := data[:off]
	line = bytes.Count(before, []byte("\n")) + 1
	col = int(off) - bytes.LastIndexByte(before, '\n')
	return line, col
}

// DecodeArticle reads one article object in the API's JSON shape into a
// draft, with the same rules and messages as a JSON file: unknown fields
// are named, types and times are checked. The API's create and update use
// it, so a body and a file are read alike, except that an article
// written through the API without a date is published now (PublishNow),
// where a file's stays undated.
func DecodeArticle(data []byte) (*draft.Draft, error) {
	if !utf8.Valid(data) {
		return nil, article.Errorf(article.EINVALID, "json: input is not valid UTF-8")
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, article.Errorf(article.EINVALID, "json: input is empty")
	}
	if !json.Valid(data) {
		var v any
		return nil, jsonError(data, "", json.Unmarshal(data, &v))
	}
	d, err := jsonDraft(data, "")
	if err != nil {
		return nil, err
	}
	d.PublishNow = true // written through the API: published now unless it says when
	return d, nil
}
