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


def env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.lower() in {"1", "true", "yes"}


_env = require_environment()
SECRET_KEY = _env["SECRET_KEY"]
ALLOWED_HOSTS = [host.strip() for host in _env["ALLOWED_HOSTS"].split(",") if host.strip()]
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", f"https://{ALLOWED_HOSTS[0]}")

# Behind a TLS-terminating front server, which must set X-Forwarded-Proto (and overwrite any
# the client sent). Plain http is redirected to https, except the health check, which a load
# balancer may call over plain http on the internal network.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Browsers remember for a year to use https only, for subdomains too; preload-ready.
SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
# Cookies only over https.
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True

# Sign-up confirmations through the municipality's mail server.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
# STARTTLS on the submission port unless told otherwise; EMAIL_USE_SSL=true for port 465.
EMAIL_USE_SSL = env_flag("EMAIL_USE_SSL", default=False)
EMAIL_USE_TLS = not EMAIL_USE_SSL and env_flag("EMAIL_USE_TLS", default=True)
# A slow mail server must not hold a sign-up (and a gunicorn worker) for long.
EMAIL_TIMEOUT = 10

# Logins: superusers and Procesleder members must set up two-factor authentication. The front
# server in front of gunicorn (one, unless TRUSTED_PROXY_COUNT says more) must append the
# client's address to X-Forwarded-For (nginx: $proxy_add_x_forwarded_for), so that failed logins
# are counted per visitor and not for the front server's own address.
FAXEIF_REQUIRE_2FA = True
FAXEIF_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "1"))
