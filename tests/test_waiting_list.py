"""Cancelling from the link in the confirmation e-mail (signed, single use, no login, only a POST
cancels), and the waiting list moving up when a seat frees: a participant cancels, the
procesleder deletes a sign-up, or raises the seats and publishes. Each person moved up gets a
Danish e-mail once; a mail server that is down undoes nothing."""

import logging
import re
import socket
from urllib.parse import unquote

import pytest
from django.core import mail, signing
from django.test import Client

from activities.signups import SignUp, cancel
from tests.support.editor_posts import page_edit_data
from tests.support.html import soup, text_of
from tests.support.showcase_activities import add_activity, days_ahead, sign_up

LINK = re.compile(r"^(http://testserver(/\S+afmelding=\S+))$", re.MULTILINE)


def join(activity, *names: str) -> dict[str, str]:
    """Each person signs up in turn through the form; the cancel link of each one's mail."""
    links = {}
    for name in names:
        email = f"{name.lower()}@faxekommune.dk"
        assert sign_up(Client(), activity, name=name, email=email).status_code == 302
        confirmation = mail.outbox[-1]
        assert confirmation.to == [email]
        links[name] = LINK.search(confirmation.body).group(2)
    return links


def statuses(activity) -> list[tuple[str, str]]:
    return list(activity.signups.order_by("created", "pk").values_list("name", "status"))


def seat_mails() -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if m.subject.startswith("Du har fået en plads")]


def post_cancel(client, link: str):
    """The visitor presses Afmeld on the page the link opened: the form as the page has it."""
    form = soup(client.get(link)).select_one("form.cancel-form")
    fields = {field["name"]: field["value"] for field in form.select("input[type=hidden]")}
    return client.post(form["action"], fields)


@pytest.mark.django_db
def test_the_link_asks_first_and_only_a_post_cancels(client, temadag):
    links = join(temadag, "Anna", "Bo")
    assert "afmeld dig her, så pladsen går videre" in mail.outbox[0].body

    page = client.get(links["Anna"])
    assert page.status_code == 200 and not page.cookies
    assert "no-store" in page["Cache-Control"] and "private" in page["Cache-Control"]
    assert soup(page).h1.get_text() == "Afmeld dig Temadag om samskabelse"
    assert "Du er tilmeldt som Anna (anna@faxekommune.dk)." in text_of(page, "main")
    form = soup(page).select_one("form.cancel-form")
    assert form["method"] == "post" and form.button.get_text() == "Afmeld"
    assert form.select_one("input[name=csrfmiddlewaretoken]") is None
    assert client.get(links["Anna"])["X-Cache"] == "MISS", "never kept in the page cache"
    assert statuses(temadag) == [("Anna", "confirmed"), ("Bo", "confirmed")]  # nothing yet

    # A browser that keeps Django's CSRF checks, without any cookie: the token is the authority.
    visitor = Client(enforce_csrf_checks=True)
    done = post_cancel(visitor, links["Anna"])
    assert done.status_code == 200 and not done.cookies
    assert "no-store" in done["Cache-Control"]
    assert soup(done).h1.get_text() == "Du er afmeldt"
    assert statuses(temadag) == [("Bo", "confirmed")]

    # The same link again: said plainly, and nothing more happens.
    replay = visitor.get(links["Anna"])
    assert replay.status_code == 200
    assert soup(replay).h1.get_text() == "Du er allerede afmeldt"
    assert soup(replay).select_one("form.cancel-form") is None
    token = unquote(links["Anna"].split("afmelding=")[1])
    replayed = visitor.post(temadag.url + "tilmelding/afmeld/", {"afmelding": token})
    assert soup(replayed).h1.get_text() == "Du er allerede afmeldt"
    assert statuses(temadag) == [("Bo", "confirmed")]


@pytest.mark.django_db
def test_forged_cut_and_other_activity_links_get_a_danish_message(client, temadag, index):
    links = join(temadag, "Anna")
    other = add_activity(index, "Workshop", days_ahead(12), signup_enabled=True)
    token = links["Anna"].split("afmelding=")[1]
    cancel_page = temadag.url + "tilmelding/afmeld/"
    forged = signing.dumps({"signup": 1, "activity": temadag.pk}, salt="activities.signup.receipt")
    for url in [
        cancel_page,  # no token
        f"{cancel_page}?afmelding={token[:-3]}",  # cut off
        f"{cancel_page}?afmelding={forged}",  # signed for something else
        f"{cancel_page}?afmelding={'x' * 10_000}",
        f"{other.url}tilmelding/afmeld/?afmelding={token}",  # another activity's page
    ]:
        for response in (client.get(url), client.post(url.split("?")[0], {"afmelding": url})):
            assert response.status_code == 404, url
            assert soup(response).h1.get_text() == "Linket virker ikke"
            assert "skriv til procesleder" in text_of(response, "main")
    assert statuses(temadag) == [("Anna", "confirmed")]


@pytest.mark.django_db
def test_a_cancellation_moves_the_first_on_the_waiting_list_up(
    client, temadag, django_capture_on_commit_callbacks
):
    links = join(temadag, "Anna", "Bo", "Carl", "Dorte")  # two seats; Carl, then Dorte waiting
    assert "Vil du ikke længere stå på ventelisten" in mail.outbox[2].body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        post_cancel(client, links["Bo"])
    assert statuses(temadag) == [("Anna", "confirmed"), ("Carl", "confirmed"), ("Dorte", "waiting")]
    [seat] = mail.outbox
    assert seat.to == ["carl@faxekommune.dk"]
    assert seat.subject == "Du har fået en plads: Temadag om samskabelse"
    assert seat.body.startswith("Hej Carl")
    assert "du stod først på ventelisten, så nu er du tilmeldt" in seat.body
    assert f"Tidspunkt: {temadag.when}" in seat.body
    # Its own cancel link works: Carl cancels in turn, and Dorte gets the seat.
    with django_capture_on_commit_callbacks(execute=True):
        post_cancel(client, LINK.search(seat.body).group(2))
    assert statuses(temadag) == [("Anna", "confirmed"), ("Dorte", "confirmed")]
    assert [m.to for m in seat_mails()] == [["carl@faxekommune.dk"], ["dorte@faxekommune.dk"]]
    # Someone on the waiting list who cancels frees no seat: nobody moves.
    with django_capture_on_commit_callbacks(execute=True):
        post_cancel(client, links["Anna"])
    assert statuses(temadag) == [("Dorte", "confirmed")]
    assert len(seat_mails()) == 2


@pytest.mark.django_db
def test_a_sign_up_the_procesleder_deletes_gives_its_seat_to_the_waiting_list(
    procesleder_client, temadag, django_capture_on_commit_callbacks
):
    join(temadag, "Anna", "Bo", "Carl")
    anna = SignUp.objects.get(name="Anna")
    delete_url = f"/admin/tilmeldinger/delete/{anna.pk}/"
    assert procesleder_client.get(delete_url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = procesleder_client.post(delete_url)
    assert response.status_code == 302
    assert statuses(temadag) == [("Bo", "confirmed"), ("Carl", "confirmed")]
    assert [m.to for m in seat_mails()] == [["carl@faxekommune.dk"]]
    listing = procesleder_client.get(f"/admin/tilmeldinger/?activity={temadag.pk}")
    assert "Venteliste" not in text_of(listing, "table tbody")


@pytest.mark.django_db
def test_more_seats_published_go_to_the_waiting_list_in_order(
    procesleder_client, client, temadag, django_capture_on_commit_callbacks
):
    join(temadag, "Anna", "Bo", "Carl", "Dorte", "Erik")
    assert client.get(temadag.url)["X-Cache"] == "MISS"

    # A draft with more seats moves nobody; publishing it does.
    data = page_edit_data(procesleder_client, temadag, capacity="4", signup_enabled="on")
    with django_capture_on_commit_callbacks(execute=True):
        assert procesleder_client.post(f"/admin/pages/{temadag.pk}/edit/", data).status_code == 302
    assert not seat_mails()
    data = page_edit_data(
        procesleder_client, temadag, capacity="4", signup_enabled="on", **{"action-publish": "1"}
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert procesleder_client.post(f"/admin/pages/{temadag.pk}/edit/", data).status_code == 302
    assert [status for _, status in statuses(temadag)] == ["confirmed"] * 4 + ["waiting"]
    assert [m.to for m in seat_mails()] == [["carl@faxekommune.dk"], ["dorte@faxekommune.dk"]]
    assert "Fuldt booket – skriv dig på ventelisten." in text_of(
        client.get(temadag.url), ".signup-box"
    )

    # No limit any more: everyone waiting gets a seat.
    data = page_edit_data(
        procesleder_client, temadag, capacity="", signup_enabled="on", **{"action-publish": "1"}
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert procesleder_client.post(f"/admin/pages/{temadag.pk}/edit/", data).status_code == 302
    assert [status for _, status in statuses(temadag)] == ["confirmed"] * 5
    assert [m.to[0] for m in seat_mails()][-1] == "erik@faxekommune.dk"
    assert len(seat_mails()) == 3


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.django_db
def test_a_mail_server_that_is_down_undoes_no_seat(
    client, temadag, settings, caplog, django_capture_on_commit_callbacks
):
    links = join(temadag, "Anna", "Bo", "Carl")
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed_port(), 2
    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        done = post_cancel(client, links["Anna"])
    assert done.status_code == 200 and soup(done).h1.get_text() == "Du er afmeldt"
    assert statuses(temadag) == [("Bo", "confirmed"), ("Carl", "confirmed")]
    assert "Could not send the seat mail of sign-up" in caplog.text


@pytest.mark.django_db
def test_nothing_moves_once_the_activity_has_ended(index, django_capture_on_commit_callbacks):
    ended = add_activity(index, "Sidste måned", days_ahead(-30), signup_enabled=True, capacity=1)
    seated = SignUp.objects.create(activity=ended, name="Anna", email="a@faxe.dk", workplace="X")
    SignUp.objects.create(
        activity=ended, name="Bo", email="b@faxe.dk", workplace="X", status="waiting"
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert cancel(seated.pk, ended.pk)
    assert statuses(ended) == [("Bo", "waiting")]
    assert not seat_mails()
