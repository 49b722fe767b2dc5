package article

// SafeHTML encapsulates an article body that the sanitiser has made safe.
// Only package sanitize produces values of this type from untrusted input,
// and only the reader's single app.Raw call site consumes it; a conversion
// anywhere else is a bug that `make lint` reports.
//
// Like html/template.HTML, it must never hold HTML from a third party that
// has not passed through the sanitiser.
type SafeHTML string
