from django.core.management.commands import migrate
from django.db import DEFAULT_DB_ALIAS, connections

from faxeif.sqlite.base import create_database_file


class Command(migrate.Command):
    """Django's migrate, which on SQLite first creates the database file when there is none: the
    site opens the file without creating it (faxeif.sqlite), so setting a database up is this
    command's job alone. Before the system checks, which already read the database."""

    def execute(self, *args, **options):
        connection = connections[options.get("database") or DEFAULT_DB_ALIAS]
        if create_database_file(connection) and options.get("verbosity", 1):
            self.stdout.write(f"Created the SQLite database {connection.settings_dict['NAME']}.")
        return super().execute(*args, **options)
