from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from backups.archive import backup


class Command(BaseCommand):
    help = (
        "Write one archive (.tar.gz) with the database (PostgreSQL: pg_dump custom format; "
        "SQLite: online backup) and the uploaded files, for manage.py restore."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            default=settings.BASE_DIR / "var" / "backups",
            help="folder to write the archive into (default: var/backups)",
        )

    def handle(self, *args, output, **options):
        archive, manifest = backup(output)
        counted = ", ".join(f"{n} {what}" for what, n in manifest["counts"].items())
        self.stdout.write(f"{archive}: {manifest['vendor']}, {counted}")
