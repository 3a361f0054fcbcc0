from django.apps import AppConfig


class BaseConfig(AppConfig):
    """The floor under every page type: the base page, the shared blocks, the site settings,
    navigation, pagination and the privacy condition."""

    name = "base"
    verbose_name = "Fælles"
