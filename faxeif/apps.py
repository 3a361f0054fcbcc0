from django.apps import AppConfig


class FaxeifConfig(AppConfig):
    """The project package as an app, for its commands: migrate (which makes the SQLite file
    first) and the scheduled-publishing loop of `make run`."""

    name = "faxeif"
    verbose_name = "Faxe i Fællesskab"
