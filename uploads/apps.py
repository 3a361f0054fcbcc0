from django.apps import AppConfig


class UploadsConfig(AppConfig):
    """What editors upload: documents checked for what they are (uploads/documents.py), images
    kept without their metadata (uploads/images.py)."""

    name = "uploads"
    verbose_name = "Uploadede filer"

    def ready(self):
        from uploads.images import connect_metadata_stripping

        connect_metadata_stripping()
