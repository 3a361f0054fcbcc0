"""Uploads: what the Procesleder may upload as images and documents (through the single upload
form and the multiple uploader alike), and what visitors can download of it."""

import hashlib
import io
import os
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from PIL import Image as PILImage
from PIL import ImageCms, PngImagePlugin
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import UploadedFile

from tests.support.html import normalise, text_of

Image = get_image_model()
Document = get_document_model()

RED, BLUE = (220, 20, 20), (20, 20, 220)
SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
GPS_IFD, ORIENTATION, MAKE, MODEL = 0x8825, 0x0112, 0x010F, 0x0110


# Files as editors' programs and cameras make them, and as someone disguises them.


def image_bytes(fmt="JPEG", size=(40, 20), **options) -> bytes:
    """Left half red, right half blue: a turned picture shows where its left side went."""
    picture = PILImage.new("RGB", size, RED)
    picture.paste(BLUE, (size[0] // 2, 0, size[0], size[1]))
    buffer = io.BytesIO()
    picture.save(buffer, fmt, **options)
    return buffer.getvalue()


def camera_exif(orientation=6) -> bytes:
    """What a phone writes: its make and model, where the photo was taken, how to turn it."""
    exif = PILImage.Exif()
    exif[MAKE], exif[MODEL], exif[ORIENTATION] = "Fairphone", "FP5", orientation
    gps = exif.get_ifd(GPS_IFD)
    gps.update({1: "N", 2: (55.0, 15.0, 36.0), 3: "E", 4: (12.0, 7.0, 12.0)})
    return exif.tobytes()


def zip_bytes(entries: dict[str, bytes], stored_first=False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            method = zipfile.ZIP_STORED if stored_first and name == "mimetype" else None
            archive.writestr(name, content, compress_type=method)
    return buffer.getvalue()


def ooxml_types(main_part: str, content_type: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org'
        '/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/{main_part}" ContentType="{content_type}"/></Types>'
    ).encode()


def ooxml(main_part: str, content_type: str) -> bytes:
    """The parts by which Word, Excel and PowerPoint files are known (real ones hold more)."""
    types = ooxml_types(main_part, content_type)
    return zip_bytes({"[Content_Types].xml": types, main_part: b"<x/>"})


WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
EXCEL = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
POWERPOINT = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
WORD_WITH_MACROS = "application/vnd.ms-word.document.macroEnabled.main+xml"
ODT = b"application/vnd.oasis.opendocument.text"

REAL_DOCUMENTS = {
    "referat.pdf": b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n",
    "referat.docx": ooxml("word/document.xml", WORD),
    "deltagere.xlsx": ooxml("xl/workbook.xml", EXCEL),
    "oplaeg.pptx": ooxml("ppt/presentation.xml", POWERPOINT),
    "referat.odt": zip_bytes({"mimetype": ODT, "content.xml": b"<x/>"}, stored_first=True),
}
DISGUISED_DOCUMENTS = {
    "html-as-pdf.pdf": b"<!DOCTYPE html><script>alert(document.cookie)</script>",
    "program-as-word.docx": b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(200),
    "word-with-macros.docx": ooxml("word/document.xml", WORD_WITH_MACROS),
    "word-as-powerpoint.pptx": ooxml("word/document.xml", WORD),
    "declared-but-missing.xlsx": zip_bytes(
        {"[Content_Types].xml": ooxml_types("xl/workbook.xml", EXCEL), "xl/other.xml": b"<x/>"}
    ),
    "zip-as-word.docx": zip_bytes({"readme.txt": b"hello"}),
    "text-as-odt.odt": b"application/vnd.oasis.opendocument.text",
    "spreadsheet-as-odt.odt": zip_bytes(
        {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}, stored_first=True
    ),
}
DANISH_KIND = {
    "pdf": "PDF-fil",
    "docx": "Word-dokument (.docx)",
    "xlsx": "Excel-regneark (.xlsx)",
    "pptx": "PowerPoint-præsentation (.pptx)",
    "odt": "OpenDocument-tekst (.odt)",
}


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


# The two ways the admin takes a file: the form for one, and the multiple uploader (which
# answers each file with JSON).


def add_one(client, kind: str, name: str, content: bytes) -> tuple[bool, str]:
    response = client.post(
        reverse(f"wagtail{kind}:add"), {"title": "Fra procesleder", "file": upload(name, content)}
    )
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        return True, ""
    return False, text_of(response, "form")


def add_multiple(client, kind: str, name: str, content: bytes) -> tuple[bool, str]:
    response = client.post(
        reverse(f"wagtail{kind}:add_multiple"),
        {"files[]": upload(name, content)},
        headers={"x-requested-with": "XMLHttpRequest"},
    )
    assert response.status_code == 200
    answer = response.json()
    return answer["success"], normalise(answer.get("error_message", ""))


UPLOADERS = [pytest.param(add_one, id="single"), pytest.param(add_multiple, id="multiple")]


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


# Metadata


def stored(image) -> PILImage.Image:
    with image.open_file() as file:
        picture = PILImage.open(io.BytesIO(file.read()))
        picture.load()
    return picture


def assert_no_metadata(picture: PILImage.Image, raw: bytes):
    assert not picture.getexif(), "EXIF left in the file"
    assert b"Exif" not in raw and b"Fairphone" not in raw and b"FP5" not in raw
    assert b"xmpmeta" not in raw and b"Haslev" not in raw
    assert not any(key in picture.info for key in ("exif", "xmp", "comment", "photoshop"))


def assert_upright(picture: PILImage.Image):
    """The 40 x 20 photo, taken with the phone turned (orientation 6), stands 20 x 40 with its
    left (red) half at the top."""
    assert picture.size == (20, 40)
    rgb = picture.convert("RGB")
    assert all(abs(a - b) < 40 for a, b in zip(rgb.getpixel((10, 5)), RED, strict=True))
    assert all(abs(a - b) < 40 for a, b in zip(rgb.getpixel((10, 35)), BLUE, strict=True))


XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-'
    b'syntax-ns#"><rdf:Description photoshop:City="Haslev"/></rdf:RDF></x:xmpmeta>'
)


@pytest.mark.django_db
@pytest.mark.parametrize("add", UPLOADERS)
def test_location_and_camera_metadata_never_reach_visitors(client, procesleder_client, add):
    photo = image_bytes("JPEG", exif=camera_exif(), icc_profile=SRGB, xmp=XMP, quality=95)
    assert b"Fairphone" in photo and b"Haslev" in photo  # what the phone wrote

    accepted, error = add(procesleder_client, "images", "temadag.jpg", photo)
    assert accepted, error
    image = Image.objects.get()

    # The original, as visitors download it from /media/original_images/.
    original = client.get(image.file.url)
    assert original.status_code == 200 and image.file.name.startswith("original_images/")
    raw = b"".join(original.streaming_content)
    picture = PILImage.open(io.BytesIO(raw))
    assert_no_metadata(picture, raw)
    assert_upright(picture)
    assert picture.info.get("icc_profile") == SRGB, "the colour profile is kept"
    assert (image.width, image.height) == (20, 40)
    assert image.file_size == len(raw) and image.file_hash == hashlib.sha1(raw).hexdigest()

    # A rendition, as pages show it.
    rendition = image.get_rendition("width-10")
    rendition_raw = client.get(rendition.url)
    raw = b"".join(rendition_raw.streaming_content)
    picture = PILImage.open(io.BytesIO(raw))
    assert_no_metadata(picture, raw)
    assert picture.size == (10, 20)


@pytest.mark.django_db
def test_png_text_chunks_and_exif_are_removed(procesleder_client):
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "Taget i Haslev")
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    png = image_bytes("PNG", exif=camera_exif(), pnginfo=info, icc_profile=SRGB)

    accepted, error = add_one(procesleder_client, "images", "skaermbillede.png", png)
    assert accepted, error
    with Image.objects.get().open_file() as file:
        raw = file.read()
    picture = PILImage.open(io.BytesIO(raw))
    picture.load()
    assert not picture.text and picture.format == "PNG"
    assert_no_metadata(picture, raw)
    assert_upright(picture)
    assert picture.info.get("icc_profile") == SRGB


@pytest.mark.django_db
def test_an_image_without_metadata_is_stored_as_uploaded(procesleder_client):
    """Only a file that carries metadata is re-encoded: the rest keep their exact bytes."""
    photo = image_bytes("JPEG", icc_profile=SRGB, quality=80)
    accepted, error = add_one(procesleder_client, "images", "rent.jpg", photo)
    assert accepted, error
    with Image.objects.get().open_file() as file:
        assert file.read() == photo


@pytest.mark.django_db
def test_replacing_an_image_file_strips_the_new_one(procesleder_client, image):
    photo = image_bytes("JPEG", exif=camera_exif())
    response = procesleder_client.post(
        reverse("wagtailimages:edit", args=[image.pk]),
        {"title": image.title, "file": upload("nyt.jpg", photo)},
    )
    assert response.status_code == 302
    image.refresh_from_db()
    picture = stored(image)
    with image.open_file() as file:
        assert_no_metadata(picture, file.read())
    assert_upright(picture)


@pytest.mark.django_db
def test_the_multiple_uploaders_second_step_strips_too(procesleder_client, procesleder):
    """When a field other than the file fails (here: a title too long), the multiple uploader
    keeps the file aside and creates the image in a second step, outside the upload form."""
    photo = image_bytes("JPEG", exif=camera_exif())
    response = procesleder_client.post(
        reverse("wagtailimages:add_multiple"),
        {"files[]": upload("temadag.jpg", photo), "title": "x" * 300},
        headers={"x-requested-with": "XMLHttpRequest"},
    )
    upload_id = response.json()["uploaded_file_id"]
    response = procesleder_client.post(
        reverse("wagtailimages:create_multiple_from_uploaded_image", args=[upload_id]),
        {f"uploaded-image-{upload_id}-title": "Temadag"},
        headers={"x-requested-with": "XMLHttpRequest"},
    )
    assert response.json()["success"], response.json()
    image = Image.objects.get()
    picture = stored(image)
    with image.open_file() as file:
        assert_no_metadata(picture, file.read())
    assert_upright(picture)
    # The file as first stored (with its metadata) is gone from the originals' folder.
    folder = image.file.storage.path("original_images")
    assert os.listdir(folder) == [os.path.basename(image.file.name)]


@pytest.mark.django_db
def test_images_uploaded_before_can_be_cleaned_by_a_command(client, image):
    """An image stored before metadata was removed at upload: its file and a rendition carry
    the phone's EXIF. manage.py strip_image_metadata cleans both."""
    photo = image_bytes("JPEG", exif=camera_exif())
    with open(image.file.path, "wb") as file:
        file.write(photo)
    image.width, image.height, image.focal_point_x = 40, 20, 30
    image.save(update_fields=["width", "height", "focal_point_x"])
    old = image.get_rendition("width-10")
    with old.file.open() as file:
        assert b"Fairphone" in file.read()

    out = io.StringIO()
    call_command("strip_image_metadata", stdout=out)
    assert out.getvalue() == "Metadata removed from 1 image(s).\n"

    image.refresh_from_db()
    raw = b"".join(client.get(image.file.url).streaming_content)
    picture = PILImage.open(io.BytesIO(raw))
    assert_no_metadata(picture, raw)
    assert_upright(picture)
    assert (image.width, image.height, image.focal_point_x) == (20, 40, None)
    assert image.file_size == len(raw) and image.file_hash == hashlib.sha1(raw).hexdigest()
    assert not image.renditions.filter(pk=old.pk).exists()
    rendition = image.get_rendition("width-10")
    raw = b"".join(client.get(rendition.url).streaming_content)
    assert_no_metadata(PILImage.open(io.BytesIO(raw)), raw)

    call_command("strip_image_metadata", stdout=out)
    assert out.getvalue().endswith("Metadata removed from 0 image(s).\n")
