import hashlib

from django.conf import settings
from django.db import models


def email_digest(email: str) -> str:
    """What the throttle stores instead of the address: the same for the same address typed in
    any case, and no e-mail address kept for requests that may name nobody's account."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


class PasswordResetRequest(models.Model):
    """One request for a password-reset e-mail, counted by the throttle (accounts.throttle) and
    deleted once it is older than the throttle's window."""

    ip_address = models.GenericIPAddressField("IP-adresse")
    email_digest = models.CharField("E-mail (SHA-256)", max_length=64)
    requested_at = models.DateTimeField("Tidspunkt", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "anmodning om ny adgangskode"
        verbose_name_plural = "anmodninger om ny adgangskode"
        indexes = [models.Index(fields=["ip_address", "email_digest"])]

    def __str__(self):
        return f"{self.ip_address} {self.requested_at:%d.%m.%Y %H:%M}"


class ProviderAccount(models.Model):
    """The link between an editor and their account at the municipality's sign-in provider
    (accounts.sso): the provider's subject, which stays the same when the person's name or
    e-mail address changes, so a sign-in always finds the same editor."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="provider_account",
        verbose_name="bruger",
    )
    issuer = models.CharField("Udsteder", max_length=255)
    subject = models.CharField("Id hos udstederen", max_length=255)
    linked_at = models.DateTimeField("Forbundet", auto_now_add=True)
    last_sign_in = models.DateTimeField("Seneste login", null=True, blank=True)

    class Meta:
        verbose_name = "konto hos kommunens login"
        verbose_name_plural = "konti hos kommunens login"
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="one_user_per_subject")
        ]

    def __str__(self):
        return f"{self.user} ({self.subject})"
