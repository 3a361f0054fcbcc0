from django import template
from wagtail.models import Page, Site

from base.privacy import public_q
from pagecache.cache import cached_data

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


def ancestor_crumbs(page, root, request) -> list[dict]:
    """The trail from the home page down to the page's parent, as {"name", "path"}: what the
    breadcrumbs and their JSON-LD (seo_tags) show. Only published ancestors: an unpublished one
    answers 404, and its title may be a draft's. (A page below a private one is private itself.)

    Kept in the cache: publishing, unpublishing or moving a page renews "children:<its parent's
    path>", the keys here, and moves and slug changes renew the site key too."""
    depths = range(root.depth, page.depth)
    paths = [page.path[: page.steplen * depth] for depth in depths]
    keys = tuple(f"children:{path[: -page.steplen]}" for path in paths)

    def compute():
        crumbs = []
        for ancestor in Page.objects.live().filter(path__in=paths).order_by("depth"):
            if parts := ancestor.get_url_parts(request):
                name = "Forside" if ancestor.depth == root.depth else ancestor.title
                crumbs.append({"name": name, "path": parts[2]})
        return crumbs

    return cached_data(f"crumbs:{page.path}", keys, compute)


@register.inclusion_tag("includes/breadcrumbs.html", takes_context=True)
def breadcrumbs(context):
    """The trail from the home page to the current page. On a page's own sub-pages (an
    activity's sign-up form) the context names the current step (`breadcrumb_title`), and the
    page itself becomes a link."""
    page = context.get("page")
    request = context["request"]
    root = site_root(request)
    if not isinstance(page, Page) or root is None or page.depth <= root.depth:
        return {"crumbs": []}
    if not page.path.startswith(root.path):
        return {"crumbs": []}
    crumbs = ancestor_crumbs(page, root, request)
    if step := context.get("breadcrumb_title"):
        own = {"name": page.title, "path": page.get_url(request)}
        return {"crumbs": [*crumbs, own], "current": step}
    return {"crumbs": crumbs, "current": page.title}
