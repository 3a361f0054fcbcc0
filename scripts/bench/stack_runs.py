"""The bench's second part: the cached Baggrund page through Varnish (deploy/varnish/faxeif.vcl)
in front of the site's gunicorn, and through nginx with TLS in front of that Varnish; then how
soon a publish is visible through Varnish, and the memory of each component.

The site's gunicorn is started again with VARNISH_PURGE_URLS naming the Varnish, as production
runs it behind one, so its pages carry their dependency keys and a shared-cache lifetime."""

from __future__ import annotations

import ssl
import sys
import time
import urllib.parse
import urllib.request
from dataclasses import asdict
from pathlib import Path

from scripts.bench.commands import BenchError, run, say
from scripts.bench.servers import REFERENCE_PATH, Server, start_gunicorn
from scripts.bench.worker_memory import children, proc_status_kb
from scripts.bench.wrk_runs import fetch, measure
from scripts.served_site import free_port
from scripts.throwaway_nginx import nginx_command
from scripts.throwaway_varnish import varnish_command, wait_until_healthy

# nginx as deploy/nginx/faxeif.conf configures the TLS front (HTTP/2, the same ciphers as
# nginx's defaults), reduced to what a cached page passes through: TLS, then Varnish.
TLS_FRONT = """\
    upstream varnish {{
        server 127.0.0.1:{varnish_port};
        keepalive 16;
    }}
    server {{
        listen 127.0.0.1:{port} ssl http2;
        ssl_certificate {folder}/tls.crt;
        ssl_certificate_key {folder}/tls.key;
        keepalive_timeout 65;
        location / {{
            proxy_pass http://varnish;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Forwarded-Proto $scheme;
        }}
    }}
"""


def measure_stack(env: dict, tmp: Path) -> dict:
    """Varnish and nginx → Varnish on the cached Baggrund page, the purge after a publish, and
    the memory of gunicorn's workers, varnishd and nginx."""
    folder = tmp / "stack"
    folder.mkdir()
    varnish_port, admin_port = free_port(), free_port()
    app_env = {**env, "VARNISH_PURGE_URLS": f"http://127.0.0.1:{varnish_port}"}
    app, app_base = start_gunicorn(
        "gunicorn-behind-varnish", "faxeif.wsgi:application", app_env, tmp
    )
    app_port = urllib.parse.urlsplit(app_base).port
    command = varnish_command(
        folder, varnish_port, admin_port, [("127.0.0.1", app_port)], host="127.0.0.1"
    )
    varnish = Server.start("varnish", command, env, tmp / "varnish.log", cwd=folder)
    varnish_base = f"http://127.0.0.1:{varnish_port}"
    try:
        wait_until_healthy(varnish_base + "/healthz", varnish.proc, "127.0.0.1")
    except RuntimeError as e:
        raise BenchError(str(e)) from e
    results = {}
    url = varnish_base + REFERENCE_PATH
    body = varnish_hit(url)
    results["varnish_bytes"] = len(body)
    say("Measuring Varnish (deploy/varnish/faxeif.vcl) in front of the site")
    results["varnish"] = asdict(measure(url, uncached=False))

    nginx, nginx_base = start_tls_front(folder, varnish_port)
    say("Measuring nginx with TLS in front of Varnish")
    results["tls_varnish"] = asdict(measure(nginx_base + REFERENCE_PATH, uncached=False))
    results["memory_mb"] = {
        "gunicorn workers (each, resident)": sorted(
            (rss_mb(pid) for pid in children(app.pid)), reverse=True
        ),
        "varnishd (manager + cache child)": round(group_rss_mb(varnish.pid), 1),
        "nginx (master + workers)": round(group_rss_mb(nginx.pid), 1),
    }
    results["purge"] = purge_to_visible(app_env, url)
    nginx.stop()
    varnish.stop()
    app.stop()
    return results


def varnish_hit(url: str) -> bytes:
    """The page, fetched until Varnish answers it from its cache; its body."""
    for _ in range(3):
        status, headers, body = fetch(url)
        if status != 200:
            raise BenchError(f"GET {url} through Varnish: {status}")
        if headers.get("X-Varnish-Cache") == "HIT":
            return body
    raise BenchError(
        f"Varnish did not keep {url}: X-Varnish-Cache {headers.get('X-Varnish-Cache')}"
    )


def start_tls_front(folder: Path, varnish_port: int) -> tuple[Server, str]:
    """nginx terminating TLS (a self-signed certificate made for the run) in front of Varnish."""
    run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", "/CN=127.0.0.1", "-keyout", str(folder / "tls.key"),
            "-out", str(folder / "tls.crt"),
        ],
        None,
        "openssl req",
    )  # fmt: skip
    port = free_port()
    http = TLS_FRONT.format(port=port, folder=folder, varnish_port=varnish_port)
    nginx_folder = folder / "nginx"
    command = nginx_command(nginx_folder, http)
    server = Server.start("nginx-tls", command, None, folder / "nginx-tls.log", cwd=folder)
    base = f"https://127.0.0.1:{port}"
    # The certificate is the run's own: not verified.
    insecure = ssl._create_unverified_context()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + REFERENCE_PATH, timeout=5, context=insecure):
                return server, base
        except OSError:
            time.sleep(0.2)
    raise BenchError(f"nginx with TLS did not answer at {base}")


PUBLISH = """
import time
from wagtail.models import Page
page = Page.objects.get(slug="baggrund").specific
page.title = page.title + " (bench)"
started = time.monotonic()
page.save_revision().publish()
print(round((time.monotonic() - started) * 1000, 1), page.title)
"""


def purge_to_visible(env: dict, url: str) -> dict:
    """Publish a new title for the page in a process of its own with the app servers' settings
    (which purge every Varnish they name, as an editor's request would), then request the page
    through Varnish at once: the first request after the publish must show it. Then once more,
    which Varnish answers from its cache again."""
    done = run(
        [sys.executable, "manage.py", "shell", "--verbosity=0", "-c", PUBLISH], env, "publish"
    )
    publish_ms, title = done.strip().splitlines()[-1].split(" ", 1)
    started = time.monotonic()
    status, headers, body = fetch(url)
    first_ms = (time.monotonic() - started) * 1000
    visible = status == 200 and title.encode() in body
    status, headers_after, _ = fetch(url)
    result = {
        "publish_ms": float(publish_ms),
        "visible_on_next_request": visible,
        "next_request": headers.get("X-Varnish-Cache", "?"),
        "next_request_ms": round(first_ms, 1),
        "then": headers_after.get("X-Varnish-Cache", "?"),
    }
    say(
        f"  publish through the site ({result['publish_ms']} ms, purge included): next request "
        f"{'shows it' if visible else 'DOES NOT show it'} ({result['next_request']}, "
        f"{result['next_request_ms']} ms), the one after {result['then']}"
    )
    return result


def rss_mb(pid: int) -> float:
    return round((proc_status_kb(pid, "VmRSS") or 0) / 1024, 1)


def group_rss_mb(leader: int) -> float:
    """Resident memory of a server's processes: the leader and its children (varnishd's cache
    child, nginx's workers)."""
    return (proc_status_kb(leader, "VmRSS") or 0) / 1024 + sum(
        rss_mb(pid) for pid in children(leader)
    )
