from django.apps import AppConfig


class FindabilityConfig(AppConfig):
    """How visitors and search engines find the pages: search, sitemap, robots.txt, and the
    description, canonical address, OpenGraph tags and JSON-LD in every page's head."""

    name = "findability"
    verbose_name = "Søgning og synlighed"
