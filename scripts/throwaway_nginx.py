"""nginx in a folder of its own, as make bench and the deploy tests run it: the main configuration
around the `http` directives they give (the bench's reference page, or deploy/nginx/faxeif.conf),
with its pid, error log and temporary files in that folder, and the command that starts it."""

import os
import shutil
from pathlib import Path

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"

MAIN_CONFIG = """\
daemon off;
worker_processes auto;
{user}
pid {folder}/nginx.pid;
error_log {folder}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {folder}/temp/body;
    proxy_temp_path {folder}/temp/proxy;
    fastcgi_temp_path {folder}/temp/fastcgi;
    uwsgi_temp_path {folder}/temp/uwsgi;
    scgi_temp_path {folder}/temp/scgi;
{http}
}}
"""


def nginx_command(folder: Path, http: str) -> list[str]:
    """Write `folder`/nginx.conf with `http` (directives, indented) in its http block; the
    command that runs nginx on it in the foreground."""
    (folder / "temp").mkdir(parents=True, exist_ok=True)
    # As root nginx's workers would run as nobody, who cannot read the 0700 temporary folders.
    user = "user root;" if os.geteuid() == 0 else ""
    config = folder / "nginx.conf"
    config.write_text(MAIN_CONFIG.format(user=user, folder=folder, http=http.rstrip()))
    return [NGINX, "-p", str(folder), "-c", str(config), "-e", str(folder / "nginx-error.log")]
