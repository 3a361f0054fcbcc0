import os
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Create an administrator when the site has none: user ADMIN_USER (default 'admin'), "
        "password ADMIN_PASSWORD, else (not in production) a generated one that is printed once."
    )

    def handle(self, *args, **options):
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            self.stdout.write("An administrator exists; nothing changed.")
            return
        username = os.environ.get("ADMIN_USER") or "admin"
        password = os.environ.get("ADMIN_PASSWORD")
        generated = not password
        if generated:
            if not settings.ENSURE_ADMIN_MAY_GENERATE_PASSWORD:
                # A password printed to a deploy log is a password for whoever reads the log.
                raise CommandError(
                    "No administrator was created: these settings do not allow a generated "
                    "password. Set ADMIN_PASSWORD (and ADMIN_USER), or run "
                    "`manage.py createsuperuser` and type one."
                )
            password = secrets.token_urlsafe(12)
        try:
            validate_password(password, User(username=username))
        except ValidationError as error:
            raise CommandError("ADMIN_PASSWORD is too weak: " + " ".join(error.messages)) from None
        User.objects.create_superuser(username=username, email="", password=password)
        self.stdout.write(self.style.SUCCESS(f"Administrator created: {username}"))
        if generated:
            self.stdout.write(
                f"Password (shown only this once, change it under Konto in the admin): {password}"
            )
