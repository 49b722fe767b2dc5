package sanitize

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

func TestMatchEmbed(t *testing.T) {
	tests := []struct {
		in, provider, link, src string
	}{
		{"https://www.youtube.com/watch?v=dQw4w9WgXcQ", "youtube", "https://www.youtube.com/watch?v=dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"},
		{"https://m.youtube.com/watch?v=dQw4w9WgXcQ&t=90s", "youtube", "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=90s", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?start=90"},
		{"https://youtu.be/dQw4w9WgXcQ?t=42", "youtube", "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42s", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?start=42"},
		{"//www.youtube.com/embed/dQw4w9WgXcQ?feature=oembed", "youtube", "https://www.youtube.com/watch?v=dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"},
		{"https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ", "youtube", "https://www.youtube.com/watch?v=dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"},
		{"https://www.youtube.com/shorts/dQw4w9WgXcQ", "youtube", "https://www.youtube.com/watch?v=dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"},
		{"http://www.youtube.com/v/dQw4w9WgXcQ?version=3", "youtube", "https://www.youtube.com/watch?v=dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"},
		{"https://vimeo.com/76979871", "vimeo", "https://vimeo.com/76979871", "https://player.vimeo.com/video/76979871?dnt=1"},
		{"https://player.vimeo.com/video/76979871?h=8272103f6e&badge=0", "vimeo", "https://vimeo.com/76979871/8272103f6e", "https://player.vimeo.com/video/76979871?dnt=1&h=8272103f6e"},
		{"https://vimeo.com/channels/staffpicks/76979871", "vimeo", "https://vimeo.com/76979871", "https://player.vimeo.com/video/76979871?dnt=1"},
		{"https://www.dailymotion.com/video/x7tgad0", "dailymotion", "https://www.dailymotion.com/video/x7tgad0", "https://www.dailymotion.com/embed/video/x7tgad0"},
		{"https://www.dailymotion.com/embed/video/x7tgad0?autoplay=1", "dailymotion", "https://www.dailymotion.com/video/x7tgad0", "https://www.dailymotion.com/embed/video/x7tgad0"},
		{"https://dai.ly/x7tgad0", "dailymotion", "https://www.dailymotion.com/video/x7tgad0", "https://www.dailymotion.com/embed/video/x7tgad0"},
		{"https://geo.dailymotion.com/player.html?video=x7tgad0", "dailymotion", "https://www.dailymotion.com/video/x7tgad0", "https://www.dailymotion.com/embed/video/x7tgad0"},
		{"https://twitter.com/jack/status/20", "x", "https://x.com/jack/status/20", "https://platform.twitter.com/embed/Tweet.html?dnt=true&id=20"},
		{"https://x.com/NASA/status/1790000000000000000?s=20", "x", "https://x.com/NASA/status/1790000000000000000", "https://platform.twitter.com/embed/Tweet.html?dnt=true&id=1790000000000000000"},
		{"https://platform.twitter.com/embed/Tweet.html?id=20", "x", "https://x.com/i/status/20", "https://platform.twitter.com/embed/Tweet.html?dnt=true&id=20"},
		{"https://bsky.app/profile/jay.bsky.team/post/3kgk4m5xvqk2a", "bluesky", "https://bsky.app/profile/jay.bsky.team/post/3kgk4m5xvqk2a", ""},
		{"https://bsky.app/profile/did:plc:oky5czdrnfjpqslsw2a5iclo/post/3kgk4m5xvqk2a", "bluesky", "https://bsky.app/profile/did:plc:oky5czdrnfjpqslsw2a5iclo/post/3kgk4m5xvqk2a", "https://embed.bsky.app/embed/did:plc:oky5czdrnfjpqslsw2a5iclo/app.bsky.feed.post/3kgk4m5xvqk2a"},
		{"https://mastodon.social/@Gargron/109305366428296826", "mastodon", "https://mastodon.social/@Gargron/109305366428296826", ""},
		{"https://hachyderm.io/@someone@example.social/111111111111111111/embed", "mastodon", "https://hachyderm.io/@someone@example.social/111111111111111111", ""},
		{"https://www.instagram.com/p/CqY3Ab1Lx9z/", "instagram", "https://www.instagram.com/p/CqY3Ab1Lx9z/", "https://www.instagram.com/p/CqY3Ab1Lx9z/embed/"},
		{"https://www.instagram.com/reel/CqY3Ab1Lx9z/?utm_source=ig_embed", "instagram", "https://www.instagram.com/reel/CqY3Ab1Lx9z/", "https://www.instagram.com/reel/CqY3Ab1Lx9z/embed/"},
		{"https://www.tiktok.com/@scout2015/video/6718335390845095173", "tiktok", "https://www.tiktok.com/@scout2015/video/6718335390845095173", "https://www.tiktok.com/embed/v2/6718335390845095173"},
		{"https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC", "spotify", "https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC", "https://open.spotify.com/embed/track/4uLU6hMCjMI75M1A2tKUQC"},
		{"https://open.spotify.com/embed/episode/4uLU6hMCjMI75M1A2tKUQC?utm_source=generator", "spotify", "https://open.spotify.com/episode/4uLU6hMCjMI75M1A2tKUQC", "https://open.spotify.com/embed/episode/4uLU6hMCjMI75M1A2tKUQC"},
		{"https://soundcloud.com/forss/flickermood", "soundcloud", "https://soundcloud.com/forss/flickermood", "https://w.soundcloud.com/player/?url=https%3A%2F%2Fsoundcloud.com%2Fforss%2Fflickermood"},
		{"https://w.soundcloud.com/player/?url=https%3A//api.soundcloud.com/tracks/293&color=%23ff5500", "soundcloud", "https://w.soundcloud.com/player/?url=https%3A%2F%2Fapi.soundcloud.com%2Ftracks%2F293", "https://w.soundcloud.com/player/?url=https%3A%2F%2Fapi.soundcloud.com%2Ftracks%2F293"},
		{"https://codepen.io/chriscoyier/pen/gfdDu", "codepen", "https://codepen.io/chriscoyier/pen/gfdDu", "https://codepen.io/chriscoyier/embed/gfdDu?default-tab=result"},
		{"https://codepen.io/chriscoyier/embed/preview/gfdDu?height=300", "codepen", "https://codepen.io/chriscoyier/pen/gfdDu", "https://codepen.io/chriscoyier/embed/gfdDu?default-tab=result"},
		{"https://gist.github.com/octocat/6cad326836d38bd3a7ae.js", "gist", "https://gist.github.com/octocat/6cad326836d38bd3a7ae", ""},
		{"https://gist.github.com/6cad326836d38bd3a7ae", "gist", "https://gist.github.com/6cad326836d38bd3a7ae", ""},
		// Not embeds.
		{"https://www.youtube.com/watch?v=short", "", "", ""},
		{"https://www.youtube.com/channel/UC123", "", "", ""},
		{"https://evil.example/www.youtube.com/embed/dQw4w9WgXcQ", "", "", ""},
		{"https://youtube.com.evil.example/embed/dQw4w9WgXcQ", "", "", ""},
		{"javascript://www.youtube.com/embed/dQw4w9WgXcQ", "", "", ""},
		{"https://user@www.youtube.com/embed/dQw4w9WgXcQ", "", "", ""},
		{"https://www.youtube.com:8443/embed/dQw4w9WgXcQ", "", "", ""},
		{"https://soundcloud.com/discover/sets/charts", "", "", ""},
		{"https://medium.com/@someone/a-title-1234abcd", "", "", ""},
		{"https://example.com/", "", "", ""},
		{"not a url", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			e, ok := MatchEmbed(tt.in)
			if tt.provider == "" {
				if ok {
					t.Fatalf("MatchEmbed(%q)=%+v, want no match", tt.in, e)
				}
				return
			}
			if !ok {
				t.Fatalf("MatchEmbed(%q) found nothing, want %s", tt.in, tt.provider)
			}
			if e.Provider.Name != tt.provider || e.Link != tt.link {
				t.Fatalf("MatchEmbed(%q)=%s %q, want %s %q", tt.in, e.Provider.Name, e.Link, tt.provider, tt.link)
			}
			if tt.src != "" && e.Src != tt.src {
				t.Fatalf("MatchEmbed(%q).Src=%q, want %q", tt.in, e.Src, tt.src)
			}
			// The canonical link names the same embed.
			again, ok := MatchEmbed(e.Link)
			if !ok || again != e {
				t.Fatalf("MatchEmbed(link %q)=%+v, want %+v", e.Link, again, e)
			}
			if e.Src != "" && (!embedSrcRe.MatchString(e.Src) || !strings.HasPrefix(e.Src, e.Provider.Frame+"/")) {
				t.Fatalf("Src %q is not on the provider's frame origin %q, or bluemonday would refuse it", e.Src, e.Provider.Frame)
			}
		})
	}
}

// TestFrameSources checks the CSP source list against the table.
func TestFrameSources(t *testing.T) {
	var want []string
	for _, p := range Providers {
		if p.Frame != "" {
			want = append(want, p.Frame)
		}
	}
	if got := strings.Fields(FrameSources); !slices.Equal(got, want) {
		t.Fatalf("FrameSources=%q, want %q", got, want)
	}
}

func TestFacades(t *testing.T) {
	const (
		ext = ` rel="noopener noreferrer nofollow" target="_blank"`
		yt  = `<figure class="embed" data-provider="youtube" data-embed-src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"><a href="https://www.youtube.com/watch?v=dQw4w9WgXcQ"` + ext + `>`
	)
	tests := []struct {
		name string
		in   string
		want string
		rep  Report
	}{
		{"youtube iframe",
			`<p>Watch:</p><p><iframe width="560" height="315" src="https://www.youtube.com/embed/dQw4w9WgXcQ?feature=oembed" title="Rick Astley - Never Gonna Give You Up" frameborder="0" allowfullscreen></iframe></p><p>after</p>`,
			`<p>Watch:</p>` + yt + `YouTube video: Rick Astley - Never Gonna Give You Up</a></figure><p>after</p>`,
			Report{{Kind: "embed", Name: "iframe", As: "youtube facade", Count: 1, Sample: `<iframe width="560" height="315" src="https://www.youtube.com/embed/dQw4w9WgXcQ?fe…`}}},
		{"lazy iframe, fallback content dropped",
			`<iframe src="about:blank" data-src="https://player.vimeo.com/video/76979871">Your browser cannot show <b>frames</b></iframe>`,
			`<figure class="embed" data-provider="vimeo" data-embed-src="https://player.vimeo.com/video/76979871?dnt=1"><a href="https://vimeo.com/76979871"` + ext + `>Vimeo video: vimeo.com/76979871</a></figure>`,
			Report{{Kind: "embed", Name: "iframe", As: "vimeo facade", Count: 1, Sample: `<iframe src="about:blank" data-src="https://player.vimeo.com/video/76979871">`}}},
		{"unknown iframe becomes a link",
			`<p>Map: <iframe src="https://maps.example/embed?q=Lisbon" title="Map of Lisbon"></iframe></p>`,
			`<p>Map: </p><figure class="embed"><a href="https://maps.example/embed?q=Lisbon"` + ext + `>Embedded content: Map of Lisbon</a></figure>`,
			Report{{Kind: "embed", Name: "iframe", As: "link", Count: 1, Sample: `<iframe src="https://maps.example/embed?q=Lisbon" title="Map of Lisbon">`}}},
		{"iframe without a usable source is removed",
			`<iframe src="javascript:alert(1)"></iframe><iframe srcdoc="<script>alert(1)</script>"></iframe>`,
			``,
			Report{{Kind: "element", Name: "iframe", Count: 2, Sample: `<iframe src="javascript:alert(1)"></iframe>`}}},
		{"old embed and object players",
			`<object data="http://www.youtube.com/v/dQw4w9WgXcQ"><param name="movie" value="x"></object><embed src="https://www.youtube.com/v/dQw4w9WgXcQ" type="application/x-shockwave-flash">`,
			yt + `YouTube video: www.youtube.com/watch?v=dQw4w9WgXcQ</a></figure>` + yt + `YouTube video: www.youtube.com/watch?v=dQw4w9WgXcQ</a></figure>`,
			Report{
				{Kind: "embed", Name: "embed", As: "youtube facade", Count: 1, Sample: `<embed src="https://www.youtube.com/v/dQw4w9WgXcQ" type="application/x-shockwave-flash">`},
				{Kind: "embed", Name: "object", As: "youtube facade", Count: 1, Sample: `<object data="http://www.youtube.com/v/dQw4w9WgXcQ">`},
			}},
		{"bare URL alone in a paragraph",
			"<p>Intro.</p>\n<p>\n  https://youtu.be/dQw4w9WgXcQ\n</p>\n<p>More https://youtu.be/dQw4w9WgXcQ inline stays a text.</p>",
			"<p>Intro.</p>\n" + yt + "YouTube video: www.youtube.com/watch?v=dQw4w9WgXcQ</a></figure>\n<p>More https://youtu.be/dQw4w9WgXcQ inline stays a text.</p>",
			Report{{Kind: "embed", Name: "url", As: "youtube facade", Count: 1, Sample: "<p>https://youtu.be/dQw4w9WgXcQ"}}},
		{"Markdown's autolink alone in a paragraph, and in a div",
			`<p><a href="https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC">https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC</a></p><div class="wp-block-embed__wrapper">https://codepen.io/chriscoyier/pen/gfdDu</div>`,
			`<figure class="embed" data-provider="spotify" data-embed-src="https://open.spotify.com/embed/track/4uLU6hMCjMI75M1A2tKUQC"><a href="https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC"` + ext + `>Spotify: open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC</a></figure>` +
				`<figure class="embed" data-provider="codepen" data-embed-src="https://codepen.io/chriscoyier/embed/gfdDu?default-tab=result"><a href="https://codepen.io/chriscoyier/pen/gfdDu"` + ext + `>CodePen: codepen.io/chriscoyier/pen/gfdDu</a></figure>`,
			Report{
				{Kind: "attribute", Name: "class", On: "div", Count: 1},
				{Kind: "embed", Name: "link", As: "spotify facade", Count: 1, Sample: `<p>https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC`},
				{Kind: "embed", Name: "url", As: "codepen facade", Count: 1, Sample: `<div class="wp-block-embed__wrapper">https://codepen.io/chriscoyier/pen/gfdDu`},
			}},
		{"a link with its own text stays a link",
			`<p><a href="https://youtu.be/dQw4w9WgXcQ">the video</a></p>`,
			`<p><a href="https://youtu.be/dQw4w9WgXcQ"` + ext + `>the video</a></p>`,
			nil},
		{"tweet blockquote and its script",
			`<blockquote class="twitter-tweet" data-lang="en"><p lang="en" dir="ltr">just setting up my twttr</p>&mdash; jack (@jack) <a href="https://twitter.com/jack/status/20?ref_src=twsrc%5Etfw">March 21, 2006</a></blockquote> <script async src="https://platform.twitter.com/widgets.js" charset="utf-8"></script>`,
			`<figure class="embed" data-provider="x" data-embed-src="https://platform.twitter.com/embed/Tweet.html?dnt=true&amp;id=20"><a href="https://x.com/jack/status/20"` + ext + `>X post: just setting up my twttr — jack (@jack) March 21, 2006</a></figure> `,
			Report{
				{Kind: "element", Name: "script", Count: 1, Sample: `<script async src="https://platform.twitter.com/widgets.js" charset="utf-8"></script>`},
				{Kind: "embed", Name: "blockquote", As: "x facade", Count: 1, Sample: `<blockquote class="twitter-tweet" data-lang="en">`},
			}},
		{"instagram, tiktok, bluesky and mastodon snippets",
			`<blockquote class="instagram-media" data-instgrm-permalink="https://www.instagram.com/p/CqY3Ab1Lx9z/?utm_source=ig_embed" data-instgrm-version="14"><div><a href="https://www.instagram.com/p/CqY3Ab1Lx9z/">View this post on Instagram</a></div></blockquote>` +
				`<blockquote class="tiktok-embed" cite="https://www.tiktok.com/@scout2015/video/6718335390845095173" data-video-id="6718335390845095173"><section><a href="https://www.tiktok.com/@scout2015">@scout2015</a> Scramble up ur name</section></blockquote>` +
				`<blockquote class="bluesky-embed" data-bluesky-uri="at://did:plc:oky5czdrnfjpqslsw2a5iclo/app.bsky.feed.post/3kgk4m5xvqk2a" data-bluesky-cid="x"><p lang="en">Hello Bluesky</p>&mdash; Jay (<a href="https://bsky.app/profile/did:plc:oky5czdrnfjpqslsw2a5iclo?ref_src=embed">@jay.bsky.team</a>)</blockquote>` +
				`<blockquote class="mastodon-embed" data-embed-url="https://mastodon.social/@Gargron/109305366428296826/embed"><a href="https://mastodon.social/@Gargron/109305366428296826" target="_blank">Post by @Gargron@mastodon.social</a></blockquote>`,
			`<figure class="embed" data-provider="instagram" data-embed-src="https://www.instagram.com/p/CqY3Ab1Lx9z/embed/"><a href="https://www.instagram.com/p/CqY3Ab1Lx9z/"` + ext + `>Instagram post: View this post on Instagram</a></figure>` +
				`<figure class="embed" data-provider="tiktok" data-embed-src="https://www.tiktok.com/embed/v2/6718335390845095173"><a href="https://www.tiktok.com/@scout2015/video/6718335390845095173"` + ext + `>TikTok video: @scout2015 Scramble up ur name</a></figure>` +
				`<figure class="embed" data-provider="bluesky" data-embed-src="https://embed.bsky.app/embed/did:plc:oky5czdrnfjpqslsw2a5iclo/app.bsky.feed.post/3kgk4m5xvqk2a"><a href="https://bsky.app/profile/did:plc:oky5czdrnfjpqslsw2a5iclo/post/3kgk4m5xvqk2a"` + ext + `>Bluesky post: Hello Bluesky — Jay (@jay.bsky.team)</a></figure>` +
				`<figure class="embed" data-provider="mastodon"><a href="https://mastodon.social/@Gargron/109305366428296826"` + ext + `>Mastodon post: Post by @Gargron@mastodon.social</a></figure>`,
			Report{
				{Kind: "embed", Name: "blockquote", As: "bluesky facade", Count: 1, Sample: `<blockquote class="bluesky-embed" data-bluesky-uri="at://did:plc:oky5czdrnfjpqslsw2a5ic…`},
				{Kind: "embed", Name: "blockquote", As: "instagram facade", Count: 1, Sample: `<blockquote class="instagram-media" data-instgrm-permalink="https://www.instagram.co…`},
				{Kind: "embed", Name: "blockquote", As: "mastodon facade", Count: 1, Sample: `<blockquote class="mastodon-embed" data-embed-url="https://mastodon.social/@Gargron/…`},
				{Kind: "embed", Name: "blockquote", As: "tiktok facade", Count: 1, Sample: `<blockquote class="tiktok-embed" cite="https://www.tiktok.com/@scout2015/video/67183…`},
			}},
		{"a provider's blockquote without its link stays a quote",
			`<blockquote class="twitter-tweet"><p>Quoted without a link</p></blockquote>`,
			`<blockquote><p>Quoted without a link</p></blockquote>`,
			Report{{Kind: "attribute", Name: "class", On: "blockquote", Count: 1, Sample: `class="twitter-tweet"`}}},
		{"codepen paragraph and gist script",
			`<p class="codepen" data-height="300" data-default-tab="html,result" data-slug-hash="gfdDu" data-user="chriscoyier"><span>See the Pen <a href="https://codepen.io/chriscoyier/pen/gfdDu">Pen</a></span></p><script async src="https://cpwebassets.codepen.io/assets/embed/ei.js"></script><script src="https://gist.github.com/octocat/6cad326836d38bd3a7ae.js"></script>`,
			`<figure class="embed" data-provider="codepen" data-embed-src="https://codepen.io/chriscoyier/embed/gfdDu?default-tab=result"><a href="https://codepen.io/chriscoyier/pen/gfdDu"` + ext + `>CodePen: See the Pen Pen</a></figure>` +
				`<figure class="embed" data-provider="gist"><a href="https://gist.github.com/octocat/6cad326836d38bd3a7ae"` + ext + `>GitHub gist: gist.github.com/octocat/6cad326836d38bd3a7ae</a></figure>`,
			Report{
				{Kind: "element", Name: "script", Count: 1, Sample: `<script async src="https://cpwebassets.codepen.io/assets/embed/ei.js"></script>`},
				{Kind: "embed", Name: "p", As: "codepen facade", Count: 1, Sample: `<p class="codepen" data-height="300" data-default-tab="html,result" data-slug-hash=…`},
				{Kind: "embed", Name: "script", As: "gist facade", Count: 1, Sample: `<script src="https://gist.github.com/octocat/6cad326836d38bd3a7ae.js">`},
			}},
		{"a forged facade is recomputed from its link",
			`<figure class="embed" data-provider="vimeo" data-embed-src="https://www.youtube-nocookie.com/embed/AAAAAAAAAAA" onclick="x()"><a href="https://youtu.be/dQw4w9WgXcQ">Cats</a></figure>`,
			`<figure class="embed" data-provider="youtube" data-embed-src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"><a href="https://youtu.be/dQw4w9WgXcQ"` + ext + `>Cats</a></figure>`,
			Report{
				{Kind: "attribute", Name: "data-embed-src", On: "figure", Count: 1, Sample: `data-embed-src="https://www.youtube-nocookie.com/embed/AAAAAAAAAAA"`},
				{Kind: "attribute", Name: "data-provider", On: "figure", Count: 1, Sample: `data-provider="vimeo"`},
				{Kind: "attribute", Name: "onclick", On: "figure", Count: 1, Sample: `onclick="x()"`},
			}},
		{"facade attributes on a figure that is no embed",
			`<figure data-provider="youtube" data-embed-src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"><img src="https://img.example/a.jpg"></figure><figure class="embed"><img src="https://img.example/b.jpg"></figure>`,
			`<figure><img src="https://img.example/a.jpg" loading="lazy" decoding="async"></figure><figure><img src="https://img.example/b.jpg" loading="lazy" decoding="async"></figure>`,
			Report{
				{Kind: "attribute", Name: "class", On: "figure", Count: 1, Sample: `class="embed"`},
				{Kind: "attribute", Name: "data-embed-src", On: "figure", Count: 1, Sample: `data-embed-src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"`},
				{Kind: "attribute", Name: "data-provider", On: "figure", Count: 1, Sample: `data-provider="youtube"`},
			}},
		{"an iframe inside a link closes it first",
			`<a href="https://a.example/">a <iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ"></iframe> b</a>`,
			`<a href="https://a.example/"` + ext + `>a </a>` + yt + `YouTube video: www.youtube.com/watch?v=dQw4w9WgXcQ</a></figure> b`,
			Report{{Kind: "embed", Name: "iframe", As: "youtube facade", Count: 1, Sample: `<iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ">`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, rep := checkSafe(t, tt.in, nil)
			if string(got) != tt.want {
				t.Fatalf("HTML(%q)=\n%s\nwant\n%s", tt.in, got, tt.want)
			}
			if !reflect.DeepEqual(withoutSamples(rep), withoutSamples(tt.rep)) {
				t.Fatalf("report=%s, want %s", jsonOf(rep), jsonOf(tt.rep))
			}
		})
	}
}

func TestMath(t *testing.T) {
	tests := []struct {
		name, in, want string
		rep            Report
	}{
		{"presentation markup kept",
			`<p>When <math><mi>a</mi><mo>≠</mo><mn>0</mn></math>, there are two solutions to <math display="block" xmlns="http://www.w3.org/1998/Math/MathML"><mrow><mi>a</mi><msup><mi>x</mi><mn>2</mn></msup><mo form="infix">+</mo><mi>c</mi><mo>=</mo><mn>0</mn></mrow></math></p>`,
			`<p>When <math><mi>a</mi><mo>≠</mo><mn>0</mn></math>, there are two solutions to <math display="block"><mrow><mi>a</mi><msup><mi>x</mi><mn>2</mn></msup><mo form="infix">+</mo><mi>c</mi><mo>=</mo><mn>0</mn></mrow></math></p>`,
			nil},
		{"fractions, roots, tables and a TeX annotation",
			`<math alttext="x=\frac{-b}{2a}"><semantics><mrow><mi>x</mi><mo>=</mo><mfrac><mrow><mo>−</mo><mi>b</mi></mrow><mrow><mn>2</mn><mi>a</mi></mrow></mfrac><msqrt><mi>y</mi></msqrt><mtable><mtr><mtd columnspan="2"><mn>1</mn></mtd></mtr></mtable></mrow><annotation encoding="application/x-tex">x=\frac{-b}{2a}</annotation></semantics></math>`,
			`<math alttext="x=\frac{-b}{2a}"><semantics><mrow><mi>x</mi><mo>=</mo><mfrac><mrow><mo>−</mo><mi>b</mi></mrow><mrow><mn>2</mn><mi>a</mi></mrow></mfrac><msqrt><mi>y</mi></msqrt><mtable><mtr><mtd columnspan="2"><mn>1</mn></mtd></mtr></mtable></mrow><annotation encoding="application/x-tex">x=\frac{-b}{2a}</annotation></semantics></math>`,
			nil},
		{"self-closing elements are empty, as in foreign content",
			`<math><mspace width="1em"/><mi>x</mi></math>`,
			`<math><mspace width="1em"></mspace><mi>x</mi></math>`,
			nil},
		{"HTML inside a formula removed, its text kept",
			`<math><mtext><b>bold</b> text</mtext><maction actiontype="statusline"><mi>y</mi></maction></math>`,
			`<math><mtext>bold text</mtext><mi>y</mi></math>`,
			Report{
				{Kind: "element", Name: "b", Count: 1, Sample: "<b>"},
				{Kind: "element", Name: "maction", Count: 1, Sample: `<maction actiontype="statusline">`},
			}},
		{"a formula that does not parse back as written becomes its alttext",
			`<p><math alttext="x squared"><mtext><mi>x</mi></mtext></math></p>`,
			`<p>x squared</p>`,
			Report{{Kind: "element", Name: "math", As: "text", Count: 1, Sample: `<math alttext="x squared"><mtext><mi>x</mi></mtext></math>`}}},
		{"else its TeX annotation, else its text",
			`<math><semantics><mtext><mi>x</mi></mtext><annotation encoding="application/x-tex">x^2</annotation></semantics></math> and <math><mtext><mn>4</mn></mtext></math>`,
			`x^2 and 4`,
			Report{{Kind: "element", Name: "math", As: "text", Count: 2, Sample: `<math><semantics><mtext><mi>x</mi></mtext><annotation encoding="application/x-tex">x…`}}},
		{"MathML elements outside a formula are not kept",
			`<mi>x</mi><mo>+</mo>`,
			`x+`,
			Report{{Kind: "element", Name: "mi", Count: 1, Sample: "<mi>"}, {Kind: "element", Name: "mo", Count: 1, Sample: "<mo>"}}},
		{"raw-text elements in a formula are dropped with their content",
			`<math><mi><style><img src=x onerror=alert(1)></style>a</mi></math>`,
			`<math><mi>a</mi></math>`,
			Report{{Kind: "element", Name: "style", Count: 1, Sample: "<style><img src=x onerror=alert(1)></style>"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, rep := checkSafe(t, tt.in, nil)
			if string(got) != tt.want {
				t.Fatalf("HTML(%q)=\n%s\nwant\n%s", tt.in, got, tt.want)
			}
			if !reflect.DeepEqual(withoutSamples(rep), withoutSamples(tt.rep)) {
				t.Fatalf("report=%s, want %s", jsonOf(rep), jsonOf(tt.rep))
			}
		})
	}
	if got := PlainText(`<p>When <math><mi>a</mi><mo>≠</mo><mn>0</mn><annotation encoding="application/x-tex">a \ne 0</annotation></math>, then</p>`); got != "When a≠0, then" {
		t.Fatalf("PlainText of a formula=%q", got)
	}
}

func TestAnchors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"fragment and id normalised the same way",
			`<ul><li><a href="#what's-new">What's new</a></li><li><a href="#what%27s-new">again</a></li><li><a href="#why%3F">Why?</a></li><li><a href="#caf%C3%A9">Café</a></li><li><a href="#a%20b">A b</a></li></ul>` +
				`<h2 id="what's-new">What's new</h2><h2 id="why?">Why?</h2><h2 id="café">Café</h2><h2 id="a b">A b</h2><h2 id="why%3F">Why, escaped</h2>`,
			`<ul><li><a href="#user-content-what&#39;s-new">What&#39;s new</a></li><li><a href="#user-content-what&#39;s-new">again</a></li><li><a href="#user-content-why?">Why?</a></li><li><a href="#user-content-caf%C3%A9">Café</a></li><li><a href="#user-content-a-b">A b</a></li></ul>` +
				`<h2 id="user-content-what&#39;s-new">What&#39;s new</h2><h2 id="user-content-why?">Why?</h2><h2 id="user-content-café">Café</h2><h2 id="user-content-a-b">A b</h2><h2 id="user-content-why?">Why, escaped</h2>`},
		{"named anchors stay as targets",
			`<p><a name="top"></a>Top <a id="mid">middle</a> <a href="#top">up</a></p>`,
			`<p><span id="user-content-top"></span>Top <span id="user-content-mid">middle</span> <a href="#user-content-top">up</a></p>`},
		{"tt is code; kbd, samp and var kept",
			`<p><tt>ls -l</tt>, <kbd>Ctrl</kbd>+<kbd>C</kbd>, <samp>done</samp>, <var>n</var></p>`,
			`<p><code>ls -l</code>, <kbd>Ctrl</kbd>+<kbd>C</kbd>, <samp>done</samp>, <var>n</var></p>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := checkSafe(t, tt.in, testBase)
			if string(got) != tt.want {
				t.Fatalf("HTML(%q)=\n%s\nwant\n%s", tt.in, got, tt.want)
			}
		})
	}
}

// withoutSamples returns the report with its samples checked (one line,
// from the input) and blanked, for tests that do not spell them out.
func withoutSamples(r Report) Report {
	out := slices.Clone(r)
	for i := range out {
		out[i].Sample = ""
	}
	return out
}

// TestTokenOffsets checks what the look ahead relies on: the raw bytes of
// the tokens of an input, one after another, are the input.
func TestTokenOffsets(t *testing.T) {
	inputs := loadCorpus(t)
	for _, p := range loadPages(t) {
		inputs = append(inputs, p)
	}
	for _, in := range inputs {
		z := html.NewTokenizer(strings.NewReader(in))
		n := 0
		for z.Next() != html.ErrorToken {
			if !strings.HasPrefix(in[n:], string(z.Raw())) {
				t.Fatalf("token %q is not at offset %d of %q", z.Raw(), n, in)
			}
			n += len(z.Raw())
		}
		if rest := in[n:]; strings.Contains(rest, ">") && !strings.HasPrefix(rest, "<") {
			t.Fatalf("tokens end at %d of %d in %q", n, len(in), in)
		}
	}
}
