from django.apps import AppConfig


class EditorsConfig(AppConfig):
    """What the admin gives the procesleder beyond Wagtail's defaults: the Danish editor's guide
    that the help menu leads to, the dashboard's shortcuts, publishing as the first action, and
    Danish labels that Wagtail leaves without a translation."""

    name = "editors"
    verbose_name = "Redaktører"

    def ready(self):
        from .labels import label_link_text_fields

        label_link_text_fields()
