// Package htmltest has the small HTML-tree helpers the tests of several
// packages use to check what the server and the components render.
package htmltest

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// Attr returns the value of the element's attribute key (an HTML attribute,
// not a namespaced one such as xlink:href), or "" when it has none.
func Attr(n *html.Node, key string) string {
	v, _ := Lookup(n, key)
	return v
}

// Lookup is Attr that also reports whether the attribute is there.
func Lookup(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

// Has reports whether the element has the attribute key.
func Has(n *html.Node, key string) bool {
	_, ok := Lookup(n, key)
	return ok
}

// Text returns the text of the node and all its descendants, as written.
func Text(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

// Elements parses rendered HTML, fails the test on any event-handler
// attribute, and returns the elements by tag name.
func Elements(t testing.TB, s string) map[string][]*html.Node {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(s))
	if err != nil {
		t.Fatal(err)
	}
	els := map[string][]*html.Node{}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			els[n.Data] = append(els[n.Data], n)
			for _, a := range n.Attr {
				if strings.HasPrefix(strings.ToLower(a.Key), "on") {
					t.Errorf("<%s> has the event handler %s=%q", n.Data, a.Key, a.Val)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return els
}
