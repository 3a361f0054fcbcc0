"""The sign-ups visitors make on an activity's sign-up address: the model, how long it is kept,
and the page cache key of the seats it leaves. Below the activity pages and the sign-up form,
which both use it; it imports neither."""

import datetime

from django.conf import settings
from django.core import signing
from django.db import models
from django.db.models.functions import Lower
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

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
        showing who signed up, and says whether the confirmation went out."""
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


def signups_key(activity_pk) -> str:
    """Page cache key for what shows an activity's sign-ups (the seats left)."""
    return f"signups:{activity_pk}"


def signup_changed(sender, instance, **kwargs):
    # The activity page shows the seats left: renewed by the precise key it depends on, which
    # leaves cached the pages that merely show the activity (the index, the home page, stories).
    invalidate(signups_key(instance.activity_id))


def connect_invalidation() -> None:
    post_save.connect(signup_changed, sender=SignUp, dispatch_uid="activities-signup-saved")
    post_delete.connect(signup_changed, sender=SignUp, dispatch_uid="activities-signup-deleted")
