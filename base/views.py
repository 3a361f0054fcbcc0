from django.shortcuts import redirect

from .models import SiteSettings


def accessibility_statement(request):
    """/was: the accessibility statement lives in the national WAS tool; its address is a setting
    so it can change without a deploy. Temporary redirect, since the target may change."""
    return redirect(SiteSettings.for_request(request).accessibility_statement_url)
