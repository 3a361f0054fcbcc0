"""The page models of the pages app: the shared base and the content pages (base.py), and the
stories (stories.py)."""

from .base import (
    BasePage,
    ContentPage,
    PhaseIndexPage,
    PhasePage,
    SitePage,
    SiteSettings,
    public_q,
    restricted_paths,
    single_line,
)
from .stories import StoryIndexPage, StoryPage, StoryPageTag, newest_stories, stories_about

__all__ = [
    "BasePage",
    "ContentPage",
    "PhaseIndexPage",
    "PhasePage",
    "SitePage",
    "SiteSettings",
    "StoryIndexPage",
    "StoryPage",
    "StoryPageTag",
    "newest_stories",
    "public_q",
    "restricted_paths",
    "single_line",
    "stories_about",
]
