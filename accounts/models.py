import hashlib

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
