"""What search engines and link previews read in every page's <head>: the description, the
canonical address, OpenGraph tags and schema.org JSON-LD (findability/structured_data.py: the
organisation on every page, the breadcrumbs on pages below the home page, and the page's own).

Addresses are absolute, built from the request's scheme and host, as the sitemap builds them
(the Site record says "localhost" until an administrator changes it). What comes from the
database is kept with `cached_data`, so the head costs no query once the contacts and a page's
ancestors are in the cache."""

from django import template
from django.conf import settings
from django.utils.text import Truncator

from base.models import SitePage
from base.templatetags.navigation_tags import ancestor_crumbs, site_root
from findability.structured_data import breadcrumb_list, json_ld, organisation

register = template.Library()

DESCRIPTION_LENGTH = 160


def description(page) -> str:
    """The page's summary, short enough for a search engine's result and a link preview."""
    return Truncator(page.summary).chars(DESCRIPTION_LENGTH)


def shared_picture(page, request) -> dict | None:
    """The page's picture as link previews show it (large, X's summary_large_image card), with
    its alt text unless it is decorative; None: the preview has no picture."""
    if (picture := page.page_picture) is None:
        return None
    return {**picture.for_sharing(request), "alt": picture.alt}


@register.simple_tag
def meta_description(page) -> str:
    return description(page) if isinstance(page, SitePage) else ""


@register.inclusion_tag("includes/seo_head.html", takes_context=True)
def seo_head(context):
    request = context.get("request")
    if request is None:
        return {}
    root = site_root(request)
    home_url = request.build_absolute_uri("/")  # a site's root page is its "/"
    head = {
        "site_name": settings.WAGTAIL_SITE_NAME,
        "json_ld": [json_ld(organisation(home_url))],
    }

    page = context.get("page")
    parts = page.get_url_parts(request) if isinstance(page, SitePage) and page.pk else None
    if not parts:  # not a page (search, errors), or a page without an address
        return head
    url = request.build_absolute_uri(parts[2])
    is_home = root is not None and page.pk == root.pk
    head["canonical"] = url
    head["og"] = {
        "title": page.seo_title or (settings.WAGTAIL_SITE_NAME if is_home else page.title),
        "description": description(page),
        "url": url,
        "type": "website" if is_home else "article",
    }
    head["og_image"] = shared_picture(page, request)
    if root is not None and not is_home and page.path.startswith(root.path):
        crumbs = [*ancestor_crumbs(page, root, request), {"name": page.title, "path": parts[2]}]
        head["json_ld"].append(json_ld(breadcrumb_list(crumbs, request)))
    if own := page.structured_data(request):
        head["json_ld"].append(json_ld(own))
    return head
