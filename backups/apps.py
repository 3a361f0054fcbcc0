from django.apps import AppConfig


class BackupsConfig(AppConfig):
    """The backup archive and its restore (backups/archive.py), as manage.py commands."""

    name = "backups"
    verbose_name = "Sikkerhedskopier"
