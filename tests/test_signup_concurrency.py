"""Sign-ups and cancellations at the same moment, through gunicorn as `make run` serves the site:
every visitor gets their receipt or the polite Danish refusal, never an error page, and the
seats and the waiting list come out right (nobody over capacity, nobody skipped, nobody moved up
twice). On SQLite (one writer at a time: the backend queues them) and on PostgreSQL (a row lock
on the activity)."""

import json
import threading
from collections import Counter
from urllib.parse import unquote

import pytest

from activities.forms import DUPLICATE
from tests.support.databases import seeded_site
from tests.support.mail import sent_mail
from tests.support.processes import shell_result, start_gunicorn, stop_gunicorn
from tests.support.visitors import FormVisitor, http

ACTIVITIES = """
import json
from activities.models import ActivityType
from activities.signups import SignUp
from tests.support.showcase_activities import days_ahead, publish_activity
forms = {}
for slug in ("to-pladser", "samme-mail"):
    page = publish_activity(
        f"Temadag {slug}", slug, days_ahead(30), activity_type=ActivityType.TEMADAG,
        signup_enabled=True, capacity=2)
    forms[slug] = page.signup_url()
# Ten seats taken, fifteen waiting, in this order.
page = publish_activity(
    "Venteliste", "venteliste", days_ahead(30), signup_enabled=True, capacity=10)
forms["venteliste"] = page.signup_url()
forms["cancel"] = []
for n in range(25):
    status = "confirmed" if n < 10 else "waiting"
    signup = SignUp.objects.create(
        activity=page, name=f"Før {n}", email=f"foer{n}@faxekommune.dk", workplace="X",
        status=status)
    if n < 10:
        forms["cancel"].append(page.cancel_url(signup))
print(json.dumps(forms))
"""

SIGNUPS = """
import json
from activities.signups import SignUp
rows = SignUp.objects.order_by("created", "pk")
print(json.dumps([[s.activity.slug, s.email, s.status] for s in rows]))
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("concurrency")
    with seeded_site(tmp) as env:
        forms = json.loads(shell_result(env, ACTIVITIES))
        server, base = start_gunicorn(env, workers=3)  # as make run
        try:
            cancel_links = [base + url for url in forms.pop("cancel")]
            yield {
                "env": env,
                "cancel": cancel_links,
                **{slug: base + url for slug, url in forms.items()},
            }
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


def test_ten_cancellations_and_ten_sign_ups_at_once_move_the_waiting_list_in_order(site):
    """Ten of the ten seated cancel from their links while ten new people sign up: the first ten
    of the fifteen waiting get the seats, each mailed once; the new ones wait behind the rest."""
    link, token = zip(*(url.split("?afmelding=") for url in site["cancel"]), strict=True)
    newcomers = [FormVisitor(site["venteliste"]) for _ in range(10)]
    start = threading.Barrier(20)
    answers = {}

    def cancel(number):
        start.wait()
        answers[f"cancel {number}"] = http(link[number], {"afmelding": unquote(token[number])})

    def sign_up(number):
        start.wait()
        answers[f"sign-up {number}"] = newcomers[number].post(person(100 + number))

    threads = [threading.Thread(target=cancel, args=(n,)) for n in range(10)]
    threads += [threading.Thread(target=sign_up, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert Counter(answer.status for answer in answers.values()) == {200: 10, 302: 10}
    assert all("Du er afmeldt" in answers[f"cancel {n}"].text for n in range(10))
    rows = [
        (email, status) for slug, email, status in signups_in_order(site) if slug == "venteliste"
    ]
    confirmed = [email for email, status in rows if status == "confirmed"]
    waiting = [email for email, status in rows if status == "waiting"]
    assert confirmed == [f"foer{n}@faxekommune.dk" for n in range(10, 20)]
    # The five left waiting first, then the newcomers, in whatever order they came.
    assert waiting[:5] == [f"foer{n}@faxekommune.dk" for n in range(20, 25)]
    assert sorted(waiting[5:]) == sorted(f"deltager{100 + n}@faxekommune.dk" for n in range(10))
    seats = [
        m.to[0] for m in sent_mail(site["env"]["EMAIL_FILE_PATH"]) if "fået en plads" in m.subject
    ]
    assert sorted(seats) == sorted(confirmed), "each moved up is mailed, once"


def signups_in_order(site) -> list:
    return json.loads(shell_result(site["env"], SIGNUPS))
