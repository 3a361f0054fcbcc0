"""The full-page cache, with exact invalidation.

Anonymous GET and HEAD requests for public pages are answered from Django's cache. While a page
renders, the code that shows something records what it showed as dependency keys
(`depends_on("page:12", "menu")`); the cached page keeps the version of each key it was rendered
under. Publishing, unpublishing, moving or deleting a page, or saving a snippet, image or setting,
gives the affected keys new versions (`invalidate`), so every cached page that showed them is
stale from that moment, in every gunicorn worker, because the versions live in the shared cache.

A hit costs two cache reads (the page, then its keys' versions), no database query, and none of
the middleware below this one (sessions, auth, messages); a worker that has verified the page
since the last invalidation reads only the generation (`cached_page`).

The versions live in a cache of their own (VERSIONS_ALIAS): pages can be culled or evicted when the
page cache fills up, versions never are, since a lost version makes every page that depends on it
a miss. A page is kept once per value of the query parameters it reads (`varies_on_query`): any
other parameter (`?utm_source=`, junk) is answered from the copy without it, so a flood of
made-up query strings stores nothing new.

Shared HTTP caches (Varnish, deploy/varnish/faxeif.vcl) in front of the app servers, when
settings.VARNISH_PURGE_URLS names them: a page the cache stores tells them how long they may keep
it (`s-maxage`, up to the moment the entry must be checked again) and what it shows (its keys, in
the `xkey` header, which Varnish strips); `invalidate` purges the same keys in each of them once
the transaction has committed. Browsers keep revalidating every time.
"""

import functools
import hashlib
import logging
import os
import re
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from http.client import HTTPConnection, HTTPException
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import wagtail
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.redis import RedisCache
from django.core.signals import setting_changed
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control

CACHE_ALIAS = "default"
# The dependency keys' versions and the generation: a cache that only this module writes, with
# a handful of keys per page and image, so that no cull or eviction of pages reaches them.
VERSIONS_ALIAS = "pagecache_versions"
KEY_PREFIX = "pagecache"
# Part of every page's key: a deploy that changes what an entry holds (`_store`) or how keys are
# made raises it, so the new code never reads an entry that the old code stored.
ENTRY_FORMAT = 4
# Every cached page depends on this key: it is renewed when URLs or settings change, which can
# show anywhere (links in rich text, the footer).
SITE = "site"
# Renewed when any page is published, unpublished, moved or deleted: for what shows every page
# (the search results).
PAGES = "pages"
# Revalidate every time: the ETag makes that a cheap 304, and nobody sees a stale page.
PUBLIC_CACHE_CONTROL = {"public": True, "max_age": 0, "must_revalidate": True}
NOT_CACHED_PATHS = ("/admin/", "/documents/")
# Varnish's surrogate-key header (vmod xkey), and the request header its purges carry.
XKEY_HEADER = "xkey"
PURGE_HEADER = "xkey-purge"
# Varnish fails the fetch of a response with a header longer than http_resp_hdr_len (8 KB by
# default): a page showing more keys than fit is left to the app's own cache (no s-maxage).
XKEY_MAX_LENGTH = 6000
# A Varnish that does not answer within this many seconds is skipped (and logged): a publish
# waits for the purges, it must not wait long.
PURGE_TIMEOUT = 2

logger = logging.getLogger(__name__)


@dataclass
class _Rendering:
    """What the page being rendered showed (dependency keys) and read (query parameters)."""

    keys: set[str] = field(default_factory=set)
    query: set[str] = field(default_factory=set)


_rendering: ContextVar[_Rendering | None] = ContextVar("page_cache_rendering", default=None)


def cache():
    return caches[CACHE_ALIAS]


def versions_cache():
    return caches[VERSIONS_ALIAS]


def depends_on(*keys: str) -> None:
    """Record that the page being rendered shows what these keys stand for."""
    if (rendering := _rendering.get()) is not None:
        rendering.keys.update(keys)


def varies_on_query(*names: str) -> None:
    """Record that the page being rendered reads these query parameters: the cache keeps a copy
    for each of their values. Whatever reads a parameter from request.GET for a cached page must
    say so here, or every value of it is answered with the first copy stored."""
    if (rendering := _rendering.get()) is not None:
        rendering.query.update(names)


def _version_key(key: str) -> str:
    return f"{KEY_PREFIX}:v:{key}"


def _generation_key() -> str:
    return f"{KEY_PREFIX}:generation"


def invalidate(*keys: str) -> None:
    """Give these keys new versions, now and again when the transaction commits: a page
    rendered meanwhile from the old, still committed, data is then stale too."""

    def renew():
        tokens = {_version_key(key): secrets.token_hex(8) for key in keys}
        tokens[_generation_key()] = secrets.token_hex(8)
        versions_cache().set_many(tokens, timeout=None)

    renew()
    transaction.on_commit(renew)
    if settings.VARNISH_PURGE_URLS:
        # After the renewal: a page Varnish fetches from now on is rendered from committed data
        # and stored under the new versions (or, rendered meanwhile, not stored at all). Robust:
        # whatever goes wrong with a purge is logged, the committed change stands.
        transaction.on_commit(lambda: purge_shared_caches(keys), robust=True)


# Characters that may stand in a header value and separate nothing for vmod xkey (which splits
# on spaces and commas). Every key the site records is made of these (page:12, model:app.model,
# children:000100010002, until:1700000000); any other is sent hashed, in the header and in purges.
_SHARED_KEY = re.compile(r"[A-Za-z0-9_.:/@+=-]+")


def shared_key(key: str) -> str:
    """The dependency key as shared caches know it: the same in the xkey header and in purges."""
    if _SHARED_KEY.fullmatch(key):
        return key
    return "hash:" + hashlib.sha256(key.encode()).hexdigest()[:16]


def _shared_keys(keys) -> str:
    """The keys as the xkey header and a purge's xkey-purge header list them."""
    return " ".join(sorted({shared_key(key) for key in keys}))


def _xkey(keys) -> str | None:
    """The xkey header's value for a page showing these keys; None when it would be too long."""
    value = _shared_keys(keys)
    return value if len(value) <= XKEY_MAX_LENGTH else None


def purge_shared_caches(keys) -> None:
    """`PURGE /` with the keys to every Varnish in settings.VARNISH_PURGE_URLS. One that does not
    answer, or refuses, is logged: the change is committed, and Varnish keeps a page no longer
    than its s-maxage."""
    value = _shared_keys(keys)
    for url in settings.VARNISH_PURGE_URLS:
        parts = urlsplit(url)
        connection = HTTPConnection(parts.hostname, parts.port or 80, timeout=PURGE_TIMEOUT)
        try:
            connection.request("PURGE", (parts.path or "/"), headers={PURGE_HEADER: value})
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                logger.warning("Varnish %s refused to purge %s: %s", url, value, response.status)
        except (OSError, HTTPException) as error:
            logger.warning("Varnish %s was not purged of %s: %s", url, value, error)
        finally:
            connection.close()


def changes_at(moment) -> None:
    """The page being rendered changes at `moment` although nobody edits anything (an activity
    ends and moves to the past, a sign-up closes): record a dependency whose version the cache
    forgets at that moment, so the first request after it renders the page anew."""
    if moment is None:
        return
    seconds = int((moment - timezone.now()).total_seconds()) + 1
    if seconds <= 0:
        return
    key = f"until:{int(moment.timestamp())}"
    versions_cache().add(_version_key(key), secrets.token_hex(8), timeout=seconds)
    depends_on(key)


def current_versions(keys) -> dict[str, str]:
    """The keys' versions, creating those that have none yet (first use, or evicted)."""
    found = versions_cache().get_many([_version_key(key) for key in keys])
    missing = {_version_key(k): secrets.token_hex(8) for k in keys if _version_key(k) not in found}
    if missing:
        versions_cache().set_many(missing, timeout=None)
        found.update(missing)
    return {key: found[_version_key(key)] for key in keys}


def is_current(versions: dict[str, str]) -> bool:
    found = versions_cache().get_many([_version_key(key) for key in versions])
    return all(found.get(_version_key(key)) == token for key, token in versions.items())


def cached_data(name: str, keys: tuple[str, ...], compute):
    """Data that many pages show (the menu, the footer), kept until one of its keys changes."""
    keys = (*keys, SITE)
    depends_on(*keys)
    entry = cache().get(f"{KEY_PREFIX}:data:{name}")
    if entry is not None and is_current(entry["versions"]):
        return entry["data"]
    versions = current_versions(keys)
    data = compute()
    cache().set(f"{KEY_PREFIX}:data:{name}", {"data": data, "versions": versions}, timeout=None)
    return data


# Serving. A hit is decided from the WSGI environ alone (`cached_page`), so the same decision
# serves both from PageCacheWSGI, in front of Django (gunicorn: faxeif.wsgi), and from the
# middleware (anything that calls Django's handler directly, such as the test client).


@dataclass(frozen=True)
class _HitSettings:
    """What a hit reads from the settings, read once: Django's settings object costs a
    noticeable part of a hit at each attribute read."""

    not_cached_paths: tuple[str, ...]
    session_cookie: str
    proxy_ssl_header: tuple[str, str] | None
    # Whether shared caches (Varnish) are told the page's keys and lifetime (`_cache_headers`).
    shared_caches: bool
    # How this process reads the generation (`_generation`).
    read_generation: Callable[[], object]


@functools.cache
def _hit_settings() -> _HitSettings:
    return _HitSettings(
        not_cached_paths=(*NOT_CACHED_PATHS, settings.STATIC_URL, settings.MEDIA_URL),
        session_cookie=settings.SESSION_COOKIE_NAME,
        proxy_ssl_header=settings.SECURE_PROXY_SSL_HEADER,
        shared_caches=bool(settings.VARNISH_PURGE_URLS),
        read_generation=_generation_reader(versions_cache()),
    )


def _generation_reader(versions) -> Callable[[], object]:
    """A function that returns the generation as anything that changes with it, or None while
    there is none: its stored bytes, without unpickling. In a file cache, one small read of its
    file; on Redis, one GET through a client kept for the process (Django's RedisCache makes a
    client for every call, which cost three times the round trip's CPU); else the cache's get."""
    if isinstance(versions, FileBasedCache):
        return functools.partial(_file_bytes, versions._key_to_file(_generation_key()))
    if isinstance(versions, RedisCache):
        client = versions._cache.get_client()  # the pool of the server reads go to
        return functools.partial(client.get, versions.make_and_validate_key(_generation_key()))
    return functools.partial(versions.get, _generation_key())


def _file_bytes(path: str) -> bytes | None:
    try:
        descriptor = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return None
    try:
        return os.read(descriptor, 4096)
    finally:
        os.close(descriptor)


def _forget_hit_settings(**kwargs) -> None:
    _hit_settings.cache_clear()  # the tests' override_settings


setting_changed.connect(_forget_hit_settings)


def _is_cacheable_path(environ) -> bool:
    return not environ.get("PATH_INFO", "").startswith(_hit_settings().not_cached_paths)


def _is_anonymous_page_request(environ) -> bool:
    return (
        environ.get("REQUEST_METHOD") in ("GET", "HEAD")
        # A plain substring test: at worst a visitor with a look-alike cookie bypasses the cache.
        and _hit_settings().session_cookie not in environ.get("HTTP_COOKIE", "")
        and "HTTP_AUTHORIZATION" not in environ
        and _is_cacheable_path(environ)
    )


def _is_cacheable_response(response) -> bool:
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and response.get("Content-Type", "").startswith("text/html")
        and not any(word in cache_control for word in ("private", "no-store", "no-cache"))
    )


def _scheme(environ) -> str:
    # As HttpRequest.scheme decides it: the front server's header when one is configured.
    if proxy_ssl_header := _hit_settings().proxy_ssl_header:
        header, secure_value = proxy_ssl_header
        if (value := environ.get(header)) is not None:
            return "https" if value.split(",", 1)[0].strip() == secure_value else "http"
    return environ.get("wsgi.url_scheme", "http")


def _address(environ) -> str:
    """The page's address without the query string. The scheme is part of it: an https response
    carries HSTS, and plain http is redirected in production."""
    host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")
    return f"{_scheme(environ)}://{host}{environ.get('PATH_INFO', '')}"


def _query_pairs(environ, names) -> list[tuple[str, str]]:
    """The request's values of these query parameters, as Django reads them (UTF-8, blank values
    kept), in one order: `?tag=a&side=2` and `?side=2&tag=a` are the same copy."""
    query = environ.get("QUERY_STRING", "").encode("iso-8859-1").decode("utf-8", "replace")
    pairs = parse_qsl(query, keep_blank_values=True, errors="replace")
    return sorted((pair for pair in pairs if pair[0] in names), key=lambda pair: pair[0])


@functools.cache
def release() -> str:
    """What a deploy changes in every page without renewing a dependency key: the site's
    templates, the static files' hashed names (a new stylesheet is a new address) and Wagtail's
    own templates (its version). Part of every key: after a deploy the workers render pages
    afresh instead of serving the old pages, which link the old stylesheet. Read once per
    process (a deploy restarts them)."""
    digest = hashlib.sha256(wagtail.__version__.encode())
    for directory in settings.TEMPLATES[0]["DIRS"]:
        for path in sorted(Path(directory).rglob("*.*")):
            digest.update(str(path.relative_to(directory)).encode() + path.read_bytes())
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if manifest.is_file():
        digest.update(manifest.read_bytes())
    return digest.hexdigest()[:16]


def _hashed(kind: str, text: str) -> str:
    # Hashed: a query string can be as long as a visitor likes, a cache key cannot.
    digest = hashlib.sha256(text.encode()).hexdigest()
    return f"{KEY_PREFIX}:{kind}:{ENTRY_FORMAT}:{release()}:{digest}"


def _page_key(address: str, pairs) -> str:
    return _hashed("page", f"{address}?{urlencode(pairs)}")


def _query_names_key(address: str) -> str:
    """Where the query parameters that the page at this address reads are kept."""
    return _hashed("query", address)


# Records this process has found current, with the generation it found them under. While the
# generation is unchanged nothing has been invalidated, so a hit costs one small read of the
# generation instead of the entry's and every dependency's. Two kinds of keys: a cache key (a
# page, or the query parameters a page reads), and a request as it came, (release, address, query
# string), which spares a repeated request the keys' hashing and the query string's parsing.
# Bounded: the most recent ones only (a request's key and its page's share one record).
_verified: OrderedDict[str | tuple[str, str, str], tuple[object, dict]] = OrderedDict()
VERIFIED_MAX = 400


def _generation():
    """The cache's generation, renewed by every invalidation (see `_generation_reader`)."""
    return _hit_settings().read_generation()


def _known(key, generation) -> dict | None:
    """The record verified under this generation and still fresh, or None."""
    if (known := _verified.get(key)) is not None:
        known_generation, record = known
        if known_generation == generation and time.time() < record["fresh_until"]:
            _verified.move_to_end(key)
            return record
        del _verified[key]
    return None


def _remember(key, generation, record) -> None:
    # `generation` was read before the record was verified: an invalidation since changed it.
    if generation is not None:
        _verified[key] = (generation, record)
        if len(_verified) > VERIFIED_MAX:
            _verified.popitem(last=False)


def _current(key: str, generation) -> dict | None:
    """The record at this key (a page, or the query parameters a page reads) while every key it
    depends on has the version it was made under; else None."""
    if (record := _known(key, generation)) is not None:
        return record
    record = cache().get(key)
    if record is None or not is_current(record["versions"]):
        return None
    _remember(key, generation, record)
    return record


def cached_page(environ) -> dict | None:
    """The current cache entry for this anonymous page request, or None (not cached, or
    stale). With a query string, the copy for the values of the parameters the page reads."""
    if (generation := _generation()) is None:
        # None is never remembered: without this, every hit would read the entry and all its
        # versions until the next invalidation (after the cache was cleared, or on a new one).
        versions_cache().add(_generation_key(), secrets.token_hex(8), timeout=None)
    # As the page's key, only not hashed: the release, the address and the query string.
    request = (release(), _address(environ), environ.get("QUERY_STRING", ""))
    if (entry := _known(request, generation)) is not None:
        return entry
    _, address, query = request
    pairs = []
    if query:
        if (reads := _current(_query_names_key(address), generation)) is None:
            return None
        pairs = _query_pairs(environ, reads["names"])
    if (entry := _current(_page_key(address, pairs), generation)) is not None:
        _remember(request, generation, entry)
    return entry


def _fresh_until(versions) -> float:
    """When the entry must be checked again even if nothing is invalidated: its timeout, or the
    earliest moment it depends on (`changes_at`)."""
    moments = [int(key[6:]) for key in versions if key.startswith("until:")]
    return min([time.time() + settings.PAGE_CACHE_TIMEOUT, *moments])


def _not_modified(environ, etag: str) -> bool:
    tags = environ.get("HTTP_IF_NONE_MATCH")
    if not tags:
        return False
    return any(tag.strip().removeprefix("W/") in (etag, "*") for tag in tags.split(","))


def _cache_headers(entry) -> list[tuple[str, str]]:
    """Cache-Control, and for shared caches (when settings.VARNISH_PURGE_URLS names them) the
    page's keys and how long they may keep it: until the entry must be checked again, counted
    when the page is sent."""
    cache_control = entry["cache_control"]
    if _hit_settings().shared_caches and entry["xkey"]:
        if (seconds := int(entry["fresh_until"] - time.time())) > 0:
            return [
                ("Cache-Control", f"{cache_control}, s-maxage={seconds}"),
                (XKEY_HEADER, entry["xkey"]),
            ]
    return [("Cache-Control", cache_control)]


def _response_from(entry, request) -> HttpResponse:
    response = HttpResponse(
        b"" if request.method == "HEAD" else entry["content"],
        headers=[*entry["headers"], *_cache_headers(entry)],
    )
    response["Content-Length"] = str(len(entry["content"]))
    response["X-Cache"] = "HIT"
    return get_conditional_response(request, etag=response["ETag"], response=response)


# Set by PageCacheWSGI on the requests it found no current entry for.
LOOKED_UP = "pagecache.looked_up"


class PageCacheWSGI:
    """Answers cache hits in front of Django: no request object, no middleware, no URL routing;
    the bytes and headers that Django produced when the page was rendered. Everything else goes
    to Django, where PageCacheMiddleware stores what it renders."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        if not _is_anonymous_page_request(environ):
            return self.application(environ, start_response)
        if (entry := cached_page(environ)) is None:
            environ[LOOKED_UP] = True  # the middleware renders and stores without looking again
            return self.application(environ, start_response)
        headers = [*entry["headers"], *_cache_headers(entry), ("X-Cache", "HIT")]
        if _not_modified(environ, entry["etag"]):
            start_response("304 Not Modified", [h for h in headers if h[0] in NOT_MODIFIED_HEADERS])
            return [b""]
        headers.append(("Content-Length", str(len(entry["content"]))))
        start_response("200 OK", headers)  # only 200s are stored
        return [b"" if environ["REQUEST_METHOD"] == "HEAD" else entry["content"]]


# What a 304 repeats of the full response (as Django's ConditionalGetMiddleware, RFC 9110), and
# the keys, for a Varnish that revalidates its copy.
NOT_MODIFIED_HEADERS = {
    "Cache-Control",
    "Content-Location",
    "Date",
    "ETag",
    "Expires",
    "Vary",
    XKEY_HEADER,
}


class PageCacheMiddleware:
    """First in MIDDLEWARE, so that what it stores has every header the other middleware add
    (security headers, the Content-Security-Policy)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        environ = request.META
        if not _is_cacheable_path(environ):
            return self.get_response(request)
        if not _is_anonymous_page_request(environ):  # an editor, a form post
            response = self.get_response(request)
            # An editor's view of a page (with the user bar) is theirs alone.
            if "Cache-Control" not in response:
                patch_cache_control(response, private=True, no_cache=True)
            response["X-Cache"] = "MISS"
            return response

        if not environ.get(LOOKED_UP) and (entry := cached_page(environ)) is not None:
            return _response_from(entry, request)

        generation = versions_cache().get(_generation_key())
        rendering = _Rendering()
        token = _rendering.set(rendering)
        try:
            response = self.get_response(request)
        finally:
            _rendering.reset(token)
        response["X-Cache"] = "MISS"
        if not _is_cacheable_response(response):
            return response

        patch_cache_control(response, **PUBLIC_CACHE_CONTROL)
        response["ETag"] = f'"{hashlib.md5(response.content).hexdigest()}"'
        versions = current_versions(sorted(rendering.keys | {SITE}))
        # Something was invalidated while this page rendered: it may show the old state, so
        # neither this cache nor a shared one keeps it.
        if versions_cache().get(_generation_key()) == generation:
            entry = _store(environ, response, versions, sorted(rendering.query))
            for name, value in _cache_headers(entry):
                response[name] = value
        return get_conditional_response(request, etag=response["ETag"], response=response)


# Not kept with an entry's headers: X-Cache and Content-Length are set when it is served, and so
# is Cache-Control, whose s-maxage counts down to the entry's fresh_until (_cache_headers).
SERVED_HEADERS = ("X-Cache", "Content-Length", "Cache-Control", XKEY_HEADER)


def _store(environ, response, versions, query_names) -> dict:
    """The page, under the values of the query parameters it read (none for most pages), and
    the names of those parameters for the requests with a query string that come next; the
    page's entry."""
    address, fresh_until = _address(environ), _fresh_until(versions)
    entry = {
        "headers": [(k, v) for k, v in response.items() if k not in SERVED_HEADERS],
        "cache_control": response["Cache-Control"],
        "xkey": _xkey(versions),
        "etag": response["ETag"],
        "content": response.content,
        "versions": versions,
        "fresh_until": fresh_until,
    }
    reads = {"names": query_names, "versions": versions, "fresh_until": fresh_until}
    # The names first: a full file cache culls before each write, so the page, written last, is
    # never culled by its own store (requests without a query string need only the page).
    cache().set_many(
        {
            _query_names_key(address): reads,
            _page_key(address, _query_pairs(environ, query_names)): entry,
        },
        settings.PAGE_CACHE_TIMEOUT,
    )
    return entry
