"""Marking a page reviewed: one click (a POST) from the page editor's header, the report or the
dashboard."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from wagtail.admin import messages
from wagtail.models import Page

from .models import mark_reviewed


def reviewed(request, page_id):
    if request.method != "POST":
        response = HttpResponseNotAllowed(
            ["POST"], "Brug knappen 'Marker som gennemgået' for at markere siden som gennemgået."
        )
        response["Content-Type"] = "text/plain; charset=utf-8"
        return response
    page = get_object_or_404(Page, pk=page_id).specific_deferred
    if not page.permissions_for_user(request.user).can_edit():
        # The admin's answer: back to the dashboard with its Danish message, nothing changed.
        raise PermissionDenied
    with transaction.atomic():
        due = mark_reviewed(page, request.user)
    messages.success(
        request,
        f"'{page.get_admin_display_title()}' er markeret som gennemgået. "
        f"Næste gennemgang: {due:%d.%m.%Y}.",
    )
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(next_url)
    return redirect(reverse("wagtailadmin_pages:edit", args=[page.pk]))
