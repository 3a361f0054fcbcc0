from django.core.management.base import BaseCommand
from wagtail.images import get_image_model

from uploads.images import store_without_metadata


class Command(BaseCommand):
    help = (
        "Remove location and camera metadata from images uploaded before the site removed it "
        "at upload, and their renditions (made again on the next view). Safe to run again."
    )

    def handle(self, *args, **options):
        cleaned = 0
        for image in get_image_model().objects.order_by("pk").iterator():
            size = (image.width, image.height)
            if not store_without_metadata(image):
                continue
            if (image.width, image.height) != size:
                # Turned upright: a focal point chosen on the sideways picture is wrong now.
                image.focal_point_x = image.focal_point_y = None
                image.focal_point_width = image.focal_point_height = None
            # Renditions first: saving the image renews the cached pages that show it.
            image.renditions.all().delete()
            image.save()
            cleaned += 1
        self.stdout.write(f"Metadata removed from {cleaned} image(s).")
