"""Images as an editor uploads them."""

import io

from django.core.files.images import ImageFile


def make_image(title="Temadag i Haslev", size=(1600, 900)):
    """A JPEG of one colour, uploaded to the image library."""
    from PIL import Image as PILImage
    from wagtail.images import get_image_model

    buffer = io.BytesIO()
    PILImage.new("RGB", size, (11, 85, 99)).save(buffer, "JPEG")
    return get_image_model().objects.create(title=title, file=ImageFile(buffer, name="temadag.jpg"))
