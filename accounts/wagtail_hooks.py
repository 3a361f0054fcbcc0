from django.urls import path, reverse
from wagtail import hooks

from . import two_factor, views


@hooks.register("register_admin_urls")
def register_two_factor_urls():
    return [
        path("two-factor/", views.two_factor_setup, name="accounts_two_factor"),
        path("two-factor/verify/", views.verify, name="accounts_verify"),
    ]


@hooks.register("register_account_menu_item")
def two_factor_menu_item(request):
    """Konto → Flere handlinger."""
    enabled = two_factor.has_two_factor(request.user)
    return {
        "url": reverse("accounts_two_factor"),
        "label": "To-trinsbekræftelse",
        "help_text": (
            "Slået til. Her kan du lave nye reservekoder."
            if enabled
            else "Slå to-trinsbekræftelse til: log ind med en kode fra en app på din telefon."
        ),
    }
