"""Wagtail's user views with one more column in the list: how each editor signs in (the
municipality's account, a password, or both), so the administrator sees at a glance which
accounts have a password of their own (the break-glass accounts among them). Installed by
accounts.apps.UsersConfig, in place of wagtail.users' own config."""

from django.utils.functional import cached_property
from wagtail.admin.ui.tables import Column
from wagtail.users.views import users


def sign_in_methods(user) -> str:
    methods = []
    if hasattr(user, "provider_account"):
        methods.append("Kommunens konto")
    if user.has_usable_password():
        methods.append("Adgangskode")
    return " og ".join(methods) if methods else "Ingen"


class IndexView(users.IndexView):
    @cached_property
    def columns(self):
        columns = super().columns
        # After the username, before the access level.
        sign_in = Column("sign_in", label="Logger ind med", accessor=sign_in_methods, width="15%")
        return [*columns[:3], sign_in, *columns[3:]]

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("provider_account")


class UserViewSet(users.UserViewSet):
    index_view_class = IndexView
