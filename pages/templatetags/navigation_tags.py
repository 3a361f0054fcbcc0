from django import template
from wagtail.models import Page, Site

register = template.Library()


def site_root(request) -> Page | None:
    site = Site.find_for_request(request)
    return site.root_page if site else None


@register.inclusion_tag("includes/main_menu.html", takes_context=True)
def main_menu(context):
    request = context["request"]
    current = context.get("page")
    root = site_root(request)
    pages = root.get_children().live().public().in_menu() if root else Page.objects.none()
    current_path = current.path if current else ""
    return {
        "root": root,
        "is_home": bool(root and current_path == root.path),
        "items": [
            {
                "page": item,
                "is_current": item.path == current_path,
                "in_section": current_path.startswith(item.path),
            }
            for item in pages
        ],
    }


@register.inclusion_tag("includes/breadcrumbs.html", takes_context=True)
def breadcrumbs(context):
    page = context.get("page")
    root = site_root(context["request"])
    if page is None or root is None or page.depth <= root.depth:
        return {"ancestors": []}
    return {"ancestors": page.get_ancestors().filter(depth__gte=root.depth), "page": page}
