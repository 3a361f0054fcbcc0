from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm

from .throttle import lockout_message, login_is_locked_out
from .two_factor import normalize_code


class LockoutMessageMixin:
    """For login forms: when django-axes has refused the attempt (or this failure reached the
    limit), say so in Danish rather than "wrong password", which would make the editor try
    again and again."""

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            if login_is_locked_out(self.request):
                raise forms.ValidationError(lockout_message(), code="locked_out") from None
            raise


class SiteLoginForm(LockoutMessageMixin, AuthenticationForm):
    """The site's login page (accounts.views.SiteLoginView)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Like every page of the site, the skip link is the first tab stop and the page is read
        # from its top: no focus jumping into the form.
        self.fields["username"].widget.attrs.pop("autofocus", None)


class AdminLoginForm(LockoutMessageMixin, WagtailLoginForm):
    """Wagtail's login form (WAGTAILADMIN_USER_LOGIN_FORM), with the Danish lockout message, a
    translatable label for the password (Django derives "Password" from the field's name, so the
    Danish admin would show it in English) and the fields' autocomplete purposes."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].label = _("Password")
        # What the fields are, for password managers and for WCAG 1.3.5 (Wagtail leaves it out).
        self.fields["username"].widget.attrs["autocomplete"] = "username"
        self.fields["password"].widget.attrs["autocomplete"] = "current-password"


class CodeForm(forms.Form):
    """The second step of signing in, with the app's code: a phone shows its number keyboard and
    offers the code it just received. (Either form accepts either kind of code: only the
    keyboard and the words differ.)"""

    code = forms.CharField(
        label="Kode fra appen",
        max_length=32,
        help_text="De 6 cifre, som godkendelses-appen på din telefon viser nu.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )

    def clean_code(self):
        return normalize_code(self.cleaned_data["code"])


class BackupCodeForm(CodeForm):
    """The same step with a backup code: 8 letters and digits, so the full keyboard."""

    code = forms.CharField(
        label="Reservekode",
        max_length=32,
        help_text="En af de reservekoder, du fik, da du slog to-trinsbekræftelse til. Hver "
        "virker kun én gang.",
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "off", "spellcheck": "false"}
        ),
    )


class SetupCodeForm(CodeForm):
    code = forms.CharField(
        label="Kode fra appen",
        max_length=32,
        help_text="De 6 cifre, som godkendelses-appen viser nu.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric"},
        ),
    )
