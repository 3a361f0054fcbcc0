"""faxeif.settings.production as it is (it still demands SECRET_KEY, ALLOWED_HOSTS and
DATABASE_URL), for tests that serve the site under it, except for one thing: static files are
found where they lie, as under the tests' settings, instead of in the hashed copy that
`collectstatic` makes into the working copy's staticfiles/ (half a minute, and it would change
the working copy)."""

from faxeif.settings.production import *  # noqa: F403
from faxeif.settings.production import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
