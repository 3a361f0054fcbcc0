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

# Logins: superusers and Procesleder members must set up two-factor authentication. The front
# server in front of gunicorn (one, unless TRUSTED_PROXY_COUNT says more) must append the
# client's address to X-Forwarded-For (nginx: $proxy_add_x_forwarded_for), so that failed logins
# are counted per visitor and not for the front server's own address.
FAXEIF_REQUIRE_2FA = True
FAXEIF_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "1"))
