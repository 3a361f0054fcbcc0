from django.apps import AppConfig


class StoriesConfig(AppConfig):
    """Fortællinger: stories told by the people who took part, each perhaps from an activity,
    their index with tags and pages, and the RSS feed."""

    name = "stories"
    verbose_name = "Fortællinger"
