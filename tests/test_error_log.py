"""The log under the production settings: a 500 leaves the request's method and path and the
traceback on stderr (where systemd's journal or the container's log collects gunicorn's output),
and nothing the visitor sent; a lockout and a failed confirmation mail leave a line; a database
outage leaves one warning line per 503 answer, without a traceback."""

import logging
import re
import secrets
import shutil
import smtplib
import sys
import urllib.error
import urllib.parse
import urllib.request

import pytest

from faxeif.logs import Formatter
from tests.support.databases import ThrowawayPostgres, on_postgres, seeded_sqlite_file
from tests.support.processes import (
    free_port,
    run_manage,
    shell_result,
    site_env,
    start_gunicorn,
    stop_gunicorn,
)

# Production's logging, which runs on PostgreSQL; what is logged does not depend on it.
pytestmark = pytest.mark.postgresql_only

# What a visitor types into the sign-up form and finds in the receipt's address: none of it may
# reach the log.
VISITOR = {
    "name": "Hemmelig Deltagersen",
    "email": "hemmelig.deltager@example.dk",
    "workplace": "Hemmelig Arbejdsplads",
    "comment": "Hemmelig kommentar",
}
RECEIPT = "kvittering=HEMMELIG-KVITTERING"

ACTIVITY_WITH_SIGNUP = """
from tests.support.showcase_activities import days_ahead, publish_activity
activity = publish_activity(
    "Temadag om samskabelse", "temadag-om-samskabelse", days_ahead(30), signup_enabled=True
)
print(activity.signup_url())
"""

# A form's token: Django's CSRF token (with its cookie), or the sign-up form's own (no cookie).
FORM_TOKEN = re.compile(r'name="(csrfmiddlewaretoken|token)" value="([^"]+)"')
CSRF_COOKIE = re.compile(r"csrftoken=([^;]+)")


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A visitor's browser behind the production TLS front server: every request says it came
    over https (else production redirects it), and forms carry their token (and the CSRF
    cookie, where one is set)."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.opener = urllib.request.build_opener(NoRedirects())
        self.cookie = ""

    def request(self, path: str, form: dict | None = None) -> tuple[int, str]:
        headers = {"X-Forwarded-Proto": "https"}
        if form is not None:
            headers["Cookie"] = self.cookie
            headers["Referer"] = "https" + self.base_url.removeprefix("http") + path
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        request = urllib.request.Request(self.base_url + path, data, headers)
        try:
            with self.opener.open(request, timeout=30) as response:
                status, headers, body = response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            status, headers, body = error.code, error.headers, error.read()
        if cookie := CSRF_COOKIE.search(headers.get("Set-Cookie", "")):
            self.cookie = f"csrftoken={cookie.group(1)}"
        return status, body.decode()

    def form_token(self, path: str) -> dict:
        """The form's token field, as the form at `path` posts it."""
        status, text = self.request(path)
        assert status == 200, path
        name, value = FORM_TOKEN.search(text).groups()
        return {name: value}


class SqliteDatabase:
    """The served site's SQLite file; unavailable when it goes missing (a folder in its place
    keeps SQLite from creating a new, empty one)."""

    def __init__(self, tmp_path):
        self.path, self.away = tmp_path / "site.sqlite3", tmp_path / "away.sqlite3"
        self.url = seeded_sqlite_file(self.path)

    def make_unavailable(self):
        self.path.rename(self.away)
        self.path.mkdir()

    def make_available(self):
        self.path.rmdir()
        self.away.rename(self.path)

    def remove(self):
        pass


class PostgresDatabase:
    """A database of its own in the throwaway PostgreSQL server; unavailable when it refuses
    connections."""

    def __init__(self):
        self.server = ThrowawayPostgres()
        self.name = f"error_log_{secrets.token_hex(4)}"
        self.url = self.server.create_database(self.name, seeded=True)

    def make_unavailable(self):
        self.server.allow_connections(self.name, False)

    def make_available(self):
        self.server.allow_connections(self.name, True)

    def remove(self):
        self.server.drop_database(self.name)


@pytest.fixture
def database(tmp_path):
    database = PostgresDatabase() if on_postgres() else SqliteDatabase(tmp_path)
    yield database
    database.remove()


def production_env(tmp_path, database_url: str) -> dict:
    return {
        **site_env(tmp_path, database_url),
        "DJANGO_SETTINGS_MODULE": "tests.production_settings",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        # A mail server that is not there: sending a confirmation fails at once.
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(free_port()),
    }


def test_production_logs_errors_with_method_path_and_traceback_and_nothing_the_visitor_sent(
    tmp_path, database
):
    setup_env = site_env(tmp_path, database.url)
    signup_path = shell_result(setup_env, ACTIVITY_WITH_SIGNUP)
    stderr_path = tmp_path / "stderr.log"
    env = production_env(tmp_path, database.url)
    with open(stderr_path, "wb") as stderr:
        server, base_url = start_gunicorn(
            env,
            workers=1,
            ready_path="/healthz",
            stderr=stderr,
        )
    browser = Browser(base_url)
    try:
        # A sign-up whose confirmation mail cannot be sent: saved all the same.
        token = browser.form_token(signup_path)
        status, _ = browser.request(signup_path, {**VISITOR, **token})
        assert status == 302

        # A lockout at the admin's login.
        token = browser.form_token("/admin/login/")
        for _ in range(5):
            attempt = {"username": "procesleder", "password": "forkert-adgangskode"}
            status, _ = browser.request("/admin/login/", {**attempt, **token})
        assert status == 429

        # An address that does not exist: the front server's access log has it.
        assert browser.request("/findes-ikke/")[0] == 404

        # A real fault: the cache's folder has become a file (a disk or deployment mistake).
        token = browser.form_token(signup_path)
        cache_dir = tmp_path / "cache"
        shutil.rmtree(cache_dir)
        cache_dir.write_text("")
        status, text = browser.request(
            f"{signup_path}?{RECEIPT}",
            {**VISITOR, "email": "anden.deltager@example.dk", **token},
        )
        assert status == 500 and "Der opstod en fejl" in text
        cache_dir.unlink()
        cache_dir.mkdir()

        # The database becomes unavailable: each answer is a 503.
        database.make_unavailable()
        try:
            assert browser.request("/faser/")[0] == 503
            assert browser.request("/healthz")[0] == 503
        finally:
            database.make_available()
    finally:
        stop_gunicorn(server)
    # The confirmations were queued; the worker (one batch of it) finds no mail server, and
    # writes to the same log as the site, as under systemd.
    worker = run_manage(env, "db_worker", "--backend", "mail", "--batch", "--no-startup-delay")
    assert worker.returncode == 0, worker.stderr
    with open(stderr_path, "a") as stderr:
        stderr.write(worker.stderr)
    log = stderr_path.read_text()

    error = re.search(
        rf"^\[.+\] \[\d+\] \[ERROR\] django\.request: POST {signup_path} - Internal Server Error"
        r".*\nTraceback \(most recent call last\):\n(?:  .*\n)+(\w+Error.*)$",
        log,
        re.MULTILINE,
    )
    assert error, log
    assert str(tmp_path / "cache") in error.group(1)  # the exception, as Python reports it
    # Not about a request any more: the worker sends the mail (and tries again later).
    mail_failure = r"^\[.+\] \[\d+\] \[WARNING\] activities\.[\w.]+: Could not send .+ again in"
    assert re.search(mail_failure, log, re.MULTILINE), log
    lockout = re.search(r"\[WARNING\] axes\..*Locking out (.*)$", log, re.MULTILINE)
    assert lockout and "127.0.0.1" in lockout.group(1), log
    assert "procesleder" not in log  # the username is what was typed into the form
    assert "findes-ikke" not in log

    for secret in [*VISITOR.values(), "anden.deltager", "HEMMELIG-KVITTERING", "kvittering"]:
        assert secret not in log, secret
    assert "csrftoken" not in log and "forkert-adgangskode" not in log

    # The outage: one warning line for each 503, the error named once, no traceback.
    lines = log.splitlines()
    outage = [
        (match.groups(), following)
        for line, following in zip(lines, [*lines[1:], ""], strict=True)
        if (match := re.search(r"\[(\w+)\] faxeif\.views: GET (\S+) - ", line))
    ]
    assert [where for where, _ in outage] == [("WARNING", "/faser/"), ("WARNING", "/healthz")], log
    assert not any(following.startswith("Traceback") for _, following in outage), log
    assert log.count("OperationalError") == 1, log
    assert "Service Unavailable" not in log


def test_an_email_address_in_an_error_is_blanked_out_in_the_log():
    """A mail server refusing a recipient names the address in its error, which the sign-up's
    mail failure logs with the traceback."""
    try:
        raise smtplib.SMTPRecipientsRefused({VISITOR["email"]: (550, b"5.1.1 User unknown")})
    except smtplib.SMTPRecipientsRefused:
        record = logging.getLogger("activities.forms").makeRecord(
            "activities.forms", logging.ERROR, __file__, 0, "Could not send", (), sys.exc_info()
        )
    line = Formatter().format(record)
    assert "SMTPRecipientsRefused" in line and "5.1.1 User unknown" in line
    assert VISITOR["email"] not in line and "[e-mail]" in line
