from django.apps import AppConfig


class FaxeifConfig(AppConfig):
    """The project package as an app: site-wide commands, hooks and the page cache's wiring."""

    name = "faxeif"
    verbose_name = "Faxe i Fællesskab"

    def ready(self):
        from faxeif.invalidation import connect_invalidation
        from faxeif.uploads import connect_metadata_stripping

        connect_invalidation()
        connect_metadata_stripping()
