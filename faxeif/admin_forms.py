from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm

from accounts.forms import LockoutMessageMixin


class LoginForm(LockoutMessageMixin, WagtailLoginForm):
    """Wagtail's login form, with the Danish lockout message, and whose password field has no
    translatable label: Django derives "Password" from the field's name, so the Danish admin
    would show it in English."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].label = _("Password")
