"""The sign-up form.

A Django model form, not Wagtail's form builder. A sign-up is a record with rules of its own: it
belongs to one activity, is unique per e-mail address there, takes a seat or a place on the
waiting list when the seats run out (decided under a lock, so two people cannot take the last
seat), and is deleted a set time after the activity. The form builder keeps submissions as loose
JSON without any of these rules, renders and posts its form on the page itself (a CSRF cookie on
every view, so the activity page could not be cached), and would have editors rebuild the same
four fields on every activity. The model form validates, re-renders with what was typed and the
Danish errors, and the admin lists, filters and exports the model.
"""

from django import forms
from django.db import IntegrityError, transaction

from .signups import SignUp, mail_context, send_to

# The trap for spam robots: a field people never see or reach, which robots fill in.
HONEYPOT = "website"

DUPLICATE = (
    "Der er allerede en tilmelding til aktiviteten med den e-mailadresse, så du behøver ikke "
    "at tilmelde dig igen. Vil du ændre din tilmelding eller melde afbud, så skriv til "
    "procesleder."
)


class SignUpForm(forms.ModelForm):
    website = forms.CharField(
        label="Lad dette felt være tomt",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    class Meta:
        model = SignUp
        fields = ["name", "email", "workplace", "comment"]
        labels = {
            "name": "Navn",
            "email": "Arbejdsmail",
            "workplace": "Arbejdsplads",
            "comment": "Kommentar (valgfri)",
        }
        help_texts = {
            "email": "Vi sender en bekræftelse hertil.",
            "workplace": "Fx Haslev Bibliotek eller Center for Dagtilbud.",
            "comment": "Fx et spørgsmål til aktiviteten. Højst 1000 tegn.",
        }
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "workplace": forms.TextInput(attrs={"autocomplete": "organization"}),
            "comment": forms.Textarea(attrs={"rows": 4}),
        }
        error_messages = {
            "name": {
                "required": "Skriv dit navn.",
                "max_length": "Navnet må højst være på %(limit_value)d tegn.",
            },
            "email": {
                "required": "Skriv din arbejdsmail.",
                "invalid": "Skriv en gyldig e-mailadresse, fx navn@faxekommune.dk.",
                "max_length": "E-mailadressen må højst være på %(limit_value)d tegn.",
            },
            "workplace": {
                "required": "Skriv din arbejdsplads.",
                "max_length": "Arbejdspladsen må højst være på %(limit_value)d tegn.",
            },
            "comment": {"max_length": "Kommentaren må højst være på %(limit_value)d tegn."},
        }

    def __init__(self, *args, activity, **kwargs):
        self.activity = activity
        super().__init__(*args, instance=SignUp(activity=activity), **kwargs)

    def is_spam(self) -> bool:
        return bool(self.data.get(HONEYPOT, "").strip())

    def clean_email(self):
        email = self.cleaned_data["email"]
        if SignUp.objects.filter(activity=self.activity, email__iexact=email).exists():
            raise forms.ValidationError(DUPLICATE, code="duplicate")
        return email

    def save(self, commit=True) -> SignUp | None:
        """Register the sign-up: a seat while there are seats, else the waiting list. None
        when the same address signed up in the meantime (the form then says so)."""
        signup = super().save(commit=False)
        try:
            with transaction.atomic():
                # Lock the activity: whoever counts the seats next waits until this sign-up is
                # saved. (SQLite has no row locks; it lets one writer in at a time.)
                capacity = (
                    type(self.activity)
                    .objects.select_for_update(of=("self",))
                    .values_list("capacity", flat=True)
                    .get(pk=self.activity.pk)
                )
                confirmed = SignUp.objects.filter(
                    activity=self.activity, status=SignUp.Status.CONFIRMED
                ).count()
                full = capacity is not None and confirmed >= capacity
                signup.status = SignUp.Status.WAITING if full else SignUp.Status.CONFIRMED
                signup.save()
        except IntegrityError:
            self.add_error("email", forms.ValidationError(DUPLICATE, code="duplicate"))
            return None
        return signup

    def send_confirmation(self, request, signup: SignUp) -> bool:
        """E-mail the person what they signed up for, with the link to cancel; whether it went
        out. The sign-up is saved: a mail that cannot be sent does not undo it or turn the
        receipt into an error page (activities/signups.py send_to); the receipt then says the
        mail did not go out."""
        waiting = signup.status == SignUp.Status.WAITING
        return send_to(
            signup,
            "confirmation",
            f"{'Venteliste' if waiting else 'Tilmelding'}: {self.activity.title}",
            "activities/signup_email.txt",
            mail_context(signup, request.build_absolute_uri("/")),
            request=request,
        )
