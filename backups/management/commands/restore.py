from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from backups.archive import counts, restore


class Command(BaseCommand):
    help = (
        "Restore an archive of manage.py backup into the database of DATABASE_URL and the "
        "folder MEDIA_ROOT (or the bucket S3_BUCKET), which must both be empty."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)

    def handle(self, *args, archive, **options):
        if not archive.is_file():
            raise CommandError(f"{archive} does not exist or is not a file.")
        manifest = restore(archive)
        expected, found = manifest["counts"], counts()
        if found != expected:
            raise CommandError(
                f"Restored {archive}, but the counts differ from the backup's: "
                f"expected {expected}, found {found}."
            )
        counted = ", ".join(f"{n} {what}" for what, n in found.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored the backup of {manifest['created_at']} ({counted}). Image "
                "renditions are made again as pages ask for them."
            )
        )
