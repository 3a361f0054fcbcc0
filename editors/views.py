from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .sections import SECTIONS


class GuideView(WagtailAdminTemplateMixin, TemplateView):
    """The editor's guide: the procesleder's tasks, step by step, in the admin's own frame. Any
    editor may read it; it shows nothing from the database."""

    template_name = "editors/guide.html"
    page_title = "Vejledning til redaktører"
    header_icon = "help"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, sections=SECTIONS)
