package sanitize

import (
	"os"
	"slices"
	"testing"
)

// readSample returns the sample article shipped with Folio (plain text).
func readSample() (string, error) {
	b, err := os.ReadFile("../samples/000_bf3c0d247e44f2ef.txt")
	return string(b), err
}

// BenchmarkHTML sanitises realistic article pages (testdata/pages: 14, 60
// and 200 KB of WordPress-style markup with scripts, embeds, styles,
// srcsets and comments). It reports throughput and time per article.
func BenchmarkHTML(b *testing.B) {
	pages := loadPages(b)
	names := make([]string, 0, len(pages))
	for name := range pages {
		names = append(names, name)
	}
	slices.SortFunc(names, func(x, y string) int { return len(pages[x]) - len(pages[y]) })
	for _, name := range names {
		page := pages[name]
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(page)))
			b.ReportAllocs()
			for b.Loop() {
				HTML(page, testBase)
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N), "µs/article")
		})
	}
}

// BenchmarkPlainText extracts the text of the largest sanitised page.
func BenchmarkPlainText(b *testing.B) {
	out, _ := HTML(loadPages(b)["article-200k.html"], testBase)
	b.SetBytes(int64(len(out)))
	for b.Loop() {
		PlainText(out)
	}
}
