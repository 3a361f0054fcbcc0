from django import forms

from .two_factor import normalize_code


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Kode",
        max_length=32,
        help_text="Koden fra godkendelses-appen (6 cifre) eller en af dine reservekoder.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"}
        ),
    )

    def clean_code(self):
        return normalize_code(self.cleaned_data["code"])


class SetupCodeForm(CodeForm):
    code = forms.CharField(
        label="Kode fra appen",
        max_length=32,
        help_text="De 6 cifre, som godkendelses-appen viser nu.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric"},
        ),
    )
