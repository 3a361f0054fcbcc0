from django.apps import AppConfig


class PageCacheConfig(AppConfig):
    """The full-page cache (pagecache/cache.py): what renews its dependency keys is connected
    once the models are ready."""

    name = "pagecache"
    verbose_name = "Sidecache"

    def ready(self):
        from pagecache.invalidation import connect_invalidation

        connect_invalidation()
