from django.core.management import call_command
from django.core.management.base import BaseCommand

from faxeif.cluster import once_per_cluster


class Command(BaseCommand):
    help = (
        "Run a scheduled command (publish_scheduled, send_review_reminders, purge_trash, ...) "
        "once per cluster: when several servers start it at the same moment, one runs it and "
        "the others skip this run (faxeif/cluster.py). The systemd timers' services, the cron "
        "lines and publish_scheduled_loop run their commands through it."
    )

    def add_arguments(self, parser):
        parser.add_argument("scheduled_command")
        parser.add_argument("arguments", nargs="*")

    def handle(self, *args, scheduled_command, arguments, verbosity, **options):
        with once_per_cluster(scheduled_command) as mine:
            if mine:
                call_command(scheduled_command, *arguments, verbosity=verbosity)
