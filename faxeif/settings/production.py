"""Production: every secret and host comes from the environment, and the site refuses to start
with a clear message when one is missing."""

import os
import sys

from .base import *  # noqa: F403

REQUIRED_ENVIRONMENT = ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL")


def require_environment(names=REQUIRED_ENVIRONMENT) -> dict[str, str]:
    missing = [name for name in names if not os.environ.get(name)]
    if missing:
        # A plain message instead of a traceback: this is an operator's mistake, not a bug.
        sys.exit(
            "faxeif.settings.production cannot start; set these environment variables: "
            + ", ".join(missing)
        )
    return {name: os.environ[name] for name in names}


_env = require_environment()
SECRET_KEY = _env["SECRET_KEY"]
ALLOWED_HOSTS = [host.strip() for host in _env["ALLOWED_HOSTS"].split(",") if host.strip()]
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", f"https://{ALLOWED_HOSTS[0]}")

# Behind a TLS-terminating front server.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
