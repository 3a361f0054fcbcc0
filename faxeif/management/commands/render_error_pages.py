from pathlib import Path

from django.core.management.base import BaseCommand

from faxeif.views import unavailable_html


class Command(BaseCommand):
    help = (
        "Write the branded 503 page (templates/503.html, as the site answers a database outage) "
        "as a static file into FOLDER, for the front server to show when Varnish, every app "
        "server or the S3 bucket cannot answer (deploy/nginx/faxeif.conf). Run it at every "
        "deploy, after collectstatic: the page links the static files by their hashed names."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)

    def handle(self, *args, folder: Path, **options):
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "503.html").write_text(unavailable_html())
        self.stdout.write(f"Wrote {folder / '503.html'}")
