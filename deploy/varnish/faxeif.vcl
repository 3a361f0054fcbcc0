vcl 4.1;

# Varnish in front of the app servers (nginx -> Varnish -> gunicorn): one shared copy of each
# public page for every visitor, purged by the page cache's dependency keys.
#
# The app decides what may be kept and for how long: pages its page cache stores carry
# `Cache-Control: public, max-age=0, must-revalidate, s-maxage=N` (browsers revalidate, shared
# caches keep the page N seconds at most) and `xkey: page:12 menu site ...`, the keys of what
# they show, when settings.VARNISH_PURGE_URLS lists this Varnish. Whatever renews a key (a
# publish, a snippet, an image, a setting) sends `PURGE /` with `xkey-purge: <keys>` to every
# Varnish once its transaction has committed (pagecache/cache.py).
#
# The backends (app servers, their health probe, the round-robin director `app`) live in
# faxeif-backends.vcl, which each site or stack writes for itself: varnishd runs with
# `-p vcl_path=<its own folder>:<this folder>`, so this file is used unchanged.
#
# X-Forwarded-For: nginx appends the visitor's address, then Varnish appends nginx's (it does
# so before vcl_recv, always). The app counts proxies from the right, so behind nginx and Varnish
# it must be told there are two: TRUSTED_PROXY_COUNT=2 (faxeif/settings/production.py), or
# failed logins are counted for nginx's address instead of the visitor's. X-Forwarded-Proto is
# nginx's, passed on as it is.

import std;
import xkey;

include "faxeif-backends.vcl";

# Who may purge: the app servers (and the scheduled commands, which publish too). Add their
# addresses when they run on other machines. Purges through nginx are refused below, although
# nginx connects from here too.
acl purgers {
    "localhost";
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    set req.backend_hint = app.backend();
    unset req.http.X-Varnish-Cache;  # set in vcl_pass and vcl_deliver, never by a client

    # Grace: a page whose lifetime has just ended is served for up to 10 s while a fresh copy is
    # fetched; while every app server is sick, cached pages are served for up to an hour after
    # it instead of an error (beresp.grace below).
    if (std.healthy(req.backend_hint)) {
        set req.grace = 10s;
    }

    if (req.method == "PURGE") {
        # A visitor's PURGE reaches Varnish through nginx, from loopback, and must not empty
        # the cache. nginx appends to X-Forwarded-For (Varnish has added client.ip after it by
        # now: two entries) and sets X-Forwarded-Proto on https; the app's purges send neither.
        if (client.ip !~ purgers
            || req.http.X-Forwarded-For ~ ","
            || req.http.X-Forwarded-Proto) {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "No xkey-purge header"));
        }
        # A hard purge: a purged page is not served again, not even in grace.
        set req.http.n-gone = xkey.purge(req.http.xkey-purge);
        return (synth(200, "Invalidated " + req.http.n-gone + " objects"));
    }

    # Posts (sign-ups, logins, edits), the admin and the documents (served to those who may see
    # them) always go to the app.
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    if (req.url ~ "^/(admin|documents)/") {
        return (pass);
    }
    # Editors (a session) and whoever holds a CSRF cookie from a form get pages of their own
    # (the user bar, messages): the app answers them.
    if (req.http.Cookie ~ "(^|;)\s*(sessionid|csrftoken)=") {
        return (pass);
    }
    # Any other cookie (analytics, a look-alike) changes nothing the site shows: dropped, so
    # that every visitor shares one copy. The site speaks Danish only, whatever the browser
    # asks for, though Django says Vary: Accept-Language: one copy for every browser.
    unset req.http.Cookie;
    unset req.http.Accept-Language;
    # On to the built-in rules (Authorization passes, Host is required), then the cache.
}

sub vcl_hash {
    # The scheme is part of a page's address, as in the app's own cache: an https page carries
    # HSTS, a plain http request gets a redirect.
    hash_data(req.http.X-Forwarded-Proto);
    # The built-in hash follows: the URL and the Host.
}

sub vcl_pass {
    set req.http.X-Varnish-Cache = "PASS";
}

sub vcl_backend_fetch {
    unset bereq.http.X-Varnish-Cache;
}

sub vcl_backend_response {
    if (bereq.uncacheable) {
        return (deliver);  # a pass
    }
    # Kept only when the app says shared caches may: `public` with a lifetime (s-maxage for
    # pages, max-age for static files). A page rendered while something changed comes without
    # s-maxage (its max-age=0 is for browsers): not kept. Redirects and errors say nothing
    # and are not kept either (Varnish would otherwise keep them for default_ttl).
    if (beresp.http.Cache-Control !~ "(?i)(^|[\s,])public($|[\s,])") {
        set beresp.ttl = 0s;
    } else if (beresp.ttl > 1d) {
        set beresp.ttl = 1d;  # static files say ten years; memory is better spent on pages
    }
    if (beresp.ttl > 0s && !beresp.http.Set-Cookie) {
        set beresp.grace = 1h;  # used only while the app servers are sick (vcl_recv)
    }
    # On to the built-in rules: a response with Set-Cookie (a page that starts a session), no
    # lifetime, or private/no-store is not kept (hit-for-miss for 2 minutes: the next request
    # goes to the app, and a keepable answer then replaces the marker).
}

sub vcl_backend_error {
    # An app server that has just died (before the probe notices): once more, on the next one.
    # Only for reads, which are safe to send twice.
    if (bereq.retries < 1 && (bereq.method == "GET" || bereq.method == "HEAD")) {
        return (retry);
    }
}

sub vcl_deliver {
    # What the visitor needs to know; the keys are the site's internals.
    unset resp.http.xkey;
    # X-Varnish-Cache says how Varnish answered; X-Cache, from the app, how the app's own page
    # cache answered Varnish when this copy was fetched (HIT/MISS).
    if (!req.http.X-Varnish-Cache) {
        if (obj.hits > 0) {
            set req.http.X-Varnish-Cache = "HIT";
        } else {
            set req.http.X-Varnish-Cache = "MISS";
        }
    }
    set resp.http.X-Varnish-Cache = req.http.X-Varnish-Cache;
}
