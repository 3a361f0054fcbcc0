from django.contrib.sitemaps import Sitemap as DjangoSitemap
from django.db.models import Q
from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Page

from base.privacy import outside_sections, public_q


def below_published_pages_q() -> Q:
    """Pages whose ancestors are all published. Wagtail still serves a published page below an
    unpublished one (unpublishing a page may leave its children published), but its section is
    gone from the site: the sitemap leaves it out, as the breadcrumbs leave out the ancestor."""
    unpublished = Page.objects.filter(live=False, numchild__gt=0).values_list("path", flat=True)
    return outside_sections(unpublished)


class PageSitemap(Sitemap):
    """Every public, published page of the site, with its last publication. Addresses are built
    from the request's host and scheme (like canonical links), not from the Site record, which
    says "localhost" until an administrator changes it."""

    def items(self):
        return (
            self.get_wagtail_site()
            .root_page.get_descendants(inclusive=True)
            .live()
            .filter(public_q(), below_published_pages_q())
            .order_by("path")
        )

    def location(self, page):
        return page.get_url_parts(self.request)[2]

    # Django's own: it puts the request's scheme and host before location().
    _urls = DjangoSitemap._urls
