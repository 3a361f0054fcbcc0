import os
import signal
import threading

from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from mail.tasks import BACKEND


class Command(DatabaseWorkerCommand):
    help = (
        "Send the queued e-mails: django-tasks-db's db_worker for the site's mail backend "
        "(mail/tasks.py), which also stops when the process that started it ends (--parent). "
        "`make run` has gunicorn start it (gunicorn.conf.py); production runs db_worker as a "
        "service (deploy/systemd/faxeif-worker.service)."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(backend_name=BACKEND)
        parser.add_argument(
            "--parent",
            type=int,
            help="stop when this process is no longer our parent (default: run until stopped)",
        )

    def handle(self, *args, parent, **options):
        if parent:
            threading.Thread(target=stop_when_orphaned, args=(parent,), daemon=True).start()
        super().handle(*args, **options)


def stop_when_orphaned(parent: int) -> None:
    """A parent that died without stopping us (SIGKILL) leaves us to init, and we must not
    outlive it: stop as SIGTERM stops the worker (after the e-mail it is sending, if any)."""
    while os.getppid() == parent:
        threading.Event().wait(1.0)
    os.kill(os.getpid(), signal.SIGTERM)
