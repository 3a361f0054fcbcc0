"""The listing's bulk "Slet": the selected pages (with their subpages) go to the Papirkurv, in
place of Wagtail's bulk delete (registered under the same action type, trash/wagtail_hooks.py)."""

from django.conf import settings
from wagtail.admin.views.bulk_action.base_bulk_action import BulkAction
from wagtail.admin.views.pages.bulk_actions.delete import DeleteBulkAction

from base.permissions import in_trash
from trash.operations import Refused, move_to_trash


class TrashBulkAction(DeleteBulkAction):
    aria_label = "Læg de valgte sider i papirkurven"
    template_name = "trash/confirm_bulk_trash.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "retention_days": TRASH_DAYS}

    def post(self, request):
        # Nothing is lost, so Wagtail's "type the site's name" step for many pages is not asked.
        return BulkAction.post(self, request)

    @classmethod
    def execute_action(cls, objects, user=None, **kwargs):
        trashed, subpages = 0, 0
        # A page selected together with its parent goes with the parent.
        for page in sorted(objects, key=lambda page: page.path):
            page.refresh_from_db()
            if in_trash(page):
                continue
            count = page.get_descendant_count()
            try:
                move_to_trash(page, user)
            except Refused:
                continue
            trashed, subpages = trashed + 1, subpages + count
        return trashed, subpages

    def get_success_message(self, num_parent_objects, num_child_objects):
        pages = "1 side" if num_parent_objects == 1 else f"{num_parent_objects} sider"
        if num_child_objects:
            pages += " og " + (
                "1 underside" if num_child_objects == 1 else f"{num_child_objects} undersider"
            )
        return (
            f"{pages} er lagt i papirkurven. De kan gendannes fra Papirkurven i {TRASH_DAYS} "
            "dage; derefter slettes de for altid."
        )


TRASH_DAYS = settings.TRASH_RETENTION_DAYS
