"""What editors may upload, and what visitors can download of it.

Wagtail's own checks do most of it (settings in faxeif/settings/base.py): image types, size and
pixel count (WagtailImageField opens every image and refuses one whose content is not the format
its extension says), document extensions and size. Two things Wagtail leaves to the site:

- A document's content is never looked at, so an HTML page or a program renamed .pdf would be
  served from our domain. DocumentForm (WAGTAILDOCS_DOCUMENT_FORM_BASE) checks that the content
  is the kind of file its extension says. It is the form behind the single upload, the multiple
  uploader and replacing a document's file, so all three apply it.
- Photos carry the camera's metadata, often with the place it was taken (EXIF GPS), which the
  originals (/media/original_images/) and every rendition would hand to visitors: Wagtail's
  renditions copy EXIF from the original. strip_image_metadata() removes it when a file is saved.
"""

import io
import os
import re
import zipfile

from django import forms
from django.conf import settings
from django.core.files.base import ContentFile
from django.db.models.signals import pre_save
from PIL import Image as PILImage
from PIL import ImageOps, ImageSequence
from wagtail.documents.forms import BaseDocumentForm
from wagtail.images import get_image_model

# Documents

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


# Images

# What a re-encoded image keeps of the original's info: how it looks and moves, nothing about
# where, when or with what it was taken.
KEPT_INFO = ("icc_profile", "transparency", "duration", "loop", "background", "dpi")
METADATA_INFO = ("exif", "xmp", "XML:com.adobe.xmp", "photoshop", "iptc", "comment")
# JPEG segments that only describe the picture's colours (JFIF, ICC profile, Adobe's colour
# transform); every other APPn segment and comments are metadata (EXIF, XMP, IPTC, makers' own).
JPEG_KEPT_SEGMENTS = ("APP0", "APP2", "APP14")
# Close to the camera's own quality: a re-encoded photo shows no loss. Used only for a photo
# that carries metadata, which is the only time an image is re-encoded.
QUALITY = 95


def _carries_metadata(image: PILImage.Image) -> bool:
    if any(key in image.info for key in METADATA_INFO):
        return True
    if image.format in ("JPEG", "MPO"):
        return any(marker not in JPEG_KEPT_SEGMENTS for marker, _ in image.applist)
    if image.format == "PNG":
        image.load()  # text chunks after the pixels are read with them
        return bool(image.text)
    return False


def _clean_frames(image: PILImage.Image) -> list[PILImage.Image]:
    """The frames upright (the EXIF orientation applied, since the tag that says how to turn
    the picture goes with the rest), with nothing but KEPT_INFO. A JPEG's further frames (an MPO
    file's depth map or preview, with metadata of their own) are dropped."""
    frames = [image] if image.format in ("JPEG", "MPO") else ImageSequence.Iterator(image)
    cleaned = []
    for frame in frames:
        upright = ImageOps.exif_transpose(frame)
        upright.info = {key: frame.info[key] for key in KEPT_INFO if key in frame.info}
        cleaned.append(upright)
    return cleaned


def strip_image_metadata(data: bytes) -> bytes | None:
    """The image without its metadata, or None when it has none (then it is kept as it is,
    byte for byte) or is not one Pillow reads."""
    try:
        image = PILImage.open(io.BytesIO(data))
        if not _carries_metadata(image):
            return None
        image_format = "JPEG" if image.format == "MPO" else image.format
        frames = _clean_frames(image)
    except (OSError, ValueError, SyntaxError):
        return None
    output = io.BytesIO()
    frames[0].save(
        output,
        format=image_format,
        save_all=len(frames) > 1,
        append_images=frames[1:],
        quality=QUALITY,
        icc_profile=frames[0].info.get("icc_profile"),
    )
    return output.getvalue()


def _has_new_file(image, update_fields) -> bool:
    if not image.file or (update_fields is not None and "file" not in update_fields):
        return False
    if not image.file._committed:
        return True
    # Already in storage: the multiple uploader's second step saves the file before the image.
    stored = type(image).objects.filter(pk=image.pk).values_list("file", flat=True).first()
    return stored != image.file.name


def strip_metadata_on_save(sender, instance, update_fields=None, **kwargs):
    """Every way a new image file reaches storage (the upload form, the multiple uploader and
    its second step, replacing an image's file, code) saves the image model, so this one
    pre_save hook covers them all; a form base (WAGTAILIMAGES_IMAGE_FORM_BASE) would miss the
    uploader's second step, and a custom image model would mean a migration of every image
    reference for one function."""
    if _has_new_file(instance, update_fields):
        store_without_metadata(instance)


def store_without_metadata(image) -> bool:
    """Put the image's file without its metadata in its place (not saving the image itself);
    False when it had none."""
    with image.open_file() as file:
        clean = strip_image_metadata(file.read())
    if clean is None:
        return False
    replaced = image.file.name if image.file._committed else None
    # Saving through the field sets width and height anew (a turned photo swaps them).
    name = os.path.basename(image.file.name)
    image.file.save(name, ContentFile(clean, name=name), save=False)
    if replaced:
        image.file.storage.delete(replaced)
    image._set_image_file_metadata()  # size and hash of what is stored now
    return True


def connect_metadata_stripping():
    pre_save.connect(strip_metadata_on_save, sender=get_image_model(), dispatch_uid="strip_exif")
