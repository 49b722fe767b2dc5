package e2e

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"folio/store"
)

// measurePreview runs TestPreviewMeasure; -measure (the reader's
// measurement flag, when defined) does too.
var measurePreview = flag.Bool("measure-preview", false, "run TestPreviewMeasure: keystroke-to-preview time for a 50 KB article")

// The preview's outputs live in frames whose documents the page writes;
// these expressions read them.
const (
	pvFrames   = `[...document.querySelectorAll("iframe.pv-frame")]`
	pvReportJS = `[...document.querySelectorAll("#pv-report li")].map(li => li.dataset.kind + " " + li.querySelector(".pv-what").textContent + " " + li.querySelector(".pv-count").textContent.trim() + " | " + (li.querySelector(".pv-sample")?.textContent ?? ""))`
)

// pvOpen opens the preview in a fresh tab and waits for the app and its
// first output.
func pvOpen(t *testing.T, srv *server) *tab {
	t.Helper()
	tb := newTab(t)
	call(tb, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
		Source: `for (const f of ["alert", "confirm", "prompt", "print"]) { window[f] = () => { top.__pwned = "dialog " + f; }; }`,
	})
	tb.nav(srv.URL + "/preview")
	tb.waitMounted()
	tb.waitFor(`document.querySelector("#pv-output[data-rev]") !== null`)
	return tb
}

// pvRev returns the output revision: it grows each time the outputs have
// been written.
func pvRev(tb *tab) int {
	tb.t.Helper()
	return eval[int](tb, `+(document.querySelector("#pv-output").dataset.rev || 0)`)
}

// pvWaitRev waits until the outputs are newer than rev.
func pvWaitRev(tb *tab, rev int) {
	tb.t.Helper()
	tb.waitFor(fmt.Sprintf(`+(document.querySelector("#pv-output").dataset.rev || 0) > %d`, rev))
}

// pvFormat chooses the editor's format.
func pvFormat(tb *tab, format string) {
	tb.t.Helper()
	rev := pvRev(tb)
	if eval[bool](tb, `document.querySelector("#pv-format-`+format+`").checked`) {
		return
	}
	tb.do(chromedp.Click(chromedp.CSS("#pv-format-" + format)))
	pvWaitRev(tb, rev)
}

// pvInsert focuses the element and inserts text at the caret as a paste
// or an input method does (one input event), then types tail key by key.
func pvInsert(tb *tab, sel, text, tail string) {
	tb.t.Helper()
	eval[bool](tb, `(() => { const el = document.querySelector(`+jsString(sel)+`); el.focus(); el.setSelectionRange(el.value.length, el.value.length); return true; })()`)
	if text != "" {
		call(tb, input.InsertText, input.InsertTextParams{Text: text})
	}
	if tail != "" {
		tb.do(chromedp.SendKeys(chromedp.CSS(sel), tail))
	}
}

// pvSetBody replaces the editor's text and waits for the new output.
func pvSetBody(tb *tab, text string) {
	tb.t.Helper()
	rev := pvRev(tb)
	eval[bool](tb, `(() => { const el = document.querySelector("#pv-body"); el.focus(); el.select(); return true; })()`)
	call(tb, input.InsertText, input.InsertTextParams{Text: text})
	pvWaitRev(tb, rev)
}

// pvFrameText returns the text of an output frame's document body.
func pvFrameText(tb *tab, id string) string {
	tb.t.Helper()
	return eval[string](tb, `document.getElementById(`+jsString(id)+`).contentDocument.body.textContent`)
}

// hostileDraft is an HTML draft with every trick the sanitiser must
// defuse. Each payload, if it ran, would set top.__pwned (the frames share
// the page's origin, so top reaches the page).
const hostileDraft = `<p>Before the tricks.</p>
<script>top.__pwned = "script"</script>
<img src="https://img.invalid/x.png" onerror="top.__pwned = 'onerror'" alt="broken">
<p onclick="top.__pwned = 'onclick'" onmouseover="top.__pwned = 'onmouseover'">Hover me</p>
<a href="javascript:top.__pwned = 'js-link'">a javascript: link</a>
<a href="jav&#x09;ascript:top.__pwned = 'js-link-2'">an obfuscated link</a>
<svg onload="top.__pwned = 'svg-onload'"><script>top.__pwned = 'svg-script'</script><a xlink:href="javascript:top.__pwned = 'svg-link'"><text>svg link</text></a><animate onbegin="top.__pwned = 'svg-animate'" attributeName="x" dur="1s"/></svg>
<iframe srcdoc="&lt;script&gt;top.__pwned = 'srcdoc'&lt;/script&gt;"></iframe>
<math><mtext><table><mglyph><style><img src=x onerror="top.__pwned = 'mxss'"></style></mglyph></table></mtext></math>
<details open ontoggle="top.__pwned = 'toggle'"><summary>Details</summary>inside</details>
<form action="javascript:top.__pwned = 'form'"><button>go</button></form>
<object data="javascript:top.__pwned = 'object'"></object>
<p style="background:url(javascript:top.__pwned = 'style')">Styled</p>
<!-- a comment with <script>top.__pwned = 'comment'</script> -->
<p>After the tricks.</p>`

// pvCheckNothingRan fails if a payload ran anywhere: in the page, in an
// output frame, as a dialog, or left an event handler, javascript: URL
// or script in the page or the frames.
func pvCheckNothingRan(t *testing.T, tb *tab) {
	t.Helper()
	// Hover, focus and click everything in the frames, as an author would.
	eval[bool](tb, `(() => {
		for (const f of `+pvFrames+`) {
			for (const el of f.contentDocument.querySelectorAll("body *")) {
				el.dispatchEvent(new MouseEvent("mouseover", {bubbles: true}));
				if (el.focus) { el.focus(); }
				if (el.tagName !== "A") { el.click?.(); }
			}
		}
		return true;
	})()`)
	time.Sleep(300 * time.Millisecond)
	if got := eval[string](tb, `String(top.__pwned) + " " + `+pvFrames+`.map(f => String(f.contentWindow.__pwned)).join(" ")`); strings.Trim(strings.ReplaceAll(got, "undefined", ""), " ") != "" {
		t.Fatalf("a payload ran: %s", got)
	}
	if d := tb.dialogsSeen(); len(d) > 0 {
		t.Fatalf("dialogs opened: %q", d)
	}
	bad := eval[[]string](tb, `(() => {
		const docs = [document, ...`+pvFrames+`.map(f => f.contentDocument)];
		const out = [];
		for (const d of docs) {
			for (const el of d.querySelectorAll("*")) {
				for (const a of el.attributes) {
					if (/^on/i.test(a.name) || /^\s*javascript:/i.test(a.value) || a.name === "srcdoc") {
						out.push(el.tagName + " " + a.name + "=" + a.value);
					}
				}
				if (el.tagName === "SCRIPT" && el.src === "" && el.type !== "application/json") {
					out.push("inline script: " + el.textContent.slice(0, 60));
				}
				if (["SVG", "svg", "IFRAME", "OBJECT", "FORM", "STYLE"].includes(el.tagName) && d !== document) {
					out.push("element " + el.tagName);
				}
			}
		}
		return out;
	})()`)
	if len(bad) > 0 {
		t.Fatalf("dangerous markup in the page or the frames:\n%s", strings.Join(bad, "\n"))
	}
}

func TestPreviewHostileDraft(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	tb := pvOpen(t, srv)
	pvFormat(tb, "html")
	tb.waitFor(`navigator.serviceWorker.controller !== null`)
	time.Sleep(500 * time.Millisecond) // let the page settle: icons, the worker's first fetches

	// From here on, editing must not reach the server.
	var mu sync.Mutex
	var requests []string
	ctx, stop := context.WithCancel(tb.ctx)
	defer stop()
	events := chromedp.Events(ctx, network.RequestWillBeSent)
	go func() {
		for ev, err := range events {
			if err != nil {
				return
			}
			mu.Lock()
			requests = append(requests, ev.Request.Method+" "+ev.Request.URL)
			mu.Unlock()
		}
	}()
	rev := pvRev(tb)
	pvInsert(tb, "#pv-meta-title", "", "Hostile <b>draft</b>")
	pvInsert(tb, "#pv-meta-image", "javascript:top.__pwned = 'image-field'", "")
	pvInsert(tb, "#pv-meta-caption", `"><img src=x onerror="top.__pwned = 'caption'">A caption`, "")
	pvInsert(tb, "#pv-body", hostileDraft, "\n<p>Typed by hand.</p>")
	pvWaitRev(tb, rev)
	tb.waitFor(`[...document.querySelectorAll(".pv-frame")].every(f => f.contentDocument.body.textContent.includes("Typed by hand."))`)
	time.Sleep(400 * time.Millisecond)
	stop()

	mu.Lock()
	var toServer []string
	for _, r := range requests {
		if strings.Contains(r, srv.URL) {
			toServer = append(toServer, r)
		}
	}
	mu.Unlock()
	if len(toServer) > 0 {
		t.Fatalf("editing sent %d requests to the server:\n%s", len(toServer), strings.Join(toServer, "\n"))
	}
	t.Logf("requests while editing (none to the server): %q", requests)

	// The outputs show the text, cleaned.
	for _, f := range []string{"pv-frame-reader-light", "pv-frame-reader-dark"} {
		text := pvFrameText(tb, f)
		for _, want := range []string{"Hostile draft", "Before the tricks.", "Hover me", "a javascript: link", "Styled", "After the tricks.", "Typed by hand."} {
			if !strings.Contains(text, want) {
				t.Errorf("%s lacks %q:\n%s", f, want, text)
			}
		}
	}
	if got := pvFrameText(tb, "pv-frame-card-dark"); !strings.Contains(got, "Hostile draft") {
		t.Errorf("dark card %q lacks the title", got)
	}
	if got := eval[string](tb, `document.getElementById("pv-frame-embed-light").contentDocument.querySelector(".card.embed .card-title").textContent`); got != "Hostile draft" {
		t.Errorf("embed card title %q, want %q", got, "Hostile draft")
	}

	// Each removal is listed with its sample, as text.
	report := eval[[]string](tb, pvReportJS)
	joined := strings.Join(report, "\n")
	for _, want := range []string{
		"element <script> ×1 | <script>top.__pwned = \"script\"</script>",
		"element <svg> ×1 | <svg onload=\"top.__pwned = 'svg-onload'\"><script>",
		"element <iframe> ×1 | <iframe srcdoc=",
		"element <mglyph> ×1", // MathML is kept, without what a formula may not hold
		"element <style> ×1 | <style><img src=x onerror=",
		"element <table> ×1",
		"element <form> ×1",
		"element <object> ×1",
		"element <!-- comment --> ×1 | <!-- a comment with <script>",
		"attribute onerror attribute on <img> ×1 | onerror=\"top.__pwned = 'onerror'\"",
		"attribute onclick attribute on <p> ×1",
		"attribute onmouseover attribute on <p> ×1",
		"attribute ontoggle attribute on <details> ×1",
		"attribute style attribute on <p> ×1",
		"url javascript: URL on <a> ×2 | href=\"javascript:top.__pwned = 'js-link'\"",
		"url javascript: URL in the image field ×1 | javascript:top.__pwned = 'image-field'",
	} {
		if !strings.Contains(joined, want) {
			t.Errorf("the report lacks %q:\n%s", want, joined)
		}
	}
	if got := eval[string](tb, `document.querySelector("#pv-report .pv-sample").innerHTML`); !strings.Contains(got, "&lt;script&gt;") {
		t.Errorf("the first sample is not shown as text: %s", got)
	}
	pvCheckNothingRan(t, tb)

	// The same draft through the API gives the same body, byte for byte.
	if got := eval[string](tb, `document.getElementById("pv-frame-reader-light").contentDocument.querySelector(".lead-quote").textContent`); got != `"> A caption` {
		t.Errorf("the caption reads %q, want the text of the field without its markup", got)
	}
	body, _ := json.Marshal(map[string]any{"title": "Hostile <b>draft</b>", "html": hostileDraft + "\n<p>Typed by hand.</p>"})
	var created struct {
		HTML string `json:"html"`
	}
	if err := json.Unmarshal(srv.post(t, "/api/articles", string(body)), &created); err != nil {
		t.Fatal(err)
	}
	if got := eval[string](tb, `document.getElementById("pv-html").textContent`); got != created.HTML {
		t.Fatalf("the preview's body differs from the API's:\npreview: %q\napi:     %q", got, created.HTML)
	}
	tb.noConsoleErrors("img.invalid")
}

// TestPreviewSampleMatchesImport pastes the sample article as plain text
// and compares the result with `folio import` of the same file.
func TestPreviewSampleMatchesImport(t *testing.T) {
	t.Parallel()
	sample := filepath.Join(repoRoot, "samples", "000_bf3c0d247e44f2ef.txt")
	data, err := os.ReadFile(sample)
	if err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(t.TempDir(), "import.db")
	out, err := exec.Command(folioBin, "import", "-db", db, "-image-sizes=false", sample).CombinedOutput()
	if err != nil {
		t.Fatalf("folio import: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`imported .* \(([a-z0-9-]+)\)`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("folio import said %q", out)
	}
	st, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	imported, err := st.Get(context.Background(), string(m[1]))
	st.Close()
	if err != nil {
		t.Fatal(err)
	}

	srv := startServer(t)
	tb := pvOpen(t, srv)
	pvFormat(tb, "text")
	pvSetBody(tb, string(data))
	frame := `document.getElementById("pv-frame-reader-light").contentDocument`
	got := eval[map[string]any](tb, `(() => {
		const d = `+frame+`;
		const text = sel => d.querySelector(sel)?.textContent ?? "";
		return {
			title: text(".reader-title"),
			author: text(".reader-author"),
			tags: [...d.querySelectorAll(".reader-tags li")].map(li => li.textContent),
			caption: text(".lead-quote"),
			credit: text(".lead-quote .credit"),
			html: document.getElementById("pv-html").textContent,
			status: document.querySelector(".pv-status").textContent,
		};
	})()`)
	// The sample has a caption and a credit but no picture: the caption
	// is the lead quote, and the credit of the missing picture is not shown.
	want := map[string]any{
		"title":   imported.Title,
		"caption": imported.Image.Caption,
		"credit":  "",
		"html":    string(imported.HTML),
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: preview %q, import %q", k, got[k], w)
		}
	}
	var tags []string
	for _, v := range got["tags"].([]any) {
		tags = append(tags, v.(string))
	}
	if !slices.Equal(tags, imported.Tags) {
		t.Errorf("tags: preview %q, import %q", tags, imported.Tags)
	}
	if imported.Author != "" && got["author"] != "By "+imported.Author {
		t.Errorf("author: preview %q, import %q", got["author"], imported.Author)
	}
	if status, want := got["status"].(string), strconv.Itoa(imported.WordCount)+" words"; !strings.HasPrefix(status, want) || !strings.HasSuffix(status, "/a/"+imported.Slug) {
		t.Errorf("status %q, want %q… and the slug %q", status, want, imported.Slug)
	}
	if len(imported.Tags) == 0 || imported.Image.Caption == "" || imported.Image.Credit == "" {
		t.Fatalf("the imported sample lacks tags, caption or credit: %+v", imported)
	}
	tb.noConsoleErrors()
}

// pvDrafts returns the names listed in the drafts bar, the current one
// marked with a star.
func pvDrafts(tb *tab) []string {
	tb.t.Helper()
	return eval[[]string](tb, `[...document.querySelectorAll(".pv-draft")].map(b => (b.getAttribute("aria-current") === "true" ? "*" : "") + b.textContent)`)
}

func TestPreviewDrafts(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	tb := pvOpen(t, srv)
	if got := pvDrafts(tb); !slices.Equal(got, []string{"*Untitled draft"}) {
		t.Fatalf("a fresh preview lists %q, want one untitled draft", got)
	}
	pvFormat(tb, "markdown")
	rev := pvRev(tb)
	pvInsert(tb, "#pv-body", "# First draft\n\nThe first text.", "")
	pvWaitRev(tb, rev)
	pvInsert(tb, "#pv-name", "", "Alpha")
	tb.do(chromedp.Click(chromedp.CSS("#pv-new")))
	tb.waitFor(`document.querySelector("#pv-body").value === "" && document.querySelectorAll(".pv-draft").length === 2`)
	rev = pvRev(tb)
	pvInsert(tb, "#pv-body", "---\ntitle: Second draft\ntags: [b]\n---\n\nThe second text.", "")
	pvWaitRev(tb, rev)
	pvFormat(tb, "text")
	if got := pvDrafts(tb); !slices.Equal(got, []string{"*---", "Alpha"}) {
		t.Fatalf("drafts %q, want the plain-text draft (titled by its first line) and Alpha", got)
	}
	pvFormat(tb, "markdown")
	tb.waitFor(`[...document.querySelectorAll(".pv-draft")].some(b => b.textContent === "Second draft")`)

	// A draft written by another tab is listed at once (the storage event)
	// and survives this tab's saves. A frame of the page writes it: it
	// shares the page's storage but is another document, as a tab is.
	eval[bool](tb, `(() => {
		const list = JSON.parse(localStorage.getItem("folio:drafts"));
		list.push({id: "othertab", name: "From the other tab", format: "markdown", body: "# Other", meta: {}, updated: "2020-01-01T00:00:00Z"});
		document.querySelector(".pv-frame").contentWindow.localStorage.setItem("folio:drafts", JSON.stringify(list));
		return true;
	})()`)
	tb.waitFor(`[...document.querySelectorAll(".pv-draft")].some(b => b.textContent === "From the other tab")`)
	rev = pvRev(tb)
	pvInsert(tb, "#pv-body", "", " More.")
	pvWaitRev(tb, rev)
	eval[bool](tb, `[...document.querySelectorAll(".pv-draft")].find(b => b.textContent === "From the other tab").click(), true`)
	tb.waitFor(`document.querySelector(".pv-draft[aria-current]").textContent === "From the other tab" && document.querySelector("#pv-body").value === "# Other"`)
	tb.do(chromedp.Click(chromedp.CSS("#pv-delete")))
	tb.waitFor(`document.querySelectorAll(".pv-draft").length === 2`)

	// A reload keeps both, and opens the one edited last.
	tb.nav(srv.URL + "/preview")
	tb.waitMounted()
	tb.waitFor(`document.querySelector("#pv-output[data-rev]") !== null`)
	if got := pvDrafts(tb); !slices.Equal(got, []string{"*Second draft", "Alpha"}) {
		t.Fatalf("after a reload: drafts %q", got)
	}
	if got := eval[string](tb, `document.querySelector("#pv-body").value`); !strings.Contains(got, "The second text.") {
		t.Fatalf("after a reload the editor holds %q", got)
	}
	if got := pvFrameText(tb, "pv-frame-card-light"); !strings.Contains(got, "Second draft") {
		t.Fatalf("after a reload the card shows %q", got)
	}
	if !eval[bool](tb, `document.querySelector("#pv-format-markdown").checked`) {
		t.Fatal("after a reload the format is not Markdown")
	}

	// Switching drafts fills the editor and the fields.
	rev = pvRev(tb)
	tb.do(chromedp.Click(chromedp.CSS(".pv-draft:not([aria-current])")))
	pvWaitRev(tb, rev)
	if got := eval[[]string](tb, `[document.querySelector("#pv-body").value, document.querySelector("#pv-name").value]`); got[0] != "# First draft\n\nThe first text." || got[1] != "Alpha" {
		t.Fatalf("opening Alpha shows %q", got)
	}
	if got := pvFrameText(tb, "pv-frame-reader-dark"); !strings.Contains(got, "First draft") || !strings.Contains(got, "The first text.") {
		t.Fatalf("the reader shows %q", got)
	}

	// Delete, undo, delete again; a reload agrees.
	tb.do(chromedp.Click(chromedp.CSS("#pv-delete")))
	tb.waitFor(`document.querySelectorAll(".pv-draft").length === 1`)
	if got := eval[string](tb, `document.querySelector(".pv-drafts .reader-notice").textContent`); got != "Deleted “Alpha”.Undo" {
		t.Fatalf("notice %q", got)
	}
	tb.do(chromedp.Click(chromedp.CSS(".pv-drafts .reader-notice button")))
	tb.waitFor(`document.querySelectorAll(".pv-draft").length === 2`)
	if got := pvDrafts(tb); !slices.Equal(got, []string{"*Alpha", "Second draft"}) {
		t.Fatalf("after undo: %q", got)
	}
	tb.do(chromedp.Click(chromedp.CSS("#pv-delete")))
	tb.waitFor(`document.querySelectorAll(".pv-draft").length === 1`)
	tb.nav(srv.URL + "/preview")
	tb.waitMounted()
	tb.waitFor(`document.querySelector("#pv-output[data-rev]") !== null`)
	if got := pvDrafts(tb); !slices.Equal(got, []string{"*Second draft"}) {
		t.Fatalf("after delete and reload: %q", got)
	}
	tb.noConsoleErrors()
}

func TestPreviewPublish(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	tb := pvOpen(t, srv)
	pvFormat(tb, "html")
	rev := pvRev(tb)
	pvInsert(tb, "#pv-meta-title", "", "Published from the preview")
	pvInsert(tb, "#pv-meta-tags", "", "preview, tests")
	pvInsert(tb, "#pv-body", `<p>First version with <a href="https://example.com/x" onclick="top.__pwned = 1">a link</a>.</p><script>top.__pwned = 2</script>`, "")
	pvWaitRev(tb, rev)

	// Without a token, nothing is sent.
	tb.do(chromedp.Click(chromedp.CSS("#pv-publish")))
	tb.waitFor(`document.querySelector("#pv-publish-msg").textContent === "Enter the API token to publish."`)
	// A wrong token is refused by the server.
	pvInsert(tb, "#pv-token", "", "wrong")
	tb.do(chromedp.Click(chromedp.CSS("#pv-publish")))
	tb.waitFor(`document.querySelector("#pv-publish-msg").textContent === "Not published: wrong API token"`)

	eval[bool](tb, `(() => { const el = document.querySelector("#pv-token"); el.value = ""; return true; })()`)
	pvInsert(tb, "#pv-token", "", testToken)
	tb.do(chromedp.Click(chromedp.CSS("#pv-publish")))
	tb.waitFor(`document.querySelector("#pv-reader-link") !== null`)
	slug := "published-from-the-preview"
	if got := eval[string](tb, `document.querySelector("#pv-reader-link").getAttribute("href")`); got != "/a/"+slug {
		t.Fatalf("reader link %q", got)
	}
	if got := eval[string](tb, `document.querySelector("#pv-embed-code").value`); !strings.Contains(got, srv.URL+"/embed/"+slug) || !strings.Contains(got, srv.URL+"/embed.js") {
		t.Fatalf("embed code %q", got)
	}
	var art struct {
		HTML string   `json:"html"`
		Tags []string `json:"tags"`
	}
	_, body := srv.get(t, "/api/articles/"+slug)
	if err := json.Unmarshal([]byte(body), &art); err != nil {
		t.Fatal(err)
	}
	if got := eval[string](tb, `document.getElementById("pv-html").textContent`); got != art.HTML {
		t.Fatalf("published body differs from the preview:\npreview: %q\napi:     %q", got, art.HTML)
	}
	if !slices.Equal(art.Tags, []string{"preview", "tests"}) {
		t.Fatalf("tags %q", art.Tags)
	}
	// The embed preview shows the card the embed page serves.
	_, cardPage := srv.get(t, "/embed/"+slug)
	card := cardPage[strings.Index(cardPage, "<article"):strings.Index(cardPage, "</article>")]
	if got := eval[[]string](tb, `(() => {
		const tmpl = document.createElement("template");
		tmpl.innerHTML = `+jsString(card)+`;
		const prod = tmpl.content.querySelector("article.card");
		const prev = document.getElementById("pv-frame-embed-light").contentDocument.querySelector("article.card");
		const texts = a => {
			const w = document.createTreeWalker(a, NodeFilter.SHOW_TEXT), out = [];
			while (w.nextNode()) { const s = w.currentNode.data.trim(); if (s) { out.push(s); } }
			return out.join("|");
		};
		const sig = a => [a.className, a.querySelector(".card-link").getAttribute("href"), a.querySelector(".card-link").getAttribute("target"), texts(a)].join(" ~ ");
		return [sig(prod), sig(prev)];
	})()`); got[0] != got[1] {
		t.Errorf("embed card differs:\nembed page: %s\npreview:    %s", got[0], got[1])
	}

	// The token lives in session storage only.
	if got := eval[[]string](tb, `[sessionStorage.getItem("folio:token"), JSON.stringify(localStorage)]`); got[0] != testToken || strings.Contains(got[1], testToken) {
		t.Fatalf("token in sessionStorage %q; localStorage %s", got[0], got[1])
	}

	// Publishing again updates the same article.
	rev = pvRev(tb)
	pvInsert(tb, "#pv-body", "<p>Second version.</p>", "")
	pvWaitRev(tb, rev)
	if got := eval[string](tb, `document.querySelector("#pv-publish").textContent`); got != "Update “"+slug+"”" {
		t.Fatalf("publish button %q", got)
	}
	tb.do(chromedp.Click(chromedp.CSS("#pv-publish")))
	tb.waitFor(`document.querySelector("#pv-publish-msg").textContent === "Updated “Published from the preview”."`)
	_, body = srv.get(t, "/api/articles/"+slug)
	json.Unmarshal([]byte(body), &art)
	if !strings.Contains(art.HTML, "Second version.") {
		t.Fatalf("after the update the article holds %q", art.HTML)
	}

	// A second draft with the same title runs into the article and may
	// update it.
	tb.do(chromedp.Click(chromedp.CSS("#pv-new")))
	tb.waitFor(`document.querySelectorAll(".pv-draft").length === 2`)
	pvFormat(tb, "html")
	rev = pvRev(tb)
	pvInsert(tb, "#pv-body", "<h1>Published from the preview</h1><p>Third version.</p>", "")
	pvWaitRev(tb, rev)
	tb.do(chromedp.Click(chromedp.CSS("#pv-publish")))
	tb.waitFor(`document.querySelector("#pv-update-existing") !== null`)
	tb.do(chromedp.Click(chromedp.CSS("#pv-update-existing")))
	tb.waitFor(`document.querySelector("#pv-publish-msg").textContent.startsWith("Updated")`)
	_, body = srv.get(t, "/api/articles/"+slug)
	json.Unmarshal([]byte(body), &art)
	if !strings.Contains(art.HTML, "Third version.") {
		t.Fatalf("after the update the article holds %q", art.HTML)
	}

	// The reader link opens the article in the app.
	tb.do(chromedp.Click(chromedp.CSS("#pv-reader-link")))
	tb.waitFor(`document.querySelector(".page[data-page=reader] h1")?.textContent === "Published from the preview"`)
	if got := eval[string](tb, `String(window.__pwned)`); got != "undefined" {
		t.Fatalf("a payload ran: %s", got)
	}
	tb.noConsoleErrors("status of 401", "status of 409")
}

func TestPreviewImportRefused(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	tb := pvOpen(t, srv)
	tb.do(chromedp.Click(chromedp.CSS(".pv-import summary")))
	for _, tc := range []struct{ url, msg string }{
		{"http://169.254.169.254/latest/meta-data/", "The page could not be imported: refused: 169.254.169.254 is a link-local address; Folio fetches only from public addresses"},
		{srv.URL + "/", "The page could not be imported: refused: 127.0.0.1 is a loopback address; Folio fetches only from public addresses"},
		{"ftp://example.com/", `The page could not be imported: only http and https addresses can be fetched, not "ftp:"`},
	} {
		eval[bool](tb, `(() => { document.querySelector("#pv-page-url").value = ""; return true; })()`)
		pvInsert(tb, "#pv-page-url", tc.url, "")
		tb.do(chromedp.Click(chromedp.CSS("#pv-import")))
		tb.waitFor(`document.querySelector("#pv-import-msg").textContent === ` + jsString(tc.msg))
	}
	if got := pvDrafts(tb); len(got) != 1 {
		t.Fatalf("refused imports made drafts: %q", got)
	}
	tb.noConsoleErrors("status of 422", "status of 400")
}

func TestPreviewOffline(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	tb := pvOpen(t, srv)
	tb.waitFor(`navigator.serviceWorker.controller !== null`)
	pvFormat(tb, "markdown")
	rev := pvRev(tb)
	pvInsert(tb, "#pv-body", "# Written online\n\nA first paragraph.", "")
	pvWaitRev(tb, rev)

	srv.stop()
	rev = pvRev(tb)
	pvInsert(tb, "#pv-body", "\n\nWritten after the server went away.", "")
	pvWaitRev(tb, rev)
	tb.waitFor(`document.getElementById("pv-frame-reader-light").contentDocument.body.textContent.includes("Written after the server went away.")`)

	// Publishing says it needs the network and keeps the draft.
	pvInsert(tb, "#pv-token", "", testToken)
	tb.do(chromedp.Click(chromedp.CSS("#pv-publish")))
	tb.waitFor(`document.querySelector("#pv-publish-msg").textContent.startsWith("You are offline.")`)

	// A reload with the server gone: the page, the app, the drafts and the
	// styled outputs all come from the browser.
	tb.nav(srv.URL + "/preview")
	tb.waitMounted()
	tb.waitFor(`document.querySelector("#pv-output[data-rev]") !== null`)
	for _, f := range []string{"pv-frame-card-light", "pv-frame-reader-dark", "pv-frame-embed-dark"} {
		if got := pvFrameText(tb, f); !strings.Contains(got, "Written online") {
			t.Errorf("offline, %s shows %q", f, got)
		}
	}
	if got := eval[[]string](tb, pvFrames+`.map(f => f.id + " " + f.contentDocument.adoptedStyleSheets.length + " " + (f.contentDocument.adoptedStyleSheets[0]?.cssRules.length > 10))`); !slices.Equal(got, []string{
		"pv-frame-card-light 1 true", "pv-frame-card-dark 1 true", "pv-frame-embed-light 1 true",
		"pv-frame-embed-dark 1 true", "pv-frame-reader-light 1 true", "pv-frame-reader-dark 1 true",
	}) {
		t.Errorf("offline frame styles: %q", got)
	}
	if got := eval[string](tb, `getComputedStyle(document.querySelector(".pv-frame")).borderRadius`); got != "8px" {
		t.Errorf("preview.css is not applied offline (frame border radius %q)", got)
	}
	rev = pvRev(tb)
	pvInsert(tb, "#pv-body", "\n\nAnd after the reload.", "")
	pvWaitRev(tb, rev)
	if got := pvFrameText(tb, "pv-frame-reader-light"); !strings.Contains(got, "And after the reload.") {
		t.Fatalf("offline after a reload the reader shows %q", got)
	}
	tb.noConsoleErrors("net::ERR_CONNECTION_REFUSED", "Failed to fetch", "FetchEvent")
}

// TestPreviewAccessibility runs axe over the preview in the light and dark
// themes (the frames hold the site's own components, which the reader's
// tests check), then checks the tabs of the narrow layout.
func TestPreviewAccessibility(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	tb := pvOpen(t, srv)
	pvFormat(tb, "html")
	pvSetBody(tb, hostileDraft)
	pvInsert(tb, "#pv-meta-title", "", "A title")
	tb.waitFor(`document.querySelector("#pv-report li") !== null && document.querySelector(".pv-status") !== null`)
	for _, scheme := range []string{"light", "dark"} {
		t.Run(scheme, func(t *testing.T) {
			call(tb, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
				Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
			})
			res := runAxe(tb, "{iframes: false}")
			if v := append(res.Serious, res.Minor...); len(v) > 0 {
				t.Fatalf("axe found %d violations:\n%s", len(v), strings.Join(v, "\n"))
			}
		})
	}

	// Narrow: one section at a time, chosen with the tabs.
	call(tb, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{Width: 400, Height: 800, DeviceScaleFactor: 1, Mobile: true})
	defer call(tb, emulation.ClearDeviceMetricsOverride, cdp.Empty{})
	visible := `[...document.querySelectorAll(".pv-panel")].filter(p => p.offsetParent !== null).map(p => p.id)`
	tb.waitFor(visible + `.join() === "pv-panel-edit"`)
	for _, tab := range []string{"reader", "embed", "removed", "edit"} {
		tb.do(chromedp.Click(chromedp.CSS("#pv-tab-" + tab)))
		tb.waitFor(visible + `.join() === "pv-panel-` + tab + `"`)
		if got := eval[string](tb, `document.querySelector("#pv-tab-`+tab+`").getAttribute("aria-selected")`); got != "true" {
			t.Fatalf("tab %s aria-selected=%q", tab, got)
		}
		if tab == "reader" {
			tb.waitFor(`document.getElementById("pv-frame-reader-light").offsetHeight > 200`)
		}
	}
	// Wide: the editor and every output at once, no tabs.
	call(tb, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{Width: 1280, Height: 900, DeviceScaleFactor: 1})
	tb.waitFor(visible + `.length === 6 && document.querySelector(".pv-tabs").offsetParent === null`)
	tb.noConsoleErrors("img.invalid")
}

// TestPreviewMeasure measures, in Chromium, the time from a change of a
// 50 KB draft to the updated outputs:
//
//	go test ./e2e -run TestPreviewMeasure -measure-preview -v
//
// Each run sets the editor's text and dispatches an input event (what a
// keystroke or a paste does), then waits for the output revision to change
// (a MutationObserver on data-rev, which is set after the frames are
// written) and for the next animation frame.
func TestPreviewMeasure(t *testing.T) {
	t.Parallel()
	if f := flag.Lookup("measure"); !*measurePreview && (f == nil || f.Value.String() != "true") {
		t.Skip("run with -measure-preview")
	}
	srv := startServer(t)
	tb := pvOpen(t, srv)
	type run struct{ Total, Pipeline, Frames, Render, Edit, HTML float64 }
	for _, tc := range []struct{ format, text string }{
		{"html", pvArticleHTML(50 << 10)},
		{"markdown", pvArticleMarkdown(50 << 10)},
	} {
		pvFormat(tb, tc.format)
		pvSetBody(tb, tc.text)
		time.Sleep(500 * time.Millisecond)
		runs := eval[[]run](tb, `(async (text, n) => {
			const ta = document.querySelector("#pv-body"), out = document.querySelector("#pv-output");
			const res = [];
			for (let i = 0; i < n; i++) {
				const rev = +out.dataset.rev;
				const done = new Promise(resolve => {
					const mo = new MutationObserver(() => {
						if (+out.dataset.rev > rev) { mo.disconnect(); requestAnimationFrame(() => resolve(performance.now())); }
					});
					mo.observe(out, {attributes: true, attributeFilter: ["data-rev"]});
				});
				const t0 = performance.now();
				ta.value = text + "\n<p>Run " + i + ".</p>";
				ta.dispatchEvent(new Event("input", {bubbles: true}));
				const t1 = await done;
				if (!document.getElementById("pv-html")) { throw new Error("no article: " + document.querySelector(".pv-statusline").textContent); }
				res.push({Total: t1 - t0, Pipeline: +out.dataset.pipelineMs, Frames: +out.dataset.framesMs, Render: +out.dataset.renderMs, Edit: +out.dataset.editMs, HTML: document.getElementById("pv-html").textContent.length});
				await new Promise(r => setTimeout(r, 250));
			}
			return res;
		})(`+jsString(tc.text)+`, 11)`)
		runs = runs[1:] // the first run warms up
		stat := func(get func(run) float64) string {
			v := make([]float64, len(runs))
			for i, r := range runs {
				v[i] = get(r)
			}
			slices.Sort(v)
			return fmt.Sprintf("median %.0f ms (min %.0f, max %.0f)", v[len(v)/2], v[0], v[len(v)-1])
		}
		t.Logf("%s, %d bytes (%.0f bytes of sanitised HTML), %d runs:", tc.format, len(tc.text), runs[0].HTML, len(runs))
		t.Logf("  input event → outputs painted: %s (includes the %d ms debounce)", stat(func(r run) float64 { return r.Total }), pvDebounceMS)
		t.Logf("  without the debounce:          %s", stat(func(r run) float64 { return r.Total - pvDebounceMS }))
		t.Logf("  parse + sanitise (pipeline):   %s", stat(func(r run) float64 { return r.Pipeline }))
		t.Logf("  copy into the 6 frames:        %s", stat(func(r run) float64 { return r.Frames }))
		t.Logf("  pipeline + render + frames:    %s", stat(func(r run) float64 { return r.Render }))
	}
	tb.noConsoleErrors("img.invalid")
}

// pvDebounceMS is the preview's debounce (app.previewDebounce).
const pvDebounceMS = 180

// pvArticleHTML returns an article of about n bytes of HTML in the shape
// of a long news feature: headings, paragraphs with links and emphasis,
// lists, quotes, figures, a table, code, and a few things the sanitiser
// removes.
func pvArticleHTML(n int) string {
	var b strings.Builder
	b.WriteString("<h1>The last lighthouse keeper</h1>\n")
	for i := 0; b.Len() < n; i++ {
		switch i % 8 {
		case 0:
			fmt.Fprintf(&b, "<h2 id=\"part-%d\">Part %d: the harbour at dawn</h2>\n", i, i)
		case 1, 2, 5:
			fmt.Fprintf(&b, "<p>The <em>lamp</em> turns every ten seconds, and the keeper writes the weather in a log that <a href=\"https://news.example/log/%d\">nobody has read</a> since the light was automated. <strong>Paragraph %d</strong> goes on about fog, gulls and the supply boat that comes on Thursdays.</p>\n", i, i)
		case 3:
			fmt.Fprintf(&b, "<ul><li>Fog horn checked</li><li>Lens cleaned, item %d</li><li><a href=\"/relative/%d\">Relative link</a></li></ul>\n", i, i)
		case 4:
			fmt.Fprintf(&b, "<figure><img src=\"/web/icon-192.png\" alt=\"The lamp room\" width=\"192\" height=\"192\" onerror=\"alert(1)\"><figcaption>The lamp room, photo %d.</figcaption></figure>\n", i)
		case 6:
			fmt.Fprintf(&b, "<blockquote><p>“Nobody comes here for the view,” he says, %d times a day.</p></blockquote>\n<script>alert(%d)</script>\n", i, i)
		case 7:
			fmt.Fprintf(&b, "<table><tr><th>Hour</th><th>Wind</th></tr><tr><td>%d:00</td><td>NW 5</td></tr></table>\n<pre><code class=\"language-go\">fmt.Println(%d)</code></pre>\n", i%24, i)
		}
	}
	return b.String()
}

// pvArticleMarkdown returns a Markdown article of about n bytes.
func pvArticleMarkdown(n int) string {
	var b strings.Builder
	b.WriteString("---\ntitle: The last lighthouse keeper\nauthor: Ada Keeper\ntags: [sea, work]\n---\n\n")
	for i := 0; b.Len() < n; i++ {
		switch i % 6 {
		case 0:
			fmt.Fprintf(&b, "## Part %d: the harbour at dawn\n\n", i)
		case 1, 2:
			fmt.Fprintf(&b, "The *lamp* turns every ten seconds, and the keeper writes the weather in a log that [nobody has read](https://news.example/log/%d) since the light was automated. **Paragraph %d** goes on about fog, gulls and the supply boat.\n\n", i, i)
		case 3:
			fmt.Fprintf(&b, "- Fog horn checked\n- Lens cleaned, item %d\n- Supply boat on Thursday\n\n", i)
		case 4:
			fmt.Fprintf(&b, "> “Nobody comes here for the view,” he says, %d times a day.\n\n![The lamp room](/web/icon-192.png)\n\n", i)
		case 5:
			fmt.Fprintf(&b, "| Hour | Wind |\n|---|---|\n| %d:00 | NW 5 |\n\n```go\nfmt.Println(%d)\n```\n\n", i%24, i)
		}
	}
	return b.String()
}
