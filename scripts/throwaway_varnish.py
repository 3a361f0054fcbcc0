"""Varnish in a folder of its own, as the tests and `make stack` run it: deploy/varnish/faxeif.vcl
unchanged, with a faxeif-backends.vcl for the app servers at hand written into that folder (the
example's probe and backend settings, other addresses), in the foreground on loopback.

varnishd runs as root (CI) and as a normal user alike, without a jail (`-j none`; a normal user
gets that anyway). As root, varnishd's default `unix` jail compiles the VCL as Debian's `varnish`
user, who cannot read a folder that only root may enter (pytest's, mkdtemp's): varnishd then
finds faxeif-backends.vcl in deploy/varnish instead, the example's app servers, and says nothing.
A deployed Varnish keeps its jail; its backends folder must be readable by that user.
"""

import re
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[1]  # the repository
VARNISHD = shutil.which("varnishd") or "/usr/sbin/varnishd"
VCL_DIR = BASE_DIR / "deploy" / "varnish"
EXAMPLE_BACKENDS = VCL_DIR / "faxeif-backends.vcl"
# The host the probe asks for: one the site's ALLOWED_HOSTS must name.
SITE_HOST = "faxeifaellesskab.dk"


def backends_vcl(servers: list[tuple[str, int]], host: str = SITE_HOST) -> str:
    """faxeif-backends.vcl for these app servers: the example's header, probe and backend
    settings (faxeif-backends.vcl in deploy/varnish), one backend per server, the round-robin
    director `app` over them."""
    example = EXAMPLE_BACKENDS.read_text()
    head = example[: example.index("\nbackend ")]  # the comments, import directors, the probe
    head = head.replace(f'"Host: {SITE_HOST}"', f'"Host: {host}"')
    settings = re.search(r"backend app1 \{\n(.*?)\n\}", example, re.S).group(1)
    settings = "\n".join(
        line for line in settings.splitlines() if not line.strip().startswith((".host", ".port"))
    )
    backends = [
        f'backend app{n} {{\n    .host = "{address}";\n    .port = "{port}";\n{settings}\n}}\n'
        for n, (address, port) in enumerate(servers, start=1)
    ]
    added = "".join(f"    app.add_backend(app{n});\n" for n in range(1, len(servers) + 1))
    director = f"sub vcl_init {{\n    new app = directors.round_robin();\n{added}}}\n"
    return f"{head}\n" + "\n".join(backends) + "\n" + director


def varnish_command(
    folder: Path,
    port: int,
    admin_port: int,
    servers: list[tuple[str, int]],
    host: str = SITE_HOST,
    storage: str = "malloc,64m",
) -> list[str]:
    """Write `folder`/faxeif-backends.vcl for these app servers; the command that runs varnishd
    in the foreground on 127.0.0.1:`port` with deploy/varnish/faxeif.vcl, its working files
    in `folder`/varnish (varnishstat -n, varnishlog -n) and its admin port on loopback."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "faxeif-backends.vcl").write_text(backends_vcl(servers, host))
    return [
        VARNISHD,
        "-F",
        "-j",
        "none",
        "-a",
        f"127.0.0.1:{port}",
        "-T",
        f"127.0.0.1:{admin_port}",
        # Before -f, which is looked up in it: this folder's backends first, then deploy/.
        "-p",
        f"vcl_path={folder}:{VCL_DIR}",
        "-f",
        "faxeif.vcl",
        "-n",
        str(folder / "varnish"),
        "-s",
        storage,
    ]


def wait_until_healthy(url: str, process: subprocess.Popen, host: str, timeout: float = 30):
    """Wait until `url` answers through Varnish with anything but its own 503 (no healthy
    backend yet: the probe needs a good answer or two); RuntimeError when varnishd exits
    first or `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"varnishd exited with {process.returncode}")
        request = urllib.request.Request(url, headers={"Host": host})
        try:
            with urllib.request.urlopen(request, timeout=5):
                return
        except urllib.error.HTTPError as error:
            if error.code != 503:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"Varnish did not answer at {url} within {timeout} s")


def start_varnish(
    folder: Path, port: int, admin_port: int, servers, host: str = SITE_HOST, **popen
) -> subprocess.Popen:
    """varnishd (varnish_command) once it answers /healthz from an app server."""
    process = subprocess.Popen(varnish_command(folder, port, admin_port, servers, host), **popen)
    try:
        wait_until_healthy(f"http://127.0.0.1:{port}/healthz", process, host)
    except BaseException:
        stop_varnish(process)
        raise
    return process


def stop_varnish(process: subprocess.Popen, timeout: float = 30) -> None:
    """SIGTERM to the manager, which stops its child; killed if still running after `timeout`."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
