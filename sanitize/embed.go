package sanitize

import (
	"net/url"
	"regexp"
	"strings"
)

// This file holds the one table of embed providers: the URL shapes by
// which the sanitiser recognises a provider's content (in an iframe, a
// provider's blockquote, a bare link alone in a paragraph, a gist script),
// and how it writes the canonical link and the address of the player the
// reader may load when asked to.
//
// The sanitiser turns each recognised embed into a facade it alone writes:
//
//	<figure class="embed" data-provider="youtube" data-embed-src="https://www.youtube-nocookie.com/embed/ID">
//	  <a href="https://www.youtube.com/watch?v=ID">YouTube video: Title</a>
//	</figure>
//
// data-provider and data-embed-src are always recomputed from the link
// through this table, never copied from input: a facade in the input (the
// sanitiser's own output, sanitised again) is recognised by its link, and
// attribute values that differ from what the table gives are dropped and
// reported. data-embed-src is absent for providers without a player the
// reader may frame (GitHub gists, Mastodon posts on any server, Bluesky
// posts named by handle rather than DID): their facade is a link only.

// Provider is one embed provider of the table.
type Provider struct {
	Name  string // the data-provider value: "youtube"
	Label string // what a reader sees: "YouTube video"
	// Frame is the origin of the provider's player, the one origin its
	// data-embed-src may name; "" when the facade is a link only.
	Frame string
	// Classes are the class names of the provider's own embed snippet
	// (a blockquote, or a paragraph for CodePen), which a script of theirs
	// would turn into a frame.
	Classes []string

	urls  []*regexp.Regexp // over host+path (host lower-case, no "www."); groups id, user, kind, hash
	query string           // a query parameter that names the id when a pattern has no id group
	check func(r ref) bool // optional further check of a match
	link  func(r ref) string
	embed func(r ref) string // the player's address; nil or "" for a link only
}

// ref is what a recognised URL names.
type ref struct {
	id, user, kind, hash, start, host string
}

// matchRef reads a ref from the named groups of a URL pattern's match m.
func matchRef(pat *regexp.Regexp, m []string) ref {
	var r ref
	for i, name := range pat.SubexpNames() {
		switch name {
		case "id":
			r.id = m[i]
		case "user":
			r.user = m[i]
		case "kind":
			r.kind = m[i]
		case "hash":
			r.hash = m[i]
		case "host":
			r.host = m[i]
		}
	}
	return r
}

func re(s string) *regexp.Regexp { return regexp.MustCompile(`^` + s + `/?$`) }

// Providers is the table, in the order URLs are tried (Mastodon, which
// matches any server, last).
var Providers = []*Provider{
	{
		Name: "youtube", Label: "YouTube video", Frame: "https://www.youtube-nocookie.com",
		urls: []*regexp.Regexp{
			re(`(?:youtube\.com|youtube-nocookie\.com)/(?:embed|v|shorts|live|e)/(?P<id>[A-Za-z0-9_-]{11})`),
			re(`youtu\.be/(?P<id>[A-Za-z0-9_-]{11})`),
			re(`youtube\.com/watch`),
		},
		query: "v",
		link: func(r ref) string {
			s := "https://www.youtube.com/watch?v=" + r.id
			if r.start != "" {
				s += "&t=" + r.start + "s"
			}
			return s
		},
		embed: func(r ref) string {
			s := "https://www.youtube-nocookie.com/embed/" + r.id
			if r.start != "" {
				s += "?start=" + r.start
			}
			return s
		},
	},
	{
		Name: "vimeo", Label: "Vimeo video", Frame: "https://player.vimeo.com",
		urls: []*regexp.Regexp{
			re(`vimeo\.com/(?:channels/[A-Za-z0-9_-]{1,64}/|groups/[A-Za-z0-9_-]{1,64}/videos/|video/)?(?P<id>[0-9]{1,12})(?:/(?P<hash>[0-9a-f]{6,20}))?`),
			re(`player\.vimeo\.com/video/(?P<id>[0-9]{1,12})`),
		},
		link: func(r ref) string {
			if r.hash != "" {
				return "https://vimeo.com/" + r.id + "/" + r.hash
			}
			return "https://vimeo.com/" + r.id
		},
		embed: func(r ref) string {
			s := "https://player.vimeo.com/video/" + r.id + "?dnt=1"
			if r.hash != "" {
				s += "&h=" + r.hash
			}
			return s
		},
	},
	{
		Name: "dailymotion", Label: "Dailymotion video", Frame: "https://www.dailymotion.com",
		urls: []*regexp.Regexp{
			re(`dailymotion\.com/(?:embed/)?video/(?P<id>x[0-9A-Za-z]{3,12})(?:_[A-Za-z0-9_-]{0,200})?`),
			re(`dai\.ly/(?P<id>x[0-9A-Za-z]{3,12})`),
			re(`geo\.dailymotion\.com/player(?:/[A-Za-z0-9]{1,20})?\.html`),
		},
		query: "video",
		link:  func(r ref) string { return "https://www.dailymotion.com/video/" + r.id },
		embed: func(r ref) string { return "https://www.dailymotion.com/embed/video/" + r.id },
	},
	{
		Name: "x", Label: "X post", Frame: "https://platform.twitter.com",
		Classes: []string{"twitter-tweet", "twitter-video"},
		urls: []*regexp.Regexp{
			re(`(?:twitter\.com|x\.com|mobile\.twitter\.com|mobile\.x\.com)/(?P<user>[A-Za-z0-9_]{1,15})/status(?:es)?/(?P<id>[0-9]{1,20})(?:/(?:photo|video)/[0-9])?`),
			re(`platform\.twitter\.com/embed/(?:Tweet|tweet)\.html`),
		},
		query: "id",
		link: func(r ref) string {
			user := r.user
			if user == "" {
				user = "i"
			}
			return "https://x.com/" + user + "/status/" + r.id
		},
		embed: func(r ref) string { return "https://platform.twitter.com/embed/Tweet.html?dnt=true&id=" + r.id },
	},
	{
		Name: "bluesky", Label: "Bluesky post", Frame: "https://embed.bsky.app",
		Classes: []string{"bluesky-embed"},
		urls: []*regexp.Regexp{
			re(`bsky\.app/profile/(?P<user>[A-Za-z0-9._:-]{3,253})/post/(?P<id>[A-Za-z0-9]{4,64})`),
			re(`embed\.bsky\.app/embed/(?P<user>did:[a-z]{1,16}:[A-Za-z0-9._:-]{1,200})/app\.bsky\.feed\.post/(?P<id>[A-Za-z0-9]{4,64})`),
		},
		link: func(r ref) string { return "https://bsky.app/profile/" + r.user + "/post/" + r.id },
		embed: func(r ref) string {
			if !strings.HasPrefix(r.user, "did:") {
				return "" // the player needs the DID; a handle is not enough
			}
			return "https://embed.bsky.app/embed/" + r.user + "/app.bsky.feed.post/" + r.id
		},
	},
	{
		Name: "instagram", Label: "Instagram post", Frame: "https://www.instagram.com",
		Classes: []string{"instagram-media"},
		urls: []*regexp.Regexp{
			re(`instagram\.com/(?:[A-Za-z0-9_.]{1,30}/)?(?P<kind>p|reel|tv)/(?P<id>[A-Za-z0-9_-]{5,40})(?:/embed(?:/captioned)?)?`),
		},
		link:  func(r ref) string { return "https://www.instagram.com/" + r.kind + "/" + r.id + "/" },
		embed: func(r ref) string { return "https://www.instagram.com/" + r.kind + "/" + r.id + "/embed/" },
	},
	{
		Name: "tiktok", Label: "TikTok video", Frame: "https://www.tiktok.com",
		Classes: []string{"tiktok-embed"},
		urls: []*regexp.Regexp{
			re(`tiktok\.com/@(?P<user>[A-Za-z0-9_.]{1,30})/video/(?P<id>[0-9]{10,25})`),
			re(`tiktok\.com/(?:embed(?:/v2)?|player/v1)/(?P<id>[0-9]{10,25})`),
		},
		link: func(r ref) string {
			if r.user != "" {
				return "https://www.tiktok.com/@" + r.user + "/video/" + r.id
			}
			return "https://www.tiktok.com/embed/v2/" + r.id
		},
		embed: func(r ref) string { return "https://www.tiktok.com/embed/v2/" + r.id },
	},
	{
		Name: "spotify", Label: "Spotify", Frame: "https://open.spotify.com",
		urls: []*regexp.Regexp{
			re(`open\.spotify\.com/(?:intl-[a-z]{2}(?:-[A-Za-z]{2})?/)?(?:embed/|embed-podcast/)?(?P<kind>track|album|playlist|episode|show|artist)/(?P<id>[A-Za-z0-9]{22})`),
		},
		link:  func(r ref) string { return "https://open.spotify.com/" + r.kind + "/" + r.id },
		embed: func(r ref) string { return "https://open.spotify.com/embed/" + r.kind + "/" + r.id },
	},
	{
		Name: "soundcloud", Label: "SoundCloud audio", Frame: "https://w.soundcloud.com",
		urls: []*regexp.Regexp{
			re(`soundcloud\.com/(?P<user>[a-z0-9_-]{1,64})/(?P<id>(?:sets/)?[a-z0-9_-]{1,128})`),
			re(`api\.soundcloud\.com/(?P<kind>tracks|playlists)/(?P<id>[0-9]{1,20})`),
			re(`w\.soundcloud\.com/player`),
		},
		check: func(r ref) bool { return r.kind != "" || !soundcloudReserved[r.user] },
		link: func(r ref) string {
			if r.kind != "" {
				return "https://w.soundcloud.com/player/?url=" + url.QueryEscape(soundcloudAPI(r))
			}
			return "https://soundcloud.com/" + r.user + "/" + r.id
		},
		embed: func(r ref) string {
			target := "https://soundcloud.com/" + r.user + "/" + r.id
			if r.kind != "" {
				target = soundcloudAPI(r)
			}
			return "https://w.soundcloud.com/player/?url=" + url.QueryEscape(target)
		},
	},
	{
		Name: "codepen", Label: "CodePen", Frame: "https://codepen.io",
		Classes: []string{"codepen"},
		urls: []*regexp.Regexp{
			re(`codepen\.io/(?P<user>[A-Za-z0-9_-]{1,50})/(?:pen|full|details|embed|embed/preview|pres|debug)/(?P<id>[A-Za-z0-9]{3,12})`),
		},
		link:  func(r ref) string { return "https://codepen.io/" + r.user + "/pen/" + r.id },
		embed: func(r ref) string { return "https://codepen.io/" + r.user + "/embed/" + r.id + "?default-tab=result" },
	},
	{
		Name: "gist", Label: "GitHub gist",
		urls: []*regexp.Regexp{
			re(`gist\.github\.com/(?P<user>[A-Za-z0-9-]{1,39})/(?P<id>[0-9a-f]{20,40}|[0-9]{1,10})(?:\.js|\.pibb)?`),
			re(`gist\.github\.com/(?P<id>[0-9a-f]{20,40})(?:\.js)?`),
		},
		link: func(r ref) string {
			if r.user != "" {
				return "https://gist.github.com/" + r.user + "/" + r.id
			}
			return "https://gist.github.com/" + r.id
		},
	},
	{
		Name: "mastodon", Label: "Mastodon post",
		Classes: []string{"mastodon-embed"},
		urls: []*regexp.Regexp{
			re(`(?P<host>[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63}){0,6}\.[a-z]{2,24})/@(?P<user>[A-Za-z0-9_]{1,30}(?:@[a-z0-9.-]{1,253})?)/(?P<id>[0-9]{15,20})(?:/embed)?`),
		},
		link: func(r ref) string { return "https://" + r.host + "/@" + r.user + "/" + r.id },
	},
}

// soundcloudReserved are first path segments of soundcloud.com that name
// no user.
var soundcloudReserved = map[string]bool{
	"discover": true, "search": true, "you": true, "upload": true, "pages": true, "settings": true,
	"stream": true, "charts": true, "terms-of-use": true, "imprint": true, "jobs": true, "people": true,
	"messages": true, "notifications": true, "mobile": true, "tags": true, "popular": true, "signin": true,
}

func soundcloudAPI(r ref) string { return "https://api.soundcloud.com/" + r.kind + "/" + r.id }

// FrameSources is the CSP source list of every provider's player origin,
// for the frame-src directive of the pages that show article bodies.
// TestFrameSources checks that it lists the table's origins.
const FrameSources = "https://www.youtube-nocookie.com https://player.vimeo.com https://www.dailymotion.com " +
	"https://platform.twitter.com https://embed.bsky.app https://www.instagram.com https://www.tiktok.com " +
	"https://open.spotify.com https://w.soundcloud.com https://codepen.io"

// Embed is a recognised embed: the provider, its canonical link and the
// address of its player ("" when the facade is a link only).
type Embed struct {
	Provider *Provider
	Link     string
	Src      string
}

// MatchEmbed recognises a provider's URL (a page, a player, an embed
// script) and returns the embed it names. The URL must be absolute http or
// https (protocol-relative is taken as https).
func MatchEmbed(raw string) (Embed, bool) {
	raw = browserURL(raw)
	if strings.HasPrefix(raw, "//") {
		raw = "https:" + raw
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.Port() != "" {
		return Embed{}, false
	}
	full := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	host := strings.TrimPrefix(full, "www.")
	if h, ok := strings.CutPrefix(host, "m."); ok && mobileHost(h) {
		host = h
	}
	path := strings.TrimSuffix(u.EscapedPath(), "/")
	q := u.Query()
	for _, p := range Providers {
		subject := host + path
		if p.Name == "mastodon" {
			subject = full + path // any server, named in full
		}
		for _, pat := range p.urls {
			m := pat.FindStringSubmatch(subject)
			if m == nil {
				continue
			}
			r := matchRef(pat, m)
			if r.id == "" {
				r, ok := queryRef(p, q)
				if !ok {
					continue
				}
				return p.embedOf(r)
			}
			if p.Name == "youtube" {
				r.start = startTime(q)
			}
			if p.Name == "vimeo" && r.hash == "" {
				if h := q.Get("h"); hashRe.MatchString(h) {
					r.hash = h
				}
			}
			if p.check != nil && !p.check(r) {
				continue
			}
			return p.embedOf(r)
		}
	}
	return Embed{}, false
}

// mobileHost reports whether host, after a mobile "m." prefix, is a provider's
// own host (m.youtube.com, m.dailymotion.com…), so that other "m." hosts
// keep their name.
func mobileHost(host string) bool {
	switch host {
	case "youtube.com", "dailymotion.com", "vimeo.com", "twitter.com", "x.com", "tiktok.com", "soundcloud.com", "instagram.com":
		return true
	}
	return false
}

var (
	ytIDRe      = regexp.MustCompile(`^[A-Za-z0-9_-]{11}$`)
	dmIDRe      = regexp.MustCompile(`^x[0-9A-Za-z]{3,12}$`)
	tweetIDRe   = regexp.MustCompile(`^[0-9]{1,20}$`)
	hashRe      = regexp.MustCompile(`^[0-9a-f]{6,20}$`)
	startRe     = regexp.MustCompile(`^([0-9]{1,6})s?$`)
	scTargetRes = []*regexp.Regexp{
		re(`api\.soundcloud\.com/(?P<kind>tracks|playlists)/(?P<id>[0-9]{1,20})`),
		re(`soundcloud\.com/(?P<user>[a-z0-9_-]{1,64})/(?P<id>(?:sets/)?[a-z0-9_-]{1,128})`),
	}
)

// queryRef reads the id a player URL carries in its query.
func queryRef(p *Provider, q url.Values) (ref, bool) {
	v := q.Get(p.query)
	switch p.Name {
	case "youtube":
		if ytIDRe.MatchString(v) {
			return ref{id: v, start: startTime(q)}, true
		}
	case "dailymotion":
		if dmIDRe.MatchString(v) {
			return ref{id: v}, true
		}
	case "x":
		if tweetIDRe.MatchString(v) {
			return ref{id: v}, true
		}
	case "soundcloud":
		t, err := url.Parse(q.Get("url"))
		if err != nil || (t.Scheme != "http" && t.Scheme != "https") {
			return ref{}, false
		}
		subject := strings.TrimPrefix(strings.ToLower(t.Hostname()), "www.") + strings.TrimSuffix(t.EscapedPath(), "/")
		for _, pat := range scTargetRes {
			if m := pat.FindStringSubmatch(subject); m != nil {
				r := matchRef(pat, m)
				if r.kind == "" && soundcloudReserved[r.user] {
					return ref{}, false
				}
				return r, true
			}
		}
	}
	return ref{}, false
}

// startTime reads a YouTube start time in seconds ("t=90", "t=90s",
// "start=90").
func startTime(q url.Values) string {
	for _, k := range []string{"t", "start"} {
		if m := startRe.FindStringSubmatch(q.Get(k)); m != nil && strings.TrimLeft(m[1], "0") != "" {
			return strings.TrimLeft(m[1], "0")
		}
	}
	return ""
}

func (p *Provider) embedOf(r ref) (Embed, bool) {
	e := Embed{Provider: p, Link: p.link(r)}
	if p.embed != nil {
		e.Src = p.embed(r)
	}
	return e, true
}

// ProviderByName returns the provider with the data-provider name, or nil.
func ProviderByName(name string) *Provider {
	for _, p := range Providers {
		if p.Name == name {
			return p
		}
	}
	return nil
}

// providerByClass returns the provider whose embed snippet carries one of
// the class names in the class attribute value, or nil.
func providerByClass(class string) *Provider {
	for f := range strings.FieldsSeq(class) {
		for _, p := range Providers {
			for _, c := range p.Classes {
				if strings.EqualFold(f, c) {
					return p
				}
			}
		}
	}
	return nil
}

// providerNameRe and embedSrcRe are what bluemonday lets through in the
// facade's data-provider and data-embed-src.
var (
	providerNameRe = regexp.MustCompile(`^(?:` + providerNames() + `)$`)
	embedSrcRe     = regexp.MustCompile(`^(?:` + frameOrigins() + `)/[A-Za-z0-9/?=&%._:@-]{1,512}$`)
	embedClassRe   = regexp.MustCompile(`^embed$`)
)

func providerNames() string {
	var names []string
	for _, p := range Providers {
		names = append(names, regexp.QuoteMeta(p.Name))
	}
	return strings.Join(names, "|")
}

func frameOrigins() string {
	var o []string
	for _, p := range Providers {
		if p.Frame != "" {
			o = append(o, regexp.QuoteMeta(p.Frame))
		}
	}
	return strings.Join(o, "|")
}
