"""Tests: fast and self-contained. DATABASE_URL picks the database (make test runs the suite once
on SQLite and once on a PostgreSQL it starts itself)."""

import os
from pathlib import Path

from .base import *  # noqa: F403
from .base import BASE_DIR, STORAGES

SECRET_KEY = "test-only-not-secret"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Plain storage: tests need no collectstatic run.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SERVE_MEDIA = True
# The browser tests' server keeps its uploads in a folder of its own.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "test-media"))
# A real file cache of the tests' own (each test starts with it empty; see tests/conftest.py).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.environ.get("CACHE_DIR", BASE_DIR / "var" / "test-cache"),
        "OPTIONS": {"MAX_ENTRIES": 20_000},
    }
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
WAGTAILADMIN_BASE_URL = "http://testserver"
# Serve static files straight from the finders: tests run without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# As in make run; tests of the production behaviour turn it off.
ENSURE_ADMIN_MAY_GENERATE_PASSWORD = True
