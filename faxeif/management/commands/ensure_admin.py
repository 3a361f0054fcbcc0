import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Create an administrator when the site has none: user ADMIN_USER (default 'admin'), "
        "password ADMIN_PASSWORD, else a generated one that is printed once."
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
            password = secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, email="", password=password)
        self.stdout.write(self.style.SUCCESS(f"Administrator created: {username}"))
        if generated:
            self.stdout.write(
                f"Password (shown only this once, change it under Konto in the admin): {password}"
            )
