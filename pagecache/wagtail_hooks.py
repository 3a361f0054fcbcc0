from wagtail import hooks

from pagecache.cache import depends_on


@hooks.register("before_serve_page")
def record_served_page(page, request, serve_args, serve_kwargs):
    depends_on(f"page:{page.pk}")
