"""WSGI entry point for gunicorn: Django, with the page cache's hits answered in front of it."""

import os

from django.core.wsgi import get_wsgi_application

from faxeif.startup import setup_django
from pagecache.cache import PageCacheWSGI

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "faxeif.settings.production")
setup_django()


def answering_outages(wsgi_app):
    """The page cache looks a page up in Redis before Django sees the request: when Redis is
    down, the visitor gets the 503 page (as Django answers them: faxeif.views.server_error),
    not gunicorn's bare error."""
    from faxeif import views

    def application(environ, start_response):
        try:
            return wsgi_app(environ, start_response)
        except views.CACHE_ERRORS as error:
            views.logger.warning(
                "The cache is unavailable (%s: %s); answered 503",
                type(error).__name__,
                views.one_line(error),
            )
            response = views.unavailable_page()
            status = f"{response.status_code} {response.reason_phrase}"
            start_response(status, [*response.items()])
            return [response.content]

    return application


application = answering_outages(PageCacheWSGI(get_wsgi_application()))
