"""The site on PostgreSQL through pgbouncer in transaction pooling (DATABASE_TRANSACTION_POOLING):
it migrates, serves pages, takes a sign-up and a publish, and iterates large querysets, with
fewer server connections than clients, each transaction on the next server connection."""

import json
import os

import pytest

from scripts.throwaway_pgbouncer import PGBOUNCER, ThrowawayPgbouncer
from tests.support.databases import site_database
from tests.support.processes import (
    require,
    run_manage,
    seed_site,
    shell_result,
    site_env,
    start_gunicorn,
    stop_gunicorn,
)
from tests.support.visitors import FormVisitor, http

pytestmark = pytest.mark.postgresql_only

ACTIVITY = """
from activities.models import ActivityType
from tests.support.showcase_activities import days_ahead, publish_activity
page = publish_activity(
    "Temadag i puljen", "temadag-i-puljen", days_ahead(30),
    activity_type=ActivityType.TEMADAG, signup_enabled=True, capacity=10)
print(page.signup_url())
"""

SIGNUPS = """
from activities.signups import SignUp
print(SignUp.objects.filter(email="puljen@faxekommune.dk").count())
"""

PUBLISH = """
from pages.models import ContentPage
page = ContentPage.objects.get(slug="baggrund")
page.title = "Baggrund gennem puljen"
page.save_revision().publish()
print(page.url)
"""

# Many rows in small chunks: with a server-side cursor, each chunk would be fetched in its own
# transaction, on the next server connection, where the cursor does not exist.
ITERATE = """
from django.db import connection
from wagtail.models import Revision
from tests.support.showcase import add_page
for n in range(30):
    add_page(f"Side {n} i puljen", "Tekst.", publish=True)
expected = Revision.objects.count()
seen = sum(1 for _ in Revision.objects.iterator(chunk_size=5))
print(json.dumps([seen, expected, connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"]]))
""".replace("from django.db", "import json\nfrom django.db")


@pytest.fixture
def bouncer(tmp_path):
    require(os.path.exists(PGBOUNCER), "pgbouncer (Debian's pgbouncer)")
    server = ThrowawayPgbouncer(os.environ["PGHOST"], pool_size=2, round_robin=True)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_the_site_runs_through_pgbouncer_in_transaction_pooling(tmp_path, bouncer):
    with site_database(tmp_path) as direct_url:
        name = direct_url.rsplit("/", 1)[1]
        env = {
            **site_env(tmp_path, bouncer.database_url(name)),
            "DATABASE_TRANSACTION_POOLING": "true",
        }
        seed_site(env)  # migrate and seed through pgbouncer
        signup_url = shell_result(env, ACTIVITY)
        log = open(tmp_path / "gunicorn.log", "wb")
        server, base = start_gunicorn(env, workers=3, stdout=log, stderr=log)
        try:
            for path in ("/", "/baggrund/", "/soeg/?q=samskabelse", signup_url):
                assert http(base + path).status == 200, path

            answer = FormVisitor(base + signup_url).post(
                {
                    "name": "Deltager i puljen",
                    "email": "puljen@faxekommune.dk",
                    "workplace": "Haslev Bibliotek",
                    "comment": "",
                    "website": "",
                }
            )
            assert answer.status == 302, answer.text[-2000:]
            assert shell_result(env, SIGNUPS) == "1"

            page = shell_result(env, PUBLISH)
            assert "Baggrund gennem puljen" in http(base + page).text

            seen, expected, disabled = json.loads(shell_result(env, ITERATE))
            assert disabled is True
            assert seen == expected > 30
        finally:
            stop_gunicorn(server)
            log.close()


def test_without_the_setting_a_large_iteration_fails_through_pgbouncer(tmp_path, bouncer):
    """The control: what DATABASE_TRANSACTION_POOLING guards against does happen here."""
    with site_database(tmp_path, seeded=True) as direct_url:
        name = direct_url.rsplit("/", 1)[1]
        env = site_env(tmp_path, bouncer.database_url(name))
        env.pop("DATABASE_TRANSACTION_POOLING", None)
        result = run_manage(env, "shell", "--verbosity=0", "-c", ITERATE)
        assert result.returncode != 0
        assert "does not exist" in result.stderr, result.stderr[-2000:]
