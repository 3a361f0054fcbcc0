"""manage.py backup and restore: a backup restored into a new empty database and media folder
brings back the same site: page tree, revisions, images and documents, byte for byte."""

import hashlib
import json
import subprocess
import sys
import tarfile

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, Revision

from tests.support.databases import on_postgres, site_database
from tests.support.images import make_image
from tests.support.processes import BASE_DIR, site_env

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def checksum(field) -> str:
    with field.open("rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def snapshot() -> dict:
    """What a restore must bring back, in a form that compares across databases."""
    return {
        "pages": [
            [page.path, page.url_path, page.title, page.live, page.specific_class.__name__]
            for page in Page.objects.order_by("path")
        ],
        "revisions": [
            [str(r.object_id), r.base_content_type.model, json.dumps(r.content, sort_keys=True)]
            for r in Revision.objects.order_by("pk")
        ],
        "images": [
            [i.title, i.file.name, i.width, i.height, checksum(i.file)]
            for i in get_image_model().objects.order_by("pk")
        ],
        "documents": [
            [d.title, d.file.name, checksum(d.file)]
            for d in get_document_model().objects.order_by("pk")
        ],
    }


def print_restored_snapshot() -> None:
    """Run in the restored site: its snapshot, and whether its images render again (the
    backup leaves renditions out)."""
    renditions = [
        image.get_rendition("width-200").file.storage.exists(
            image.get_rendition("width-200").file.name
        )
        for image in get_image_model().objects.all()
    ]
    print(json.dumps({**snapshot(), "renditions_render": renditions}))


def build_content(seeded) -> None:
    """The seeded site plus an image, a document, revisions published and a draft."""
    image = make_image()
    image.get_rendition("width-200")  # a rendition the backup leaves out
    get_document_model().objects.create(
        title="Referat af temadagen", file=ContentFile(PDF, name="referat.pdf")
    )
    baggrund = seeded["baggrund"]
    for text in ("Første udgivne ændring.", "Anden udgivne ændring."):
        baggrund.introduction = text
        baggrund.save_revision().publish()
    baggrund.introduction = "En kladde, som ikke er udgivet."
    baggrund.save_revision()
    draft = seeded["faser"].add_child(
        instance=type(seeded["baggrund"])(title="Kommende fase", slug="kommende", live=False)
    )
    draft.save_revision()


@pytest.fixture
def empty_database(tmp_path):
    """A new empty database for the restore (see site_database)."""
    with site_database(tmp_path) as url:
        yield url


def manage(env, *args) -> subprocess.CompletedProcess:
    """manage.py in the restored site's environment; a refusal is a result, not an error."""
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )


# Committed, so that pg_dump's own connection sees it; the rows of the data migrations (groups,
# the root page) are put back afterwards for the tests that follow.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_backup_restores_into_an_empty_database_and_media_folder(seeded, tmp_path, empty_database):
    build_content(seeded)
    before = snapshot()
    assert len(before["revisions"]) >= 3 and before["images"] and before["documents"]

    call_command("backup", output=tmp_path / "backups", stdout=open("/dev/null", "w"))
    [archive] = (tmp_path / "backups").glob("faxeif-backup-*.tar.gz")
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest["format"] == 1
    assert manifest["vendor"] == ("postgresql" if on_postgres() else "sqlite")
    assert manifest["counts"]["revisions"] == len(before["revisions"])
    assert ("database.dump" if on_postgres() else "database.sqlite3") in names
    assert not [name for name in names if name.startswith("media/images/")]  # no renditions

    env = site_env(tmp_path / "restored", empty_database)
    restored = manage(env, "restore", str(archive))
    assert restored.returncode == 0, restored.stderr
    assert "Restored the backup" in restored.stdout

    shown = manage(
        env, "shell", "-c", "from tests.test_backup import print_restored_snapshot as p; p()"
    )
    assert shown.returncode == 0, shown.stderr
    after = json.loads(shown.stdout.strip().splitlines()[-1])
    assert after.pop("renditions_render") == [True]
    assert after == json.loads(json.dumps(before))

    # Never over existing content: a second restore into the same database is refused.
    again = manage(env, "restore", str(archive))
    assert again.returncode != 0
    assert "is not empty" in again.stderr
    assert "Traceback" not in again.stderr
