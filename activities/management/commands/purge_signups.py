from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from activities.signups import purge_signups


class Command(BaseCommand):
    help = (
        "Delete the sign-ups of activities that ended more than --days days ago (default: "
        "settings.SIGNUP_RETENTION_DAYS), as the sign-up form promises. Run it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=settings.SIGNUP_RETENTION_DAYS,
            help="Keep sign-ups until this many days after their activity ended.",
        )

    def handle(self, *args, days, **options):
        if days < 0:
            raise CommandError("--days must be 0 or more.")
        deleted = purge_signups(days)
        self.stdout.write(
            f"Deleted {deleted} sign-up{'' if deleted == 1 else 's'} of activities that ended "
            f"more than {days} days ago."
        )
