"""Settings shared by every environment. Safe by default: no secrets, DEBUG off."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
# Local state that never goes into git: the SQLite database, the generated secret key.
VAR_DIR = BASE_DIR / "var"


def env_list(name: str, default: str = "", lowercase: bool = False) -> list[str]:
    """A comma-separated environment variable as a list, blanks dropped."""
    items = [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]
    return [item.lower() for item in items] if lowercase else items


def origin(url: str) -> str:
    """scheme://host[:port] of an address."""
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}"


def require_all_or_none(*names: str) -> None:
    """Settings that only work together: some of them set and not all is an operator's
    mistake, refused at start with the names of the missing ones."""
    missing = [name for name in names if not os.environ.get(name)]
    if missing and len(missing) < len(names):
        raise ImproperlyConfigured("Set these environment variables too: " + ", ".join(missing))


DEBUG = False
ALLOWED_HOSTS: list[str] = []

INSTALLED_APPS = [
    # The project (settings, URLs, its commands), then the site's apps from the top down, base/
    # near the bottom; imports between them run one way (tests/test_layout.py).
    "faxeif",
    "backups",
    "editors",
    "accounts",
    "trash",
    "findability",
    "home",
    "stories",
    "activities",
    "pages",
    "contacts",
    "base",
    "review",
    "uploads",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.redirects",
    "wagtail.sites",
    # wagtail.users, its user list showing how each editor signs in.
    "accounts.apps.UsersConfig",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # The queue of the site's e-mails (the "mail" task backend below): its table and db_worker.
    "django_tasks_db",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    # Last: its ready() wires the page cache to every snippet and setting model.
    "pagecache",
]

MIDDLEWARE = [
    # First: a cache hit returns here, before everything else; what it stores has the headers
    # that the middleware below add. (Under gunicorn, faxeif.wsgi answers hits before Django.)
    "pagecache.cache.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "faxeif.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.TwoFactorMiddleware",
    # Sessions begun at the municipality's sign-in provider end when it says so.
    "accounts.middleware.ProviderSessionCheck",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as axes asks: turns a locked-out login into its answer (accounts.throttle).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "faxeif.urls"
WSGI_APPLICATION = "faxeif.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# The page cache and Wagtail's own caches (renditions, site root paths). A file cache is shared by
# all gunicorn workers on the machine, so a publish clears it for all of them; with REDIS_URL,
# Django's Redis cache, shared by every machine. The page cache's dependency versions
# (pagecache/cache.py) live apart from the pages: a few keys per page and image, never culled. (On
# Redis they are kept without a timeout, so a server with maxmemory-policy volatile-lru evicts
# pages, which all have one, and never versions.)
REDIS_URL = os.environ.get("REDIS_URL")
CACHE_DIR = Path(os.environ.get("CACHE_DIR", VAR_DIR / "cache"))


def cache_settings(location: Path, max_entries: int, redis_url: str | None = REDIS_URL) -> dict:
    if redis_url:
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}
    return {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": location,
        "OPTIONS": {"MAX_ENTRIES": max_entries},
    }


CACHES = {
    "default": cache_settings(CACHE_DIR, max_entries=20_000),
    "pagecache_versions": cache_settings(CACHE_DIR / "versions", max_entries=1_000_000),
}
PAGE_CACHE_TIMEOUT = 24 * 60 * 60
# Shared HTTP caches in front of the app servers (Varnish with deploy/varnish/faxeif.vcl): the
# base URL of each, comma-separated (http://127.0.0.1:6081). When set, the pages the page cache
# stores carry their dependency keys (xkey) and a lifetime for shared caches (s-maxage), and
# whatever renews a key purges it in each of them after the commit. Unset (make run, one app
# server), neither header is sent: the keys would show visitors the site's internals.
VARNISH_PURGE_URLS = [
    url.strip() for url in os.environ.get("VARNISH_PURGE_URLS", "").split(",") if url.strip()
]

# One line for the database: DATABASE_URL when set (postgres://... runs on PostgreSQL through
# psycopg 3), else the embedded SQLite file under var/.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'faxeif.sqlite3'}",
        conn_max_age=600,
        conn_health_checks=True,
    )
}
# Outages (faxeif/views.py answers them with a 503 page). A database that does not answer must
# cost a request seconds, not minutes: libpq's connect_timeout (2 s is its minimum). On SQLite, a
# connection per request: a kept connection goes on using the file it opened, so a database file
# that is replaced (restored from a backup) or goes missing would go unnoticed by the running
# workers. Opening the file is cheap; SQLite has no server to connect to. faxeif.sqlite is
# Django's backend with WAL, short lock waits for reads and a queue for writers (see there).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 2
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["ENGINE"] = "faxeif.sqlite"
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"
# DATABASE_TRANSACTION_POOLING=true: DATABASE_URL points at pgbouncer in transaction pooling, where
# a server connection is the client's for one transaction only. Nothing may outlive a
# transaction on the server: no server-side cursors (QuerySet.iterator() would declare one and
# fetch from it on another connection), no prepared statements (Django's default with psycopg 3,
# stated here so nobody turns them on). Django's own connection (CONN_MAX_AGE) is kept: it is a
# connection to pgbouncer. Scheduled commands lock with transaction-scoped advisory locks
# (faxeif/cluster.py), which work through it.
if os.environ.get("DATABASE_TRANSACTION_POOLING", "").lower() in {"1", "true", "yes"}:
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = None
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Editors' logins (accounts/). Failed logins: django-axes locks a username from one address
# after 5 failures for 15 minutes (the password-reset form is throttled the same way), counted
# in the database so every worker sees them. The client's address is REMOTE_ADDR, or behind
# FAXEIF_PROXY_COUNT front servers the entry the outermost one added to X-Forwarded-For.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Answers only the sign-in provider's callback, and only when OIDC_OP_ISSUER is set.
    "accounts.sso.MunicipalAccountBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The lockout lasts 15 minutes from the 5th failure; attempts while locked do not extend it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "accounts.throttle.client_ip"
AXES_CLIENT_STR_CALLABLE = "accounts.throttle.client_for_log"
AXES_LOCKOUT_CALLABLE = "accounts.throttle.lockout_response"
# No record of successful logins (addresses of editors kept for ever); failures expire.
AXES_DISABLE_ACCESS_LOG = True
FAXEIF_PROXY_COUNT = 0
# Two-factor authentication (TOTP apps and backup codes, django-otp). When required, superusers
# and the Procesleder group cannot use the admin until they have set it up.
FAXEIF_REQUIRE_2FA = False
OTP_TOTP_ISSUER = "Faxe i Fællesskab"
# An editor's session ends after 8 hours, and when the browser closes.
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Sign-in with the municipality's account (accounts/sso.py, OpenID Connect through
# mozilla-django-oidc): on when the issuer, the client and the allowed e-mail domains are set,
# off (the login page as without it) when none is. The provider's endpoints come from its
# discovery document, read at the first sign-in, unless set here one by one.
# Exactly as the provider's tokens name it (Entra ID's v1.0 issuer ends in a slash).
OIDC_OP_ISSUER = os.environ.get("OIDC_ISSUER", "").strip()
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET", "")
OIDC_ALLOWED_EMAIL_DOMAINS = env_list("OIDC_ALLOWED_EMAIL_DOMAINS", lowercase=True)
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_USERINFO_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_JWKS_URI", "")
OIDC_OP_LOGOUT_ENDPOINT = os.environ.get("OIDC_END_SESSION_ENDPOINT", "")
require_all_or_none(
    "OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "OIDC_ALLOWED_EMAIL_DOMAINS"
)
# The claim and the value in it that make an editor a member of Procesleder (an Entra ID app
# role by default), read again at every sign-in.
OIDC_PROCESLEDER_CLAIM = os.environ.get("OIDC_PROCESLEDER_CLAIM", "roles")
OIDC_PROCESLEDER_VALUE = os.environ.get("OIDC_PROCESLEDER_VALUE", "Procesleder")
# A sign-in counts as two-factor when the ID token's amr names one of these methods (RFC 8176)
# or its acr is one of these classes; otherwise the site asks for its own code.
OIDC_MFA_AMR_VALUES = env_list("OIDC_MFA_AMR", default="mfa")
OIDC_MFA_ACR_VALUES = env_list("OIDC_MFA_ACR")
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = "openid email profile"
OIDC_USE_PKCE = True
OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
# The ID token stays in the session for the logout at the provider (id_token_hint).
OIDC_STORE_ID_TOKEN = True
# A slow provider must not hold a worker: the login page offers the password instead.
OIDC_TIMEOUT = 5
# While an editor signed in with the provider works in the admin, a page opened more than 15
# minutes after the last check asks the provider again, silently (prompt=none): a closed
# account or an ended session at the provider ends the session here.
OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS = 15 * 60
OIDC_AUTH_REQUEST_EXTRA_PARAMS = {"ui_locales": "da"}
# manage.py ensure_admin may create an administrator with a generated, printed password (make
# run); production settings forbid it.
ENSURE_ADMIN_MAY_GENERATE_PASSWORD = False

# Danish for visitors and editors alike, in Danish time.
LANGUAGE_CODE = "da"
LANGUAGES = [("da", "Dansk")]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True
# Danish for the parts of Wagtail's admin that Wagtail itself has not translated yet.
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates as "20.10.2018 - 14:29" where Django formats them by locale (faxeif/formats/da/).
FORMAT_MODULE_PATH = ["faxeif.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = BASE_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed file names that browsers may cache for ever.
    "staticfiles": {"BACKEND": "faxeif.staticfiles.CompressOnceManifestStorage"},
}
# Set by settings that serve uploads from Django itself (make run); production leaves it to a
# front server.
SERVE_MEDIA = False
# Several app servers share no disk: with S3_BUCKET, uploads (original images, renditions,
# documents) live in that bucket of an S3-compatible server (uploads/storage.py, which also sets
# the short timeouts that make an S3 server that does not answer a quick 503). Their URLs stay
# /media/<key> on the site's own host; the front server proxies /media/ to the bucket
# (path-style: http://S3HOST/BUCKET/KEY). Credentials: AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY from the environment, read by boto3. A file never overwrites another
# (Wagtail gives each its own name); objects are private, no ACL is set, no signed URLs. (The
# options must stay plain values: Wagtail sends them to its file-deletion task as JSON.)
S3_BUCKET = os.environ.get("S3_BUCKET")
if S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "uploads.storage.MediaBucketStorage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("S3_REGION", "us-east-1"),
            "default_acl": None,
            "querystring_auth": False,
            "file_overwrite": False,
        },
    }
# Documents always go through Django (/documents/<id>/<name>), never a redirect to the file's
# address: a document in a login-restricted collection is checked on every download.
WAGTAILDOCS_SERVE_METHOD = "serve_view"

# Wagtail's page editor can post many fields for a long StreamField.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
# Cookies stay on this site's own requests (and top-level links into it).
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content-Security-Policy (faxeif/security.py). Public pages: the site's own files only, no
# inline script or style. JSON-LD (<script type="application/ld+json">) is data, not script, so
# the policy does not apply to it.
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
# The admin: the strictest policy Wagtail 8's admin works under (tests/browser/test_editor_path.py
# fails on any violation). It needs inline scripts and styles; no eval, no other hosts.
ADMIN_CONTENT_SECURITY_POLICY = {
    **CONTENT_SECURITY_POLICY,
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "frame-src": ["'self'"],
    "frame-ancestors": ["'self'"],
}
# Signing out of the admin (a form) leads on to the sign-in provider's logout: a redirect after
# the form's POST, which form-action governs too.
if OIDC_OP_ISSUER:
    ADMIN_CONTENT_SECURITY_POLICY["form-action"] = [
        "'self'",
        *sorted({origin(OIDC_OP_ISSUER), origin(OIDC_OP_LOGOUT_ENDPOINT or OIDC_OP_ISSUER)}),
    ]
# A preview is a public page rendered for the editor's preview panel, which frames it: the
# public policy, framed by the site itself only. (Wagtail's preview view already answers with
# X-Frame-Options: SAMEORIGIN.)
PREVIEW_CONTENT_SECURITY_POLICY = {**CONTENT_SECURITY_POLICY, "frame-ancestors": ["'self'"]}
# Features no page of this site uses, switched off for them and anything they embed.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=()"
)
# Other sites' pages may not load anything of ours (every response: pages, static files,
# documents, uploaded images) as a subresource: no other site is meant to use our styles,
# scripts or images, nor to show our documents in its pages, and a document in a
# login-restricted collection must never be pulled into another site's page. Link previews and
# feed and calendar subscriptions fetch from their own servers, which the header does not
# concern; links to our pages and documents (navigation) are not affected. In production the
# front server serves /media/ and must send the same (README, Security headers).
CROSS_ORIGIN_RESOURCE_POLICY = "same-origin"
# whitenoise allows every site to read the static files (Access-Control-Allow-Origin: *) unless
# told not to; no other site is meant to use our styles, scripts or images.
WHITENOISE_ALLOW_ALL_ORIGINS = False

# Wagtail
WAGTAIL_SITE_NAME = "Faxe i Fællesskab"
WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8000"
WAGTAILADMIN_PERMITTED_LANGUAGES = [("da", "Dansk")]
WAGTAILADMIN_USER_LOGIN_FORM = "accounts.forms.AdminLoginForm"
WAGTAIL_DATE_FORMAT = "%d.%m.%Y"
WAGTAIL_DATETIME_FORMAT = "%d.%m.%Y %H:%M"
WAGTAIL_TIME_FORMAT = "%H:%M"
# The database's own full-text search. On PostgreSQL with the Danish text-search configuration,
# so words are stemmed ("samskabelsen" finds "samskabelse"); SQLite's backend ignores it.
# Pages are indexed as they are saved; after changing this, rebuild with `manage.py update_index`.
WAGTAILSEARCH_BACKENDS = {
    "default": {
        "BACKEND": "wagtail.search.backends.database",
        "SEARCH_CONFIG": "danish",
    }
}
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "xlsx", "pptx", "odt"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_EXTENSIONS = ["avif", "gif", "jpg", "jpeg", "png", "webp"]
# Uploads (uploads/): raster images only (no SVG, which can carry scripts), at most
# 40 megapixels (all frames together), so a rendition never has to decode a giant; a document's
# content must be what its extension says.
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
WAGTAILDOCS_DOCUMENT_FORM_BASE = "uploads.documents.DocumentForm"
# Nothing phones home: no update check, no Gravatar look-ups for editors' avatars.
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# Only editors sign up; a moderation workflow is more than one procesleder needs.
WAGTAIL_WORKFLOW_ENABLED = False

# Logs (faxeif/logs.py): warnings and errors to stderr, where gunicorn writes its own and where
# systemd's journal or the container's log collects them. Errors come with their traceback and
# the request's method and path, never its query string, form fields or cookies, and with every
# e-mail address blanked out. Django's request logger leaves out 404s (the front server's access
# log has them) and 503s (faxeif.views logs a database outage as one warning line a request).
# Django's own handlers (the console only under DEBUG, mail to ADMINS, which is empty) give way
# to this one, so errors are logged under every settings module, DEBUG or not.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"site": {"()": "faxeif.logs.Formatter"}},
    "filters": {"request_log": {"()": "faxeif.logs.RequestLogFilter"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "site"}},
    "root": {"handlers": ["stderr"], "level": "WARNING"},
    "loggers": {
        "django": {"handlers": [], "level": "WARNING"},
        "django.request": {"filters": ["request_log"]},
    },
}

# E-mail (sign-up confirmations). The backend is chosen per environment: EMAIL_BACKEND.
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@faxeifaellesskab.dk")
# Background tasks (django-tasks, which Wagtail 8 uses for its own work). "default" is what
# django-tasks uses when TASKS is unset: Wagtail's jobs (search and reference index, image and
# cache work) run at once, in the request, as before. "mail" is the site's e-mails
# (mail/tasks.py): a queue in the site's own database, sent by `manage.py db_worker --backend
# mail` (deploy/systemd/faxeif-worker.service; make run starts it beside gunicorn), so a slow
# or broken mail server never holds a request. The test settings send them at once instead.
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "mail": {"BACKEND": "django_tasks_db.DatabaseBackend"},
}
# Every published page is read through again this many months after it was first published or
# last marked as reviewed (review/); the report and the dashboard show what falls due within
# PAGE_REVIEW_SOON_DAYS.
PAGE_REVIEW_MONTHS = 12
PAGE_REVIEW_SOON_DAYS = 30
# Sign-ups are deleted this many days after their activity has ended (manage.py purge_signups).
SIGNUP_RETENTION_DAYS = 30
# A sign-up form's token (activities/forms.py, in place of a CSRF cookie) is valid this many
# seconds after the form page was rendered; the page cache renders the form page anew every
# eighth of it, so whoever opens the form has at least 7 hours to send it.
SIGNUP_FORM_TOKEN_MAX_AGE = 8 * 60 * 60
# Pages deleted in the admin stay in the Papirkurv this many days before manage.py purge_trash
# deletes them for good.
TRASH_RETENTION_DAYS = 90
