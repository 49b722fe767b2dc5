package pg

import (
	"reflect"
	"testing"

	"folio/article"
	"folio/store/storetest"
)

func createText(tb testing.TB, db *DB, slug, lang, title, body string) {
	tb.Helper()
	a := storetest.New(slug, title, 0)
	a.Lang = lang
	a.HTML = article.SafeHTML("<p>" + body + "</p>")
	a.Excerpt = ""
	a.Normalize(body, a.Published)
	if err := db.Create(ctx, a); err != nil {
		tb.Fatalf("Create(%q): %v", slug, err)
	}
}

func TestSearchDiacritics(t *testing.T) {
	db := MustOpen(t)
	createText(t, db, "cafe", "", "Le café de Flore", "Straße, Ærø and Łódź.")
	for _, q := range []string{"cafe", "CAFÉ", "café flore", "flor", "strasse", "aero", "lodz", "ŁÓDŹ"} {
		if got := search(t, db, q); !reflect.DeepEqual(got, []string{"cafe"}) {
			t.Fatalf("search %q=%v, want [cafe]", q, got)
		}
	}
}

// TestSearchLanguage checks stemming in the article's language, and that
// a stem never matches articles of another language nor acts as a prefix.
func TestSearchLanguage(t *testing.T) {
	// Listed newest first: the same time, so the last created first.
	db := MustOpen(t)
	createText(t, db, "en", "en-GB", "Running gophers", "The gophers were running through their burrows.")
	createText(t, db, "fr", "fr", "Les étés chauds", "Nous mangions des pommes pendant les étés.")
	createText(t, db, "de", "de", "Häuser am See", "Die Häuser stehen am Ufer.")
	createText(t, db, "none", "", "No language", "The runners ran.")
	for _, tt := range []struct {
		q    string
		want []string
	}{
		{"runs", []string{"en"}},          // stem of running
		{"gopher burrow", []string{"en"}}, // stems of the plurals
		{"runn", []string{"none", "en"}},  // prefix of the words as written
		{"run", []string{"none", "en"}},   // stem in en, prefix of "runners" in none
		{"été", []string{"fr"}},
		{"ete", []string{"fr"}},
		{"pomme chaud", []string{"fr"}}, // French stems of pommes, chauds
		{"haus", []string{"de"}},        // German stem of Häuser
		{"hauser", []string{"de"}},
		{"the", []string{"none", "en"}}, // a stop word in English still matches as written
		{"pomme ufer", nil},
	} {
		got := search(t, db, tt.q)
		if len(got) == 0 && len(tt.want) == 0 {
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Fatalf("search %q=%v, want %v", tt.q, got, tt.want)
		}
	}
}

// TestSearchCJK checks that words of scripts written without spaces are
// found inside longer runs, as phrases.
func TestSearchCJK(t *testing.T) {
	db := MustOpen(t)
	createText(t, db, "ja", "ja", "日本語のテキスト", "全文検索エンジンを使って記事を探します。")
	createText(t, db, "zh", "zh", "北京的天气", "我们今天在北京看新闻。")
	createText(t, db, "ko", "ko", "학교 소식", "학생들이 학교에서 공부합니다.")
	createText(t, db, "th", "th", "ข่าววันนี้", "ภาษาไทยไม่มีช่องว่างระหว่างคำ")
	for _, tt := range []struct {
		q    string
		want []string
	}{
		{"テキスト", []string{"ja"}},
		{"検索", []string{"ja"}},
		{"全文検索", []string{"ja"}},
		{"記事 探", []string{"ja"}},
		{"北京", []string{"zh"}},
		{"新闻", []string{"zh"}},
		{"京北", nil}, // the characters, but not as a phrase
		{"학교", []string{"ko"}},
		{"공부", []string{"ko"}},
		{"ภาษาไทย", []string{"th"}},
		{"日本 北京", nil},
	} {
		got := search(t, db, tt.q)
		if len(got) == 0 && len(tt.want) == 0 {
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Fatalf("search %q=%v, want %v", tt.q, got, tt.want)
		}
	}
}

func TestTSQuery(t *testing.T) {
	for _, tt := range []struct{ in, prefix, exact string }{
		{"", "", ""},
		{"( ) * ^ - :", "", ""},
		{"go", "go:*", "go"},
		{"Go WEB", "go & web:*", "go & web"},
		{`say "hi"`, "say & hi:*", "say & hi"},
		{"don't", "don <-> t:*", "don <-> t"},
		{"a&b|c!d", "a <-> b <-> c <-> d:*", "a <-> b <-> c <-> d"},
		{"北京", "北 <-> 京:*", "北 <-> 京"},
		{"Café", "cafe:*", "cafe"},
		{"a\x00b \xff", "a <-> b:*", "a <-> b"},
	} {
		p, e := tsQuery(tt.in)
		if p != tt.prefix || e != tt.exact {
			t.Fatalf("tsQuery(%q)=%q, %q; want %q, %q", tt.in, p, e, tt.prefix, tt.exact)
		}
	}
}
