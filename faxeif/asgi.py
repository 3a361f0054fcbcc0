"""ASGI entry point for `make run`: the site's WSGI application (faxeif.wsgi, the page cache in
front of Django), started only once a request has fully arrived.

gunicorn's sync workers read each request themselves, one connection per worker: a client that
connects and sends nothing, or sends its headers or body a byte at a time, holds a whole worker
until gunicorn's timeout kills it, and three such clients stalled `make run`. In production
nginx reads the whole request before it passes it on, so the sync workers never wait for a
client. `make run` has no front server; there gunicorn's `asgi` worker reads requests and writes
responses in an event loop, where a slow client costs a few kilobytes of memory and no worker,
and this module hands the complete request to the same WSGI application as production's. The
application runs in one thread per worker, one request at a time, as under the sync worker.
"""

import sys
from tempfile import SpooledTemporaryFile
from urllib.parse import unquote_to_bytes

from asgiref.sync import AsyncToSync, sync_to_async

from faxeif.wsgi import application as wsgi_application

# A request body up to this size is kept in memory; a larger one (an upload) in a temporary file.
BODY_IN_MEMORY = 1024 * 1024


async def application(scope, receive, send):
    if scope["type"] != "http":
        return  # lifespan events and WebSockets: the site has nothing to do for them
    with SpooledTemporaryFile(max_size=BODY_IN_MEMORY) as body:
        if not await _read_body(receive, body):
            return  # the client went away before its request was complete
        body.seek(0)
        await _run_wsgi(scope, body, AsyncToSync(send))


async def _read_body(receive, body) -> bool:
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return False
        body.write(message.get("body", b""))
        if not message.get("more_body"):
            return True


# thread_sensitive (the default): every request of this worker runs in the same single thread.
@sync_to_async
def _run_wsgi(scope, body, send) -> None:
    start = {}

    def start_response(status, headers, exc_info=None):
        if exc_info and start.get("sent"):
            raise exc_info[1].with_traceback(exc_info[2])
        start.update(
            status=int(status.split(" ", 1)[0]),
            headers=[(name.encode("latin-1"), value.encode("latin-1")) for name, value in headers],
        )

    def send_start():
        if not start.get("sent"):
            start["sent"] = True
            send(
                {
                    "type": "http.response.start",
                    "status": start["status"],
                    "headers": start["headers"],
                }
            )

    chunks = wsgi_application(_environ(scope, body), start_response)
    try:
        for chunk in chunks:
            if chunk:
                send_start()
                send({"type": "http.response.body", "body": chunk, "more_body": True})
        send_start()
        send({"type": "http.response.body"})
    finally:
        # Django sends request_finished here (database connections, open files).
        if hasattr(chunks, "close"):
            chunks.close()


def _environ(scope, body) -> dict:
    """The WSGI environ of the request, as gunicorn's sync worker builds it (PEP 3333: the path
    percent-decoded to bytes, as latin-1 text). gunicorn's header rules (names with underscores
    dropped, the scheme trusted only from forwarded_allow_ips) are applied before the scope."""
    server_name, server_port = scope.get("server") or ("localhost", 80)
    environ = {
        "REQUEST_METHOD": scope["method"],
        "SCRIPT_NAME": scope.get("root_path", ""),
        "PATH_INFO": unquote_to_bytes(scope.get("raw_path") or scope["path"]).decode("latin-1"),
        "QUERY_STRING": scope.get("query_string", b"").decode("latin-1"),
        "SERVER_NAME": server_name,
        "SERVER_PORT": str(server_port),
        "SERVER_PROTOCOL": f"HTTP/{scope['http_version']}",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.get("scheme", "http"),
        "wsgi.input": body,
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    if client := scope.get("client"):
        environ["REMOTE_ADDR"], environ["REMOTE_PORT"] = client[0], str(client[1])
    for raw_name, raw_value in scope["headers"]:
        name = raw_name.decode("latin-1").upper().replace("-", "_")
        if name not in ("CONTENT_LENGTH", "CONTENT_TYPE"):
            name = f"HTTP_{name}"
        value = raw_value.decode("latin-1")
        environ[name] = f"{environ[name]},{value}" if name in environ else value
    return environ
