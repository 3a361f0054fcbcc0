from django.core.management.base import BaseCommand

from review.reminders import send_review_reminders


class Command(BaseCommand):
    help = (
        "E-mail each page's owner (in Danish) when its review date has come: one e-mail per "
        "owner, once per review date, however often it runs. Run by the site's scheduler "
        "(deploy/systemd/faxeif-review-reminders.timer, deploy/cron/, or beside gunicorn in "
        "make run). A mail server that is down leaves the reminders for the next run."
    )

    def handle(self, *args, **options):
        sent = send_review_reminders()
        if sent and options["verbosity"] > 1:
            self.stdout.write(f"{sent} påmindelse(r) sendt.")
