"""What the site writes to its log (settings.LOGGING): warnings and errors, one record a line
(an error's traceback below it), to stderr, where gunicorn's own messages go too and where
systemd's journal or the container's log collects them.

A record about a request (Django's request and security loggers attach the request, and the
site's own code does with `extra={"request": request}`) names its method and path, never its
query string, form fields or cookies. E-mail addresses are blanked out wherever they appear,
including in an exception's message (a database error can quote the row it refused).
"""

import logging
import re

from django.http import HttpRequest

EMAIL_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
EMAIL_REPLACEMENT = "[e-mail]"


class Formatter(logging.Formatter):
    """gunicorn's line format (time, process, level), then the logger's name, the request's
    method and path when the record is about a request, and the message."""

    def __init__(self):
        super().__init__(
            fmt="%(asctime)s [%(process)d] [%(levelname)s] %(name)s: %(request_line)s%(message)s",
            datefmt="[%Y-%m-%d %H:%M:%S %z]",
        )

    def format(self, record: logging.LogRecord) -> str:
        record.request_line = _request_line(getattr(record, "request", None))
        return EMAIL_ADDRESS.sub(EMAIL_REPLACEMENT, super().format(record))


def _request_line(request) -> str:
    if not isinstance(request, HttpRequest):
        return ""
    # Escaped as Django escapes the path in its own messages: a percent-encoded line break in
    # an address cannot start a forged line in the log.
    method, path = (_escape(text) for text in (request.method or "", request.path))
    return f"{method} {path} - "


def _escape(text: str) -> str:
    return text.encode("unicode_escape").decode("ascii")


class RequestLogFilter(logging.Filter):
    """For Django's request logger, which logs every 4xx and 5xx answer: not the 404s, which
    the front server's access log has (a bot asking for a thousand addresses would bury the
    errors), nor the 503s, which faxeif.views logs as one warning line each (the database is
    unavailable: a traceback per request would repeat the same one until it is back)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return getattr(record, "status_code", None) not in (404, 503)
