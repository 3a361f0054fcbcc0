"""What editors may upload as documents.

Wagtail's own checks do most of what uploads need (settings in faxeif/settings/base.py): image
types, size and pixel count (WagtailImageField opens every image and refuses one whose content is
not the format its extension says), document extensions and size. A document's content, though,
is never looked at, so an HTML page or a program renamed .pdf would be served from our domain.
DocumentForm (WAGTAILDOCS_DOCUMENT_FORM_BASE) checks that the content is the kind of file its
extension says. It is the form behind the single upload, the multiple uploader and replacing a
document's file, so all three apply it. (Images: uploads/images.py.)
"""

import os
import re
import zipfile

from django import forms
from django.conf import settings
from wagtail.documents.forms import BaseDocumentForm

OOXML_MAIN_PARTS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
}
ODF_MIMETYPES = {"odt": b"application/vnd.oasis.opendocument.text"}
KIND_NAMES = {
    "pdf": "PDF-fil",
    "docx": "Word-dokument (.docx)",
    "xlsx": "Excel-regneark (.xlsx)",
    "pptx": "PowerPoint-præsentation (.pptx)",
    "odt": "OpenDocument-tekst (.odt)",
}
# The parts read to recognise a file are small; a bigger one is not what it claims to be (and
# reading it could unpack a zip bomb).
MAX_PART_SIZE = 1024 * 1024

DISGUISED = (
    "Filen er ikke et rigtigt %(kind)s: indholdet passer ikke til filendelsen .%(extension)s. "
    "Gem dokumentet igen fra det program, det er lavet i, og upload det på ny."
)


def _is_pdf(file) -> bool:
    return file.read(5) == b"%PDF-"


def _read_part(archive: zipfile.ZipFile, name: str) -> bytes:
    info = archive.getinfo(name)
    if info.file_size > MAX_PART_SIZE:
        raise ValueError(f"{name} is too big to be what it claims")
    return archive.read(info)


def _is_ooxml(file, main_content_type: str) -> bool:
    """An Office Open XML file is a zip whose [Content_Types].xml declares the main part of its
    kind (a macro-enabled .docm renamed .docx declares another), and holds that part."""
    with zipfile.ZipFile(file) as archive:
        content_types = _read_part(archive, "[Content_Types].xml").decode("utf-8")
        for tag in re.findall(r"<Override\b[^>]*>", content_types):
            attributes = dict(re.findall(r'(\w+)\s*=\s*"([^"]*)"', tag))
            if attributes.get("ContentType") == main_content_type:
                return attributes.get("PartName", "").lstrip("/") in archive.namelist()
    return False


def _is_odf(file, mimetype: bytes) -> bool:
    """An OpenDocument file is a zip whose first entry, `mimetype`, names its kind."""
    with zipfile.ZipFile(file) as archive:
        first = archive.infolist()[0]
        return first.filename == "mimetype" and _read_part(archive, "mimetype") == mimetype


def content_matches_extension(file, extension: str) -> bool:
    """Whether the file's content is the kind of document its extension says. Extensions this
    does not know are left to Wagtail's WAGTAILDOCS_EXTENSIONS check."""
    file.seek(0)
    try:
        if extension == "pdf":
            return _is_pdf(file)
        if extension in OOXML_MAIN_PARTS:
            return _is_ooxml(file, OOXML_MAIN_PARTS[extension])
        if extension in ODF_MIMETYPES:
            return _is_odf(file, ODF_MIMETYPES[extension])
        return True
    # A file that cannot be read as its kind (not a zip, a broken or encrypted one, a part
    # missing, text that is not UTF-8) is not that kind, whatever went wrong inside.
    except Exception:
        return False
    finally:
        file.seek(0)


class DocumentForm(BaseDocumentForm):
    """Wagtail's document form, which also refuses a file whose content is not what its
    extension says. The error sits on the file field, so the multiple uploader refuses the
    file at once instead of keeping it for a second step."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "file" in self.fields:
            allowed = ", ".join(settings.WAGTAILDOCS_EXTENSIONS).upper()
            self.fields["file"].help_text += f" Tilladte filtyper: {allowed}."

    def clean_file(self):
        file = self.cleaned_data.get("file")
        if file and "file" in self.changed_data:
            extension = os.path.splitext(file.name)[1].lower().lstrip(".")
            if not content_matches_extension(file, extension):
                raise forms.ValidationError(
                    DISGUISED,
                    code="disguised_file",
                    params={"kind": KIND_NAMES[extension], "extension": extension},
                )
        return file

    def _post_clean(self):
        """Wagtail's Document.clean() checks the extension of the document's file even when the
        upload was refused already, and then finds none: its "Filendelse “” er ikke tilladt"
        beside the real reason would only confuse. Keep the file's first errors alone."""
        refused = len(self.errors.get("file", []))
        super()._post_clean()
        if refused:
            del self.errors["file"][refused:]
