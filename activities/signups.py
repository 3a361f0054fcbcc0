"""The sign-ups visitors make on an activity's sign-up address: the model, how long it is kept,
the page cache key of the seats it leaves, and the one place where seats change hands:
cancelling (`cancel`), and moving the waiting list up when seats free (`fill_free_seats`), each
under the activity's row lock, with the e-mails they send (queued: mail/tasks.py). Below the
activity pages and the sign-up form, which both use it; it imports neither."""

import datetime
from contextlib import contextmanager
from urllib.parse import urljoin

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import models, transaction
from django.db.models.functions import Coalesce, Lower
from django.db.models.signals import post_delete, post_save
from django.template.loader import render_to_string
from django.utils import timezone
from wagtail.signals import page_published

from contacts.models import ContactPerson
from mail.tasks import send_later
from pagecache.cache import invalidate


class SignUp(models.Model):
    """A person's sign-up for an activity. Deleted a set number of days after the activity
    (settings.SIGNUP_RETENTION_DAYS, manage.py purge_signups)."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", "Tilmeldt"
        WAITING = "waiting", "Venteliste"

    activity = models.ForeignKey(
        "activities.ActivityPage",
        verbose_name="aktivitet",
        on_delete=models.CASCADE,
        related_name="signups",
    )
    name = models.CharField("navn", max_length=200)
    email = models.EmailField("arbejdsmail")
    workplace = models.CharField("arbejdsplads", max_length=200)
    comment = models.TextField("kommentar", max_length=1000, blank=True)
    status = models.CharField(
        "status",
        max_length=20,
        choices=Status,
        default=Status.CONFIRMED,
        help_text="Giv selv personen besked, hvis du flytter en tilmelding fra ventelisten.",
    )
    created = models.DateTimeField("tilmeldt", auto_now_add=True)

    RECEIPT_SALT = "activities.signup.receipt"
    RECEIPT_MAX_AGE = 24 * 60 * 60
    CANCEL_SALT = "activities.signup.cancel"

    class Meta:
        verbose_name = "tilmelding"
        verbose_name_plural = "tilmeldinger"
        ordering = ["activity", "created", "pk"]
        constraints = [
            models.UniqueConstraint(
                "activity",
                Lower("email"),
                name="activities_signup_unique_email_per_activity",
                violation_error_message="Der er allerede en tilmelding med den e-mailadresse.",
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.email})"

    def receipt(self, mailed: bool = True) -> str:
        """A token for the thank-you page that names this sign-up, without the address
        showing who signed up, and says whether the confirmation is on its way (queued, or sent
        by a backend that sends at once) or is known not to come."""
        return signing.dumps({"signup": self.pk, "mailed": mailed}, salt=self.RECEIPT_SALT)

    @classmethod
    def from_receipt(cls, token: str, activity) -> "SignUp | None":
        """The sign-up the token names, with `confirmation_mailed`; None for a token that is
        not one, has expired, or names a sign-up of another activity."""
        try:
            receipt = signing.loads(token, salt=cls.RECEIPT_SALT, max_age=cls.RECEIPT_MAX_AGE)
        except signing.BadSignature:
            return None
        if not isinstance(receipt, dict):  # a receipt from before it said whether mailed
            receipt = {"signup": receipt, "mailed": True}
        signup = cls.objects.filter(pk=receipt["signup"], activity=activity).first()
        if signup is not None:
            signup.confirmation_mailed = receipt["mailed"]
        return signup

    def cancel_token(self) -> str:
        """The token of the cancel link in the person's e-mails: it names this sign-up and its
        activity, and is its own authority (no login). It does not expire: it works until the
        sign-up is cancelled, deleted or purged, after which it names nothing."""
        return signing.dumps(
            {"signup": self.pk, "activity": self.activity_id}, salt=self.CANCEL_SALT
        )

    @classmethod
    def from_cancel_token(cls, token: str, activity) -> "tuple[bool, SignUp | None]":
        """(whether the token is one of ours for this activity, the sign-up it names if that
        still exists). A forged or cut-off token, or one for another activity: (False, None)."""
        try:
            named = signing.loads(token, salt=cls.CANCEL_SALT)
        except signing.BadSignature:
            return False, None
        if not isinstance(named, dict) or named.get("activity") != activity.pk:
            return False, None
        return True, cls.objects.filter(pk=named.get("signup"), activity=activity).first()

    # For the admin listing and the export.

    def activity_when(self) -> str:
        return self.activity.when

    activity_when.short_description = "aktivitetens tidspunkt"

    def created_local(self) -> datetime.datetime:
        """When the person signed up, in Danish time to the second (for spreadsheets)."""
        return timezone.localtime(self.created).replace(microsecond=0, tzinfo=None)

    created_local.short_description = "tilmeldt den"


def purge_signups(days: int | None = None) -> int:
    """Delete the sign-ups of activities that ended more than `days` days ago; how many."""
    if days is None:
        days = settings.SIGNUP_RETENTION_DAYS
    ended_before = timezone.now() - datetime.timedelta(days=days)
    _, deleted = SignUp.objects.filter(activity__end__lt=ended_before).delete()
    return deleted.get(SignUp._meta.label, 0)


def seats_taken():
    """An activity's confirmed sign-ups, as an expression for annotating activities."""
    taken = (
        SignUp.objects.filter(activity=models.OuterRef("pk"), status=SignUp.Status.CONFIRMED)
        .order_by()
        .values("activity")
        .annotate(n=models.Count("pk"))
        .values("n")
    )
    return Coalesce(models.Subquery(taken), 0)


def signups_key(activity_pk) -> str:
    """Page cache key for what shows an activity's sign-ups (the seats left)."""
    return f"signups:{activity_pk}"


def signup_changed(sender, instance, **kwargs):
    # The activity page shows the seats left, and its cards whether it is full (while sign-up is
    # open and seats are limited: ActivityPage.fully_booked): renewed by the precise key they
    # depend on, which leaves cached the pages that merely show the activity (stories).
    invalidate(signups_key(instance.activity_id))


# Seats changing hands. Every change of who has a seat takes the activity's row lock first, as
# the sign-up form does (activities/forms.py): so simultaneous sign-ups, cancellations, deletions
# and publications come one at a time, and none over-books, skips or promotes anyone twice.
# (SQLite has no row locks; it lets one writer in at a time.)


def _lock_activity(activity_id):
    """Lock the activity's row until the transaction ends; its seats and end as they are now."""
    activity_model = SignUp._meta.get_field("activity").related_model
    return (
        activity_model.objects.select_for_update(of=("self",))
        .values("capacity", "end")
        .get(pk=activity_id)
    )


@contextmanager
def freeing_seats(activity_id, base_url: str | None = None):
    """Whatever the block does (delete a sign-up) happens under the activity's row lock, and the
    seats it frees then go to the waiting list (fill_free_seats), in the same transaction."""
    with transaction.atomic():
        _lock_activity(activity_id)
        yield
        fill_free_seats(activity_id, base_url)


def cancel(signup_id, activity_id, base_url: str | None = None) -> bool:
    """Cancel a sign-up (it is deleted: nothing of it is kept) and give its seat to the first on
    the waiting list. False when it was gone already (cancelled before, deleted or purged)."""
    with freeing_seats(activity_id, base_url):
        deleted, _ = SignUp.objects.filter(pk=signup_id, activity_id=activity_id).delete()
    return bool(deleted)


def fill_free_seats(activity_id, base_url: str | None = None) -> list[SignUp]:
    """Confirm the first on the waiting list (by sign-up time), as many as there are free seats
    (all of them when the seats are no longer limited), and e-mail each that they have a seat
    once the transaction commits. Nothing moves once the activity has ended. Links in the
    e-mails start with `base_url` (the request's), else settings.WAGTAILADMIN_BASE_URL."""
    with transaction.atomic():
        activity = _lock_activity(activity_id)
        if activity["end"] < timezone.now():
            return []
        waiting = SignUp.objects.filter(activity_id=activity_id, status=SignUp.Status.WAITING)
        waiting = waiting.select_related("activity").order_by("created", "pk")
        if activity["capacity"] is not None:
            confirmed = SignUp.objects.filter(
                activity_id=activity_id, status=SignUp.Status.CONFIRMED
            ).count()
            waiting = waiting[: max(activity["capacity"] - confirmed, 0)]
        promoted = list(waiting)
        if not promoted:
            return []
        SignUp.objects.filter(pk__in=[s.pk for s in promoted]).update(
            status=SignUp.Status.CONFIRMED
        )
        invalidate(signups_key(activity_id))  # update() sends no post_save
        for signup in promoted:
            signup.status = SignUp.Status.CONFIRMED
            send_mail_later(signup, "seat mail", base_url)
    return promoted


def seats_may_have_changed(sender, instance, **kwargs):
    """An activity was published: its seats may have been raised (or their limit removed)."""
    fill_free_seats(instance.pk)


# The e-mails to the person who signed up.


def mail_context(signup: SignUp, base_url: str | None = None) -> dict:
    """What the e-mails about a sign-up show: the activity, its links and whom to write to."""
    activity = signup.activity
    base_url = base_url or settings.WAGTAILADMIN_BASE_URL
    return {
        "signup": signup,
        "activity": activity,
        "url": urljoin(base_url, activity.get_url()),
        "calendar_url": urljoin(base_url, activity.calendar_url()),
        "cancel_url": urljoin(base_url, activity.cancel_url(signup)),
        "contacts": ContactPerson.objects.live().filter(show_in_footer=True),
        "retention_days": settings.SIGNUP_RETENTION_DAYS,
    }


# The e-mails about a sign-up, by the name the log gives them, and their templates.
MAIL_TEMPLATES = {
    "confirmation": "activities/signup_email.txt",
    "seat mail": "activities/seat_email.txt",
}


def send_mail_later(signup: SignUp, what: str, base_url: str | None = None) -> bool:
    """Queue the e-mail `what` ("confirmation" or "seat mail") to the person, sent once the
    transaction commits (mail/tasks.py); False when it is known now that it will not go out.
    Whatever happens to the mail undoes nothing and turns no page into an error page: it is
    logged, and the procesleder sees the sign-up in the admin."""
    return send_later(
        "activities.signups.compose_mail",
        [what, signup.pk, base_url],
        f"{what} of sign-up {signup.pk}",
    )


def compose_mail(what: str, signup_id: int, base_url: str | None) -> EmailMessage | None:
    """The e-mail as it goes out (composed then, not when it was queued); None when there is
    nothing to say any more: the sign-up was cancelled, deleted or purged meanwhile, or (a seat
    mail) is no longer confirmed."""
    signup = SignUp.objects.select_related("activity").filter(pk=signup_id).first()
    confirmed = signup is not None and signup.status == SignUp.Status.CONFIRMED
    if signup is None or (what == "seat mail" and not confirmed):
        return None
    title = signup.activity.title
    if what == "seat mail":
        subject = f"Du har fået en plads: {title}"
    else:
        subject = f"{'Tilmelding' if confirmed else 'Venteliste'}: {title}"
    # A header is one line (titles are kept to one line, this makes sure).
    return EmailMessage(
        " ".join(subject.split()),
        render_to_string(MAIL_TEMPLATES[what], mail_context(signup, base_url)),
        to=[signup.email],
    )


def connect_signals(activity_model) -> None:
    post_save.connect(signup_changed, sender=SignUp, dispatch_uid="activities-signup-saved")
    post_delete.connect(signup_changed, sender=SignUp, dispatch_uid="activities-signup-deleted")
    # Wagtail's signal, sent for publishing from the editor and for scheduled publishing alike.
    page_published.connect(
        seats_may_have_changed, sender=activity_model, dispatch_uid="activities-seats-published"
    )
