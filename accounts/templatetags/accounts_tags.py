from urllib.parse import urlencode

from django import template
from django.urls import reverse

from accounts.sso import sso_enabled

register = template.Library()


@register.simple_tag(takes_context=True)
def provider_sign_in_url(context) -> str:
    """The address of "Log ind med kommunens konto", keeping the login page's `next`; empty
    when the site has no sign-in provider."""
    if not sso_enabled():
        return ""
    url = reverse("oidc_authentication_init")
    next_url = context.get("next")
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url
