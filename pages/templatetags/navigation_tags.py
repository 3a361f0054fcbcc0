from django import template
from wagtail.models import Page, Site

from faxeif.cache import cached_data, depends_on
from pages.models import public_q

register = template.Library()


def site_root(request) -> Page | None:
    site = Site.find_for_request(request)
    return site.root_page if site else None


def menu_items(root: Page) -> list[dict]:
    """The sections in the main menu: kept in the cache until a section changes, since every
    page shows them."""

    def compute():
        sections = root.get_children().live().filter(public_q()).in_menu()
        return [{"title": p.title, "url": p.url, "path": p.path} for p in sections]

    return cached_data(f"menu:{root.pk}", ("menu",), compute)


@register.inclusion_tag("includes/main_menu.html", takes_context=True)
def main_menu(context):
    current = context.get("page")
    root = site_root(context["request"])
    current_path = current.path if current else ""
    return {
        "root": root,
        "is_home": bool(root and current_path == root.path),
        "items": [
            {
                **item,
                "is_current": item["path"] == current_path,
                "in_section": current_path.startswith(item["path"]),
            }
            for item in (menu_items(root) if root else [])
        ],
    }


@register.inclusion_tag("includes/breadcrumbs.html", takes_context=True)
def breadcrumbs(context):
    """The trail from the home page to the current page. On a page's own sub-pages (an
    activity's sign-up form) the context names the current step (`breadcrumb_title`), and the
    page itself becomes a link."""
    page = context.get("page")
    root = site_root(context["request"])
    if page is None or root is None or page.depth <= root.depth:
        return {"ancestors": []}
    if page.depth == root.depth + 1:
        ancestors = [root]  # a section: the home page is its only crumb, no query needed
    else:
        ancestors = list(page.get_ancestors().filter(depth__gte=root.depth))
    depends_on(*(f"page:{ancestor.pk}" for ancestor in ancestors))
    if step := context.get("breadcrumb_title"):
        return {"ancestors": [*ancestors, page], "current": step}
    return {"ancestors": ancestors, "current": page.title}
