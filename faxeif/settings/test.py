"""Tests: fast and self-contained. DATABASE_URL picks the database (make test runs the suite once
on SQLite and once on a PostgreSQL it starts itself)."""

import os
from pathlib import Path

from .base import *  # noqa: F403
from .base import BASE_DIR, DATABASES, STORAGES, TASKS, cache_settings

SECRET_KEY = "test-only-not-secret"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
# Without DATABASE_URL, no file: pytest makes the suite's database itself, and the lint's
# `makemigrations --check` then reads an empty one instead of creating var/faxeif.sqlite3.
if not os.environ.get("DATABASE_URL"):
    DATABASES["default"]["NAME"] = ":memory:"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Plain storage: tests need no collectstatic run.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SERVE_MEDIA = True
# Folders of each pass's own (make test runs the SQLite and the PostgreSQL pass side by side); a
# served site in a test gets folders of its own through MEDIA_ROOT and CACHE_DIR.
TEST_PASS = "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / f"test-media-{TEST_PASS}"))
TEST_CACHE_DIR = Path(os.environ.get("CACHE_DIR", BASE_DIR / "var" / f"test-cache-{TEST_PASS}"))
# A real file cache of the tests' own, whatever REDIS_URL says (each test starts with it empty;
# see tests/conftest.py; tests/test_page_cache_redis.py runs the cache on a real Redis).
CACHES = {
    "default": cache_settings(TEST_CACHE_DIR, 20_000, redis_url=None),
    "pagecache_versions": cache_settings(TEST_CACHE_DIR / "versions", 1_000_000, redis_url=None),
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# E-mails are sent at once, in the request that queues them (after its commit), so the suite
# reads them in mail.outbox; tests/test_mail_tasks.py runs the database queue and its worker.
# A site that a test serves queues them in its database, as production does, when the test
# says so (MAIL_QUEUE=database) and runs the worker itself.
TASKS = {
    **TASKS,
    "mail": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
}
if os.environ.get("MAIL_QUEUE") == "database":
    TASKS["mail"] = {"BACKEND": "django_tasks_db.DatabaseBackend"}
# A site that a test serves (gunicorn, in another process) writes its mail to files in this
# folder, for the test to read (tests/support/processes.py site_env, tests/support/mail.py).
if EMAIL_FILE_PATH := os.environ.get("EMAIL_FILE_PATH"):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
WAGTAILADMIN_BASE_URL = "http://testserver"
# Serve static files straight from the finders: tests run without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# As in make run; tests of the production behaviour turn it off.
ENSURE_ADMIN_MAY_GENERATE_PASSWORD = True
