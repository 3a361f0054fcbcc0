"""Scheduled jobs run once per cluster (faxeif/cluster.py, manage.py run_scheduled): two servers
whose timers fire at the same moment publish a due page once, not twice."""

import json
import os
import subprocess
import sys
import time

import pytest

from scripts.throwaway_pgbouncer import PGBOUNCER, ThrowawayPgbouncer
from tests.support.databases import site_database
from tests.support.processes import BASE_DIR, require, shell_result, site_env

DUE_PAGES = """
import json
from datetime import timedelta
from django.utils import timezone
from wagtail.models import Page, Revision
from home.models import HomePage
from pages.models import ContentPage
home = HomePage.objects.get()
ids = []
for n in range({count}):
    page = home.add_child(instance=ContentPage(title=f"Planlagt side {{n}}", live=False))
    page.go_live_at = timezone.now() + timedelta(hours=1)
    page.save_revision().publish()
    ids.append(page.pk)
# Scheduled by an editor an hour ago for now: due.
due = timezone.now() - timedelta(seconds=1)
Page.objects.filter(pk__in=ids).update(go_live_at=due)
for revision in Revision.objects.filter(object_id__in=[str(i) for i in ids]).exclude(
    approved_go_live_at=None
):
    revision.content["go_live_at"] = due.isoformat()
    revision.approved_go_live_at = due
    revision.save(update_fields=["content", "approved_go_live_at"])
print(json.dumps(ids))
"""

# A server's timer: Django loaded, it waits for the moment (a file appearing), then runs the
# scheduled publish as the systemd service does. It says when it skips (logged at info).
TIMER = """
import logging, os, time
from pathlib import Path
from django.core.management import call_command
logging.getLogger("faxeif.cluster").setLevel(logging.INFO)
Path({ready!r}).touch()
while not os.path.exists({go!r}):
    time.sleep(0.002)
call_command("run_scheduled", "publish_scheduled")
"""

PUBLISHED = """
import json
from collections import Counter
from wagtail.models import Page, PageLogEntry
ids = {ids}
entries = PageLogEntry.objects.filter(page_id__in=ids).values_list("action", flat=True)
print(json.dumps({{
    "actions": Counter(entries),
    "live": Page.objects.filter(pk__in=ids, live=True).count(),
}}))
"""


def start_timer(env: dict, ready, go) -> subprocess.Popen:
    code = TIMER.format(ready=str(ready), go=str(go))
    return subprocess.Popen(
        [sys.executable, "manage.py", "shell", "--verbosity=0", "-c", code],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def two_timers_at_once(env: dict, tmp_path, count: int = 15) -> None:
    """Pages fall due; two servers' timers fire at the same moment; each page is published
    once, by the one that took the lock, and the other says it skipped."""
    ids = json.loads(shell_result(env, DUE_PAGES.format(count=count)))
    go = tmp_path / "go"
    readies = [tmp_path / f"ready-{n}" for n in range(2)]
    timers = [start_timer(env, ready, go) for ready in readies]
    try:
        deadline = time.monotonic() + 120
        while not all(ready.exists() for ready in readies):
            assert time.monotonic() < deadline, "the timers did not start"
            assert all(timer.poll() is None for timer in timers)
            time.sleep(0.05)
        go.touch()  # both fire at the same moment
        outputs = [timer.communicate(timeout=120) for timer in timers]
    finally:
        for timer in timers:
            if timer.poll() is None:
                timer.kill()
                timer.wait()
    assert [timer.returncode for timer in timers] == [0, 0], outputs

    published = json.loads(shell_result(env, PUBLISHED.format(ids=ids)))
    # Each page: its scheduling by the editor, then one publish when it fell due.
    assert published["actions"].get("wagtail.publish.scheduled") == count, (published, outputs)
    assert published["live"] == count
    skipped = [err for _, err in outputs if "skipped here" in err]
    assert len(skipped) == 1, outputs


def test_two_servers_running_the_scheduled_publish_at_once_publish_each_page_once(tmp_path):
    with site_database(tmp_path, seeded=True) as database_url:
        two_timers_at_once(site_env(tmp_path, database_url), tmp_path)


@pytest.mark.postgresql_only
def test_the_lock_holds_through_pgbouncer_in_transaction_pooling(tmp_path):
    require(os.path.exists(PGBOUNCER), "pgbouncer (Debian's pgbouncer)")
    with (
        site_database(tmp_path, seeded=True) as direct_url,
        ThrowawayPgbouncer(os.environ["PGHOST"], pool_size=2, round_robin=True) as bouncer,
    ):
        url = bouncer.database_url(direct_url.rsplit("/", 1)[1])
        env = {**site_env(tmp_path, url), "DATABASE_TRANSACTION_POOLING": "true"}
        two_timers_at_once(env, tmp_path)
