import os
import signal
import threading
import time
import traceback

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connections

# Each in turn, each on its own: one that fails leaves the others to run; each once per cluster
# (run_scheduled), as the timers run them. purge_trash quietly: make run's console would show its
# count every minute.
COMMANDS = (
    ("publish_scheduled", {}),
    ("send_review_reminders", {}),
    ("purge_trash", {"verbosity": 0}),
)


class Command(BaseCommand):
    help = (
        "Run Wagtail's publish_scheduled, then send_review_reminders and purge_trash, at the "
        "start of every --interval seconds (default 60: every whole minute, as the production "
        "timer does) until stopped (SIGTERM, SIGINT) or until the process that started it ends. "
        "`make run` starts it beside gunicorn (gunicorn.conf.py); production runs them from "
        "systemd timers instead (deploy/systemd/). A reminder goes out once per review date, "
        "however often its command runs; purge_trash finds nothing to do on all but one run a "
        "day: a query."
    )

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=60.0)
        parser.add_argument(
            "--parent",
            type=int,
            help="stop when this process is no longer our parent (default: the parent we have)",
        )

    def handle(self, *args, interval, parent, **options):
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        # gunicorn names itself: it may have died while we were starting.
        parent = parent or os.getppid()
        while not stop.is_set() and os.getppid() == parent:
            for command, options in COMMANDS:
                self.run(command, options)
            # Wait for the next boundary in short steps: a parent that died without stopping
            # us (SIGKILL) leaves us to init, and we must not outlive it.
            next_run = (time.time() // interval + 1) * interval
            while not stop.wait(min(1.0, max(0.0, next_run - time.time()))):
                if os.getppid() != parent:
                    return
                if time.time() >= next_run:
                    break

    def run(self, command, options):
        try:
            call_command("run_scheduled", command, **options)
        except Exception:
            # A database that is away for a moment must not end the loop: try again next time.
            self.stderr.write(traceback.format_exc())
        finally:
            connections.close_all()
