"""Sign-ups at the same moment, through gunicorn as `make run` serves the site: every visitor gets
their receipt or the polite Danish refusal, never an error page, and the seats and the waiting
list come out right. On SQLite (one writer at a time: the backend queues them) and on
PostgreSQL (a row lock on the activity)."""

import json
import threading
from collections import Counter

import pytest

from activities.forms import DUPLICATE
from tests.support.databases import seeded_site
from tests.support.processes import shell_result, start_gunicorn, stop_gunicorn
from tests.support.visitors import FormVisitor

ACTIVITIES = """
import json
from activities.models import ActivityType
from tests.support.showcase_activities import days_ahead, publish_activity
forms = {}
for slug in ("to-pladser", "samme-mail"):
    page = publish_activity(
        f"Temadag {slug}", slug, days_ahead(30), activity_type=ActivityType.TEMADAG,
        signup_enabled=True, capacity=2)
    forms[slug] = page.signup_url()
print(json.dumps(forms))
"""

SIGNUPS = """
import json
from activities.signups import SignUp
print(json.dumps([[s.activity.slug, s.email, s.status] for s in SignUp.objects.all()]))
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("concurrency")
    with seeded_site(tmp) as env:
        forms = json.loads(shell_result(env, ACTIVITIES))
        server, base = start_gunicorn(env, workers=3)  # as make run
        try:
            yield {"env": env, **{slug: base + url for slug, url in forms.items()}}
        finally:
            stop_gunicorn(server)


def at_once(visitors: list[FormVisitor], fields) -> list:
    """Every visitor posts the form at the same moment (each has opened it before)."""
    answers, start = [None] * len(visitors), threading.Barrier(len(visitors))

    def post(number):
        start.wait()
        answers[number] = visitors[number].post(fields(number))

    threads = [threading.Thread(target=post, args=(n,)) for n in range(len(visitors))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return answers


def person(number: int, email: str | None = None) -> dict:
    return {
        "name": f"Deltager {number}",
        "email": email or f"deltager{number}@faxekommune.dk",
        "workplace": "Haslev Bibliotek",
        "comment": "",
        "website": "",
    }


def signups(site, slug) -> Counter:
    rows = json.loads(shell_result(site["env"], SIGNUPS))
    return Counter(status for activity, _, status in rows if activity == slug)


def test_twenty_sign_ups_at_the_same_moment_all_get_their_receipt(site):
    visitors = [FormVisitor(site["to-pladser"]) for _ in range(20)]
    answers = at_once(visitors, person)

    assert Counter(answer.status for answer in answers) == {302: 20}
    assert all("kvittering=" in answer.headers["Location"] for answer in answers)
    assert signups(site, "to-pladser") == {"confirmed": 2, "waiting": 18}


def test_the_same_address_at_the_same_moment_is_saved_once_and_refused_politely(site):
    visitors = [FormVisitor(site["samme-mail"]) for _ in range(10)]
    answers = at_once(visitors, lambda n: person(n, email="samme@faxekommune.dk"))

    assert Counter(answer.status for answer in answers) == {302: 1, 200: 9}
    for refused in (answer for answer in answers if answer.status == 200):
        assert " ".join(DUPLICATE.split()) in " ".join(refused.text.split())
        assert 'value="samme@faxekommune.dk"' in refused.text  # the form keeps what was typed
    assert signups(site, "samme-mail") == {"confirmed": 1}
