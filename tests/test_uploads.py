"""Uploads: which images and documents the Procesleder may upload (through the single upload form
and the multiple uploader alike), with Danish refusals for the rest (what visitors get of an
image's metadata: tests/test_image_metadata.py)."""

import pytest
from django.urls import reverse
from wagtail.models import UploadedFile

from tests.support.html import text_of
from tests.support.uploads import (
    DANISH_KIND,
    DISGUISED_DOCUMENTS,
    REAL_DOCUMENTS,
    UPLOADERS,
    Document,
    Image,
    image_bytes,
)

# Which files are accepted does not depend on the database: the SQLite pass only.
pytestmark = pytest.mark.sqlite_only

# Documents


@pytest.mark.django_db
@pytest.mark.parametrize("add", UPLOADERS)
@pytest.mark.parametrize("name", REAL_DOCUMENTS)
def test_the_document_types_editors_need_are_accepted(procesleder_client, add, name):
    accepted, error = add(procesleder_client, "docs", name, REAL_DOCUMENTS[name])
    assert accepted, error
    document = Document.objects.get()
    assert document.file.read() == REAL_DOCUMENTS[name]


@pytest.mark.django_db
@pytest.mark.parametrize("add", UPLOADERS)
@pytest.mark.parametrize("name", DISGUISED_DOCUMENTS)
def test_a_disguised_document_is_refused_in_danish(procesleder_client, add, name):
    accepted, error = add(procesleder_client, "docs", name, DISGUISED_DOCUMENTS[name])
    extension = name.rsplit(".", 1)[1]
    assert not accepted
    assert (
        f"Filen er ikke et rigtigt {DANISH_KIND[extension]}: indholdet passer ikke til "
        f"filendelsen .{extension}."
    ) in error
    assert "Filendelse" not in error  # only the reason, no bogus extension error beside it
    assert not Document.objects.exists() and not UploadedFile.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("add", UPLOADERS)
@pytest.mark.parametrize("name", ["side.html", "program.exe", "tegning.svg", "gammel.doc"])
def test_other_document_types_are_refused_in_danish(procesleder_client, add, name):
    accepted, error = add(procesleder_client, "docs", name, b"<html></html>")
    assert not accepted
    extension = name.rsplit(".", 1)[1]
    assert f"Filendelse “{extension}” er ikke tilladt" in error
    assert "Tilladte filendelser er: pdf, docx, xlsx, pptx, odt." in error
    assert not Document.objects.exists() and not UploadedFile.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("add", UPLOADERS)
def test_an_oversized_document_is_refused_in_danish(procesleder_client, add, settings):
    settings.WAGTAILDOCS_MAX_UPLOAD_SIZE = 1024
    content = REAL_DOCUMENTS["referat.pdf"] + bytes(2048)
    accepted, error = add(procesleder_client, "docs", "stor.pdf", content)
    assert not accepted
    assert "Filen er for stor (2,0 KB). Maksimal filstørrelse 1,0 KB." in error
    assert "Filendelse" not in error
    assert not Document.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("view", ["wagtaildocs:add", "wagtaildocs:add_multiple"])
def test_the_upload_forms_tell_which_documents_are_allowed(procesleder_client, view):
    page = text_of(procesleder_client.get(reverse(view)), "main")
    assert "Maksimal filstørrelse: 20,0 MB. Tilladte filtyper: PDF, DOCX, XLSX, PPTX, ODT." in page


# Images


@pytest.mark.django_db
@pytest.mark.parametrize("add", UPLOADERS)
@pytest.mark.parametrize("fmt, extension", [("PNG", "png"), ("GIF", "gif"), ("WEBP", "webp")])
def test_raster_images_are_accepted(procesleder_client, add, fmt, extension):
    accepted, error = add(procesleder_client, "images", f"foto.{extension}", image_bytes(fmt))
    assert accepted, error
    assert Image.objects.get().width == 40


DISGUISED_IMAGES = {
    "text-as-jpeg.jpg": (
        b"Det her er bare tekst.\n",
        "Indsend en billedfil. Filen, du indsendte, var enten ikke et billede eller en defekt "
        "billedfil.",
    ),
    "svg-as-png.png": (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        b"<script>alert(1)</script></svg>",
        "Ikke et gyldigt .png-billede. Filtypenavnet svarer ikke til filformatet (svg)",
    ),
    "png-as-jpeg.jpg": (
        image_bytes("PNG"),
        "Ikke et gyldigt .jpeg-billede. Filtypenavnet svarer ikke til filformatet (png)",
    ),
    "tegning.svg": (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>',
        "Ikke et understøttet billedformat. Understøttede formater: "
        "AVIF, GIF, JPG, JPEG, PNG, WEBP.",
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("add", UPLOADERS)
@pytest.mark.parametrize("name", DISGUISED_IMAGES)
def test_a_disguised_or_vector_image_is_refused_in_danish(procesleder_client, add, name):
    content, message = DISGUISED_IMAGES[name]
    accepted, error = add(procesleder_client, "images", name, content)
    assert not accepted
    assert message in error
    assert not Image.objects.exists() and not UploadedFile.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("add", UPLOADERS)
def test_an_image_over_10_mb_is_refused_in_danish(procesleder_client, add):
    # A real JPEG that the camera padded to just over 10 MB.
    content = image_bytes() + bytes(10 * 1024 * 1024)
    accepted, error = add(procesleder_client, "images", "stort.jpg", content)
    assert not accepted
    assert "Filen er for stor (10,0 MB). Maksimal filstørrelse 10,0 MB." in error
    assert not Image.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("add", UPLOADERS)
def test_an_image_over_40_megapixels_is_refused_in_danish(procesleder_client, add):
    # 8000 x 5001: a few kilobytes on disk, 40,008,000 pixels to decode.
    content = image_bytes("PNG", size=(8000, 5001))
    accepted, error = add(procesleder_client, "images", "kort.png", content)
    assert not accepted
    assert "Filen har for mange pixels (40008000). Maksimalt antal pixels 40000000." in error
    assert not Image.objects.exists()
