"""Files as editors' programs and cameras make them, and as someone disguises them; and the two
ways the admin takes a file (the form for one, and the multiple uploader)."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage
from PIL import ImageCms
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from tests.support.html import normalise, text_of

Image = get_image_model()
Document = get_document_model()

RED, BLUE = (220, 20, 20), (20, 20, 220)
SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
GPS_IFD, ORIENTATION, MAKE, MODEL = 0x8825, 0x0112, 0x010F, 0x0110


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
