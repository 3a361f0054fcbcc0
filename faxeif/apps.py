from django.apps import AppConfig


class FaxeifConfig(AppConfig):
    """The project package as an app, for its site-wide management commands."""

    name = "faxeif"
    verbose_name = "Faxe i Fællesskab"
