"""Uploaded images without their metadata.

Photos carry the camera's metadata, often with the place it was taken (EXIF GPS), which the
originals (/media/original_images/) and every rendition would hand to visitors: Wagtail's
renditions copy EXIF from the original. strip_image_metadata() removes it when a file is saved
(connected in UploadsConfig.ready()).
"""

import io
import os

from django.core.files.base import ContentFile
from django.db.models.signals import pre_save
from PIL import Image as PILImage
from PIL import ImageOps, ImageSequence
from wagtail.images import get_image_model

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
