"""A site on this machine, as `make run` serves it: production-like (DEBUG off, whitenoise,
gunicorn) but with defaults so that a fresh clone needs no configuration."""

import os
import secrets

from .base import *  # noqa: F403
from .base import VAR_DIR


def read_or_create_secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once into var/ and kept there."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = read_or_create_secret_key()
DEBUG = os.environ.get("DEBUG", "").lower() in {"1", "true", "yes"}
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", os.environ.get("HOST", "127.0.0.1")]
ALLOWED_HOSTS += [h for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h]
WAGTAILADMIN_BASE_URL = (
    f"http://{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
)
# No front server in front of gunicorn here, so Django serves uploaded images and documents.
SERVE_MEDIA = True
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# make run prints a generated administrator password once, on a fresh database.
ENSURE_ADMIN_MAY_GENERATE_PASSWORD = True
