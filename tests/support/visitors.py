"""Visitors over HTTP, as a browser without JavaScript sends its requests: one at a time, a
sign-up form posted with its token, and slow clients that hold their connections."""

import re
import socket
import ssl
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass


@dataclass
class Answer:
    status: int | None
    headers: dict
    text: str
    seconds: float


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirects())


def http(
    url: str,
    data: dict | None = None,
    headers: dict | None = None,
    cookie: str = "",
    timeout: float = 60,
    context=None,
) -> Answer:
    """One visitor's request (a POST when there is data), redirects not followed. No answer
    within `timeout` seconds, or a refused connection, is status None."""
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    headers = {**(headers or {}), **({"Cookie": cookie} if cookie else {})}
    request = urllib.request.Request(url, body, headers)
    opener = _opener if context is None else _tls_opener(context)
    started = time.monotonic()
    try:
        with opener.open(request, timeout=timeout) as response:
            status, answer_headers, raw = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        status, answer_headers, raw = error.code, error.headers, error.read()
    except (TimeoutError, urllib.error.URLError, ConnectionError):
        status, answer_headers, raw = None, {}, b""
    return Answer(status, answer_headers, raw.decode(errors="replace"), time.monotonic() - started)


def _tls_opener(context):
    return urllib.request.build_opener(_NoRedirects(), urllib.request.HTTPSHandler(context=context))


FORM_TOKEN = re.compile(r'name="token" value="([^"]+)"')


class FormVisitor:
    """A visitor who has opened a sign-up form (which gives them its token and no cookie) and
    may post it, from the form's own page as a browser says (Origin)."""

    def __init__(self, form_url: str):
        self.form_url = form_url
        form = http(form_url)
        assert form.status == 200, f"{form_url} answered {form.status}"
        assert "Set-Cookie" not in form.headers, form.headers["Set-Cookie"]
        self.token = FORM_TOKEN.search(form.text).group(1)

    def post(self, fields: dict) -> Answer:
        origin = "{0.scheme}://{0.netloc}".format(urllib.parse.urlsplit(self.form_url))
        return http(self.form_url, {"token": self.token, **fields}, {"Origin": origin})


PROMPTLY = 2.0  # seconds: what a visitor beside slow clients may wait at the most


def ten_visitors(url: str, context=None) -> list[Answer]:
    """Ten visitors of a page, each waiting 5 s at the most: five get the cached copy, five
    (with a session cookie) have it rendered anew, so a worker must be free for them."""
    return [http(url, cookie=c, timeout=5, context=context) for c in ["", "sessionid=x"] * 5]


def assert_served_promptly(visits: list[Answer], text: str) -> None:
    assert [visit.status for visit in visits] == [200] * len(visits)  # None: no answer in time
    assert all(text in visit.text for visit in visits)
    slowest = max(visit.seconds for visit in visits)
    assert slowest < PROMPTLY, f"a visitor waited {slowest:.1f} s"


class SlowClients:
    """Connections that never finish their request, as a slow or hostile client holds them: `each`
    that send nothing, `each` that send their headers a byte every half second, and `each` that
    send their headers and then their body a byte every half second. With `tls`, all but the idle
    ones speak TLS (the idle ones never even start the handshake)."""

    def __init__(self, host: str, port: int, each: int = 3, tls=None):
        self.address, self.host, self.each, self.tls = (host, port), host, each, tls
        self.idle, self.trickling = [], []
        self._lock = threading.Lock()  # an SSL connection must not read and write at once
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._trickle, daemon=True)

    def __enter__(self):
        head = f"GET /baggrund/ HTTP/1.1\r\nHost: {self.host}\r\nX-Langsom: ".encode()
        # A form post from the site's own page with a CSRF cookie: Django reads the whole body
        # to find the form's token.
        origin = f"{'https' if self.tls else 'http'}://{self.host}"
        post = (
            f"POST /soeg/ HTTP/1.1\r\nHost: {self.host}\r\nContent-Length: 100000\r\n"
            f"Origin: {origin}\r\nCookie: csrftoken={'a' * 32}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n\r\n"
        ).encode()
        for _ in range(self.each):
            self.idle.append(socket.create_connection(self.address))
            self.trickling.append([self._connect(), head, b"a" * 100_000])  # headers never end
            self.trickling.append([self._connect(), post, b"q" * 100_000])
        for connection, start, _ in self.trickling:
            connection.sendall(start)
        for connection in self._connections():
            connection.setblocking(False)
        self._thread.start()
        return self

    def _connect(self):
        connection = socket.create_connection(self.address)
        if self.tls is not None:
            connection = self.tls.wrap_socket(connection, server_hostname=self.host)
        return connection

    def _connections(self):
        return [*self.idle, *(connection for connection, _, _ in self.trickling)]

    def _trickle(self):
        while not self._stop.wait(0.5):
            with self._lock:
                for entry in self.trickling:
                    connection, _, rest = entry
                    if rest:
                        try:
                            connection.send(rest[:1])
                            entry[2] = rest[1:]
                        except OSError:
                            entry[2] = b""  # the server closed it

    def waiting(self) -> dict:
        """How many connections of each kind the server still waits on: those on which it has
        neither answered nor closed."""

        def waited_on(connection) -> bool:
            try:
                connection.recv(1)
                return False  # an answer (an error page), or b"": closed
            except (BlockingIOError, ssl.SSLWantReadError):
                return True
            except OSError:
                return False

        with self._lock:
            return {
                "idle": sum(waited_on(c) for c in self.idle),
                "trickling": sum(waited_on(c) for c, _, _ in self.trickling),
            }

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        for connection in self._connections():
            connection.close()
