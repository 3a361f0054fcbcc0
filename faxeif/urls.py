from django.conf import settings
from django.urls import include, path, re_path
from django.views.static import serve
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from pages.views import accessibility_statement

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("was", accessibility_statement, name="accessibility_statement"),
]


def serve_media(request, path):
    # MEDIA_ROOT is read per request, so a test that moves it gets its files served.
    return serve(request, path, document_root=settings.MEDIA_ROOT)


if settings.SERVE_MEDIA:
    # Uploaded images and documents when no front server takes them (make run, tests).
    urlpatterns += [re_path(rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$", serve_media)]

urlpatterns += [
    # Everything else is a Wagtail page.
    path("", include(wagtail_urls)),
]
