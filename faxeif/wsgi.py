"""WSGI entry point for gunicorn: Django, with the page cache's hits answered in front of it."""

import os

from django.core.wsgi import get_wsgi_application

from faxeif.startup import setup_django
from pagecache.cache import PageCacheWSGI

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "faxeif.settings.production")
setup_django()

application = PageCacheWSGI(get_wsgi_application())
