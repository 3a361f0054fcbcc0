"""Views of the site as a whole: its health check, its answer to errors, and /favicon.ico."""

import logging
import sys

from django.db import (
    DatabaseError,
    DataError,
    IntegrityError,
    NotSupportedError,
    ProgrammingError,
    connection,
)
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.template import loader
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.defaults import server_error as django_server_error
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from wagtail.models import Site

logger = logging.getLogger(__name__)

# Seconds a visitor's browser or a monitor should wait before it asks again while the database
# is down: long enough not to pile requests on a recovering database, short enough that a
# restarted PostgreSQL is noticed soon.
RETRY_AFTER = 30
# Errors in what a query asks for: bugs, answered with the 500 page. Every other database error
# means the database cannot be used (a server that is down or shutting down, a SQLite file that
# is missing, locked or not a database at all) and is answered with the 503 page.
QUERY_ERRORS = (DataError, IntegrityError, NotSupportedError, ProgrammingError)
# Redis (REDIS_URL: the page cache and Wagtail's caches, shared by the app servers) refusing or
# not answering: no page can be looked up or stored until it is back.
CACHE_ERRORS = (RedisConnectionError, RedisTimeoutError)


def storage_errors() -> tuple[type[BaseException], ...]:
    """The S3 server of the uploads (S3_BUCKET) not answering: refused, timed out connecting or
    reading, connection dropped (botocore's EndpointConnectionError, ConnectTimeoutError,
    ReadTimeoutError, ConnectionClosedError). An upload, or a page that needs a new image
    rendition, cannot be made; pages whose renditions exist are served on. (Without S3, botocore
    is never imported, and its 20 ms are not spent on every process start.)"""
    if "botocore.exceptions" not in sys.modules:
        return ()
    from botocore.exceptions import ConnectionError, HTTPClientError

    return (ConnectionError, HTTPClientError)


def is_database_unavailable(error: BaseException | None) -> bool:
    return isinstance(error, DatabaseError) and not isinstance(error, QUERY_ERRORS)


def unavailable_service(error: BaseException | None) -> str | None:
    """What the error says cannot be reached ("database", "file storage", "cache"), or None. A
    storage error may come wrapped: Wagtail raises SourceImageIOError from the error that kept it
    from reading an original image."""
    if is_database_unavailable(error):
        return "database"
    seen, unreachable = set(), storage_errors()
    while error is not None and id(error) not in seen:
        if isinstance(error, unreachable):
            return "file storage"
        if isinstance(error, CACHE_ERRORS):
            return "cache"
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return None


def check_database() -> None:
    """Raise DatabaseError unless the database can serve the site: it reads the table of sites,
    which every page needs (`SELECT 1` answers from an empty or a new database too). On SQLite,
    the only database here with one lock for every writer, it also takes the write lock for a
    moment: a file that another process holds cannot take a sign-up either."""
    if not Site.objects.exists():
        raise DatabaseError("the database has no site")
    # (Inside a transaction, which begins IMMEDIATE on SQLite, it holds the lock already.)
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("BEGIN IMMEDIATE")
            cursor.execute("ROLLBACK")


@never_cache
def healthz(request):
    """For the load balancer and monitoring: 200 when the database can serve the site, 503 when
    it cannot. Plain text, never cached, sets no cookie."""
    try:
        check_database()
    except DatabaseError as error:
        logger.warning(
            "Health check: the database cannot serve the site: %s",
            one_line(error),
            extra={"request": request},
        )
        return unavailable("database unavailable\n", content_type="text/plain; charset=utf-8")
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")


def server_error(request):
    """handler500: an error caused by the database, the uploads' S3 server or Redis being
    unavailable (stopped, restarting, unreachable) answers the static 503 page with Retry-After;
    any other error the 500 page.
    Either is rendered without context, so neither needs the database.

    Django calls this while it handles the exception, from its view or from any middleware
    (the session and authentication middleware read the database too), so sys.exc_info() says
    what went wrong. Django logs the error with its traceback (faxeif.logs); the database
    being unavailable is logged here instead, as one line without the traceback, which would
    be the same for every request until the database is back."""
    error = sys.exc_info()[1]
    if service := unavailable_service(error):
        logger.warning(
            "The %s is unavailable (%s: %s); answered 503",
            service,
            type(error).__name__,
            one_line(error),
            extra={"request": request},
        )
        return unavailable_page()
    return django_server_error(request)


def unavailable_page() -> HttpResponse:
    """The static 503 page, as a response."""
    return unavailable(unavailable_html())


def unavailable_html() -> str:
    """The static 503 page, rendered without context: no database or cache needed (also the
    front server's copy, manage.py render_error_pages)."""
    return loader.get_template("503.html").render()


def one_line(error: Exception) -> str:
    """A database error's message, which may span lines (libpq's hints), as one line."""
    return " ".join(str(error).split())


def unavailable(content: str, **kwargs) -> HttpResponse:
    response = HttpResponse(content, status=503, **kwargs)
    response["Retry-After"] = str(RETRY_AFTER)
    # Never stored anywhere, so the page is back as soon as the database is.
    response["Cache-Control"] = "no-store"
    return response


def favicon(request):
    """/favicon.ico, which browsers and feed readers ask for whatever the page links: the
    icon's hashed static address, where it is cached for ever (not a 404 page each time)."""
    return HttpResponsePermanentRedirect(static("img/favicon.ico"))
