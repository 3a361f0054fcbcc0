from django.conf import settings
from django.urls import include, path, re_path
from django.views.static import serve
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from accounts.views import logout, password_reset, provider_callback, provider_sign_in, site_login
from base.views import accessibility_statement
from editors.chooser import browse_from_home
from faxeif.views import favicon, healthz
from findability.sitemap import PageSitemap
from findability.views import robots_txt, search

# A database outage answers the static 503 page; every other error the 500 page.
handler500 = "faxeif.views.server_error"

urlpatterns = [
    # Wagtail's password reset, throttled; before the admin's URLs, so that it answers here.
    path("admin/password_reset/", password_reset),
    # Sign-in with the municipality's account (accounts/sso.py; 404 when not configured), and
    # the logout that also ends the session there.
    path("admin/sso/login/", provider_sign_in, name="oidc_authentication_init"),
    path("admin/sso/callback/", provider_callback, name="oidc_authentication_callback"),
    path("admin/logout/", logout),
    # Wagtail's page chooser, opening at the home page instead of the tree's root.
    path("admin/choose-page/", browse_from_home),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("was", accessibility_statement, name="accessibility_statement"),
    path("soeg/", search, name="search"),
    path("sitemap.xml", sitemap, {"sitemaps": {"pages": PageSitemap}}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon),
    # The login page of login-restricted pages and documents, in place of Wagtail's own at the
    # same address (and with its name, which Wagtail's redirects use).
    path("_util/login/", site_login, name="wagtailcore_login"),
]


def serve_media(request, path):
    # MEDIA_ROOT is read per request, so a test that moves it gets its files served.
    return serve(request, path, document_root=settings.MEDIA_ROOT)


if settings.SERVE_MEDIA:
    # Uploaded images and documents when no front server takes them (make run, tests).
    urlpatterns += [re_path(rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$", serve_media)]

urlpatterns += [
    # Calendar files (page routes whose addresses end in ".ics", which Wagtail's own URLs refuse)
    # and sign-up forms (pages served without Django's CSRF cookie): activities/urls.py.
    path("", include("activities.urls")),
    # Everything else is a Wagtail page.
    path("", include(wagtail_urls)),
]
