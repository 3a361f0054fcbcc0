from django.apps import AppConfig


class TrashConfig(AppConfig):
    """The Papirkurv: pages deleted in the admin wait here to be restored, and are deleted for
    good after settings.TRASH_RETENTION_DAYS (trash/operations.py says how)."""

    name = "trash"
    verbose_name = "Papirkurv"
