package searchtext

import (
	"reflect"
	"strings"
	"testing"

	"folio/article"
)

func TestTokens(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"  ( ) * ^ - : ", nil},
		{"Hello, World!", []string{"hello", "world"}},
		{"Café déjà-vu", []string{"cafe", "deja", "vu"}},
		{"Cafe\u0301", []string{"cafe"}}, // decomposed é
		{"Straße Æsir Øre Łódź", []string{"strasse", "aesir", "ore", "lodz"}},
		{"don't", []string{"don", "t"}},
		{"v1.2 abc123", []string{"v1", "2", "abc123"}},
		{"日本語のテキスト", []string{"日", "本", "語", "の", "テ", "キ", "ス", "ト"}},
		{"Go言語", []string{"go", "言", "語"}},
		{"학교에서", []string{"학", "교", "에", "서"}},
		{"ภาษา", []string{"ภ", "า", "ษ", "า"}},
		{"Ελληνικά русский", []string{"ελληνικά", "русский"}}, // marks kept outside Latin
		{"हिन्दी", []string{"हिन्दी"}},
		{"a\x00b", []string{"a", "b"}},
		{strings.Repeat("x", 300), []string{strings.Repeat("x", MaxTokenLen)}},
	} {
		if got := Tokens(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Fatalf("Tokens(%q)=%q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestPlain(t *testing.T) {
	for _, tt := range []struct {
		in   article.SafeHTML
		want string
	}{
		{"<p>one</p><p>two</p>", "one two"},
		{"<p>wo<b>rd</b> <a href=\"https://x.example/zebra\">link</a></p>", "word link"},
		{"<p>x</p><script>hidden</script><p>y</p>", "x y"},
	} {
		if got := Plain(tt.in); got != tt.want {
			t.Fatalf("Plain(%q)=%q, want %q", tt.in, got, tt.want)
		}
	}
}
