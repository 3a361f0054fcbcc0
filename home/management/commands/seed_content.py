from django.core.management.base import BaseCommand

from home.seed import build_site


class Command(BaseCommand):
    help = (
        "Build the site's starting content (the Baggrund page, the phases, the contact page and "
        "the contact snippets) when the site has none. Safe to run again: it changes nothing on "
        "a site that has content."
    )

    def handle(self, *args, **options):
        if build_site():
            self.stdout.write(self.style.SUCCESS("Seed content published."))
        else:
            self.stdout.write("The site already has content; nothing changed.")
