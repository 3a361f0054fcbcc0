"""The Papirkurv in the admin: the confirmation that Wagtail's "Slet" leads to, the list of
trashed pages with "Gendan", and "Slet permanent" (superusers only, refused on the server to
everyone else, GET and POST)."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.middleware.csrf import get_token
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.views.decorators.http import require_POST
from wagtail.admin.auth import permission_denied
from wagtail.admin.ui.tables import Column, Table, UserColumn
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.permission_policies.pages import PagePermissionPolicy

from trash.models import TrashedPage
from trash.operations import Refused, delete_for_good, move_to_trash, restore, restore_refusal

RESTORE_PROMISE = (
    f"Den kan gendannes fra Papirkurven i {settings.TRASH_RETENTION_DAYS} dage; derefter "
    "slettes den for altid."
)


def may_use_trash(user) -> bool:
    """Editors who may change pages: the Procesleder and superusers."""
    return user.is_active and (
        user.is_superuser
        or PagePermissionPolicy().user_has_any_permission(user, {"add", "change", "publish"})
    )


def danish_time(moment) -> str:
    """As the rest of the admin writes a moment: "02.06.2026 - 14:05" (faxeif/formats/da/)."""
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def confirm_trash(request, page):
    """Wagtail's delete view hands over here (before_delete_page), having checked the user's
    right (base/permissions.py): GET asks, POST moves the page to the Papirkurv."""
    next_url = get_valid_next_url_from_request(request)
    parent_id = page.get_parent().pk
    if request.method == "POST":
        try:
            move_to_trash(page, request.user)
        except Refused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(
                request,
                f"Siden '{page.get_admin_display_title()}' er lagt i papirkurven. "
                + RESTORE_PROMISE,
            )
        return redirect(next_url or reverse("wagtailadmin_explore", args=[parent_id]))
    return TemplateResponse(
        request,
        "trash/confirm_trash.html",
        {
            "page": page,
            "descendant_count": page.get_descendant_count(),
            "next": next_url,
            "retention_days": settings.TRASH_RETENTION_DAYS,
        },
    )


class TemplateColumn(Column):
    """A cell drawn by templates/trash/cells/<template>.html."""

    def __init__(self, name, template, **kwargs):
        super().__init__(name, **kwargs)
        self.cell_template_name = f"trash/cells/{template}.html"

    def get_cell_context_data(self, instance, parent_context):
        # Cells are rendered with a plain context: the forms in them need the token given.
        context = super().get_cell_context_data(instance, parent_context)
        context["csrf_token"] = get_token(parent_context["request"])
        return context


def _entries():
    return TrashedPage.objects.select_related("page", "trashed_by", "parent")


def index(request):
    if not may_use_trash(request.user):
        return permission_denied(request)
    entries = list(_entries())
    for entry in entries:
        entry.kind = capfirst(entry.page.specific_class._meta.verbose_name)
        entry.subpages = entry.page.get_descendant_count()
        entry.trashed = danish_time(entry.trashed_at)
        entry.purged = danish_time(entry.purge_at)
        entry.refusal = restore_refusal(entry, request.user)
    table = Table(
        [
            TemplateColumn("title", label="Titel", template="title"),
            Column("kind", label="Type"),
            TemplateColumn("location", label="Oprindelig placering", template="location"),
            UserColumn("trashed_by", label="Slettet af"),
            Column("trashed", label="Slettet"),
            Column("purged", label="Slettes for altid"),
            TemplateColumn("actions", label="Handlinger", template="actions"),
        ],
        entries,
        caption="Sider i papirkurven",
    )
    return TemplateResponse(
        request,
        "trash/index.html",
        {
            "table": table,
            "entries": entries,
            "retention_days": settings.TRASH_RETENTION_DAYS,
        },
    )


@require_POST
def restore_page(request, entry_id):
    if not may_use_trash(request.user):
        return permission_denied(request)
    if not TrashedPage.objects.filter(pk=entry_id).exists():
        raise Http404
    try:
        messages.success(request, restore(entry_id, request.user))
    except Refused as refusal:
        messages.error(request, str(refusal))
    return redirect("trash:index")


def delete_page(request, entry_id):
    """Slet permanent: superusers only, whatever the id."""
    if not request.user.is_superuser:
        return permission_denied(request)
    entry = _entries().filter(pk=entry_id).first()
    if entry is None:
        raise Http404
    if request.method == "POST":
        try:
            title = delete_for_good(entry_id, request.user)
        except Refused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, f"Siden '{title}' er slettet for altid.")
        return redirect("trash:index")
    return TemplateResponse(
        request,
        "trash/confirm_delete.html",
        {"entry": entry, "descendant_count": entry.page.get_descendant_count()},
    )
