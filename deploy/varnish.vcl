# Varnish in front of one or more `folio serve` instances, purged on every
# write through the xkey module (Debian: apt-get install varnish varnish-modules).
#
#   folio serve -addr 127.0.0.1:8080 -purge varnish=http://127.0.0.1:6081/ ...
#   varnishd -a :6081 -f /path/to/deploy/varnish.vcl -s malloc,256m
#
# backends.vcl, next to this file, names the instances; edit it for yours.
#
# What it does:
#   - keeps only what Folio tags (Surrogate-Key), for as long as Folio's
#     Cache-Control says (a day with -purge), and serves it stale for a day
#     when every instance is down (grace) or while it refreshes it;
#   - canonical URLs: each route keeps only the query parameters it reads
#     (the list in internal/server/routes.go), sorted, so that junk query
#     strings neither miss the cache nor reach Folio;
#   - PURGE with an xkey header (from the listed addresses only) drops every
#     object tagged with any of the keys: that is what Folio sends after a
#     write.
vcl 4.1;

import std;
import xkey;
import directors;

include "./backends.vcl";

# Who may purge: the Folio instances.
acl purgers {
	"127.0.0.1";
	"::1";
}

sub vcl_recv {
	set req.backend_hint = folio.backend();

	if (req.method == "PURGE") {
		if (client.ip !~ purgers) {
			return (synth(403, "Forbidden"));
		}
		if (!req.http.xkey) {
			return (synth(400, "Send the keys to drop in the xkey header"));
		}
		set req.http.n-gone = xkey.purge(req.http.xkey);
		return (synth(200, "Purged " + req.http.n-gone + " objects"));
	}
	if (req.method != "GET" && req.method != "HEAD") {
		return (pass); # writes go straight to Folio
	}
	unset req.http.Cookie; # Folio uses none

	# Canonical URLs: the parameters each route reads, nothing else, sorted.
	if (req.url ~ "^/(a/|api/articles/|feed\.(atom|json)|saved|preview)") {
		set req.url = regsub(req.url, "\?.*$", "");
	} elsif (req.url ~ "^/api/articles(\?|$)") {
		set req.url = regsuball(req.url, "(?<=[?&])(?!(?:limit|cursor|tag|q)=)[^&]*&?", "");
	} elsif (req.url ~ "^/embed/[^/?]+(\?|$)") {
		set req.url = regsuball(req.url, "(?<=[?&])(?!(?:theme|layout|accent|width)=)[^&]*&?", "");
	} elsif (req.url ~ "^/oembed(\?|$)") {
		set req.url = regsuball(req.url, "(?<=[?&])(?!(?:url|maxwidth|maxheight|format|theme|layout|accent)=)[^&]*&?", "");
	} elsif (req.url ~ "^/(\?|$)") {
		set req.url = regsuball(req.url, "(?<=[?&])(?!(?:q|tag|cursor)=)[^&]*&?", "");
	}
	set req.url = regsub(req.url, "[?&]+$", "");
	set req.url = std.querysort(req.url);
	return (hash);
}

sub vcl_backend_response {
	if (!beresp.http.Surrogate-Key) {
		# Only what Folio tags is kept: errors, static files it marks
		# no-cache and the like go through.
		set beresp.uncacheable = true;
		set beresp.ttl = 0s;
		return (deliver);
	}
	set beresp.http.xkey = beresp.http.Surrogate-Key;
	set beresp.grace = 1d; # stale while refreshing, or while every instance is down
}

sub vcl_deliver {
	unset resp.http.xkey;
	if (obj.hits > 0) {
		set resp.http.X-Cache = "HIT";
	} else {
		set resp.http.X-Cache = "MISS";
	}
}
