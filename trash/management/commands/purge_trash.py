from django.conf import settings
from django.core.management.base import BaseCommand

from trash.operations import purge


class Command(BaseCommand):
    help = (
        "Delete for good the pages (with their subpages) that have been in the Papirkurv longer "
        "than settings.TRASH_RETENTION_DAYS days. Safe to run again; run it daily."
    )

    def handle(self, *args, **options):
        deleted = purge()
        if options["verbosity"] < 1:
            return
        self.stdout.write(
            f"Deleted {deleted} page{'' if deleted == 1 else 's'} that had been in the trash "
            f"for more than {settings.TRASH_RETENTION_DAYS} days."
        )
