"""Images keep no metadata that visitors could read (location, camera, text chunks), come out
upright, and are stored as uploaded when they carry none."""

import hashlib
import io
import os

import pytest
from django.core.management import call_command
from django.urls import reverse
from PIL import Image as PILImage
from PIL import PngImagePlugin

from tests.support.uploads import (
    BLUE,
    RED,
    SRGB,
    UPLOADERS,
    Image,
    add_one,
    camera_exif,
    image_bytes,
    upload,
)

# What an image file keeps does not depend on the database: the SQLite pass only.
pytestmark = pytest.mark.sqlite_only

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
