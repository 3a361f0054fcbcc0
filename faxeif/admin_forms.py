from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm

from accounts.throttle import lockout_message, login_is_locked_out


class LoginForm(WagtailLoginForm):
    """Wagtail's login form, whose password field has no translatable label: Django derives
    "Password" from the field's name, so the Danish admin would show it in English."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].label = _("Password")

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            # django-axes refused the attempt (or this failure reached the limit): say so, not
            # "wrong password", which would make the editor try again and again.
            if login_is_locked_out(self.request):
                raise forms.ValidationError(lockout_message(), code="locked_out") from None
            raise
