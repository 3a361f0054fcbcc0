"""The sign-up form.

A Django model form, not Wagtail's form builder. A sign-up is a record with rules of its own: it
belongs to one activity, is unique per e-mail address there, takes a seat or a place on the
waiting list when the seats run out (decided under a lock, so two people cannot take the last
seat), and is deleted a set time after the activity. The form builder keeps submissions as loose
JSON without any of these rules, renders and posts its form on the page itself (a CSRF cookie on
every view, so the activity page could not be cached), and would have editors rebuild the same
four fields on every activity. The model form validates, re-renders with what was typed and the
Danish errors, and the admin lists, filters and exports the model.

No CSRF cookie: a token of the form's own instead. Django's CSRF protection keeps another site
from making a browser send a request that rides on the browser's session, the cookies that say
who it is. A sign-up rides on nothing: the view reads no session and no user, and it saves what
the form posts and nothing else, so a forged post can do no more than its author could do by
posting the form from their own machine. Visitors have no session. An editor logged in to the
admin has one, on the whole site's path; a post from another site's page does not carry it (the
session cookie is SameSite=Lax, and browsers leave such cookies off cross-site posts), and a post
from the site's own form, which does carry it, is answered as any visitor's: the sign-up holds
what was typed, the session is left as it was (tests/test_signup_token.py posts as a logged-in
Procesleder). The CSRF cookie was the one cookie a visitor could get; without it the form page is
cached like every other page.

The form carries a token instead (`issue_token`): the activity and the moment the form page was
rendered, signed with the site's secret key (TOKEN_SALT). A post without one, or with one that is
forged, for another activity or older than settings.SIGNUP_FORM_TOKEN_MAX_AGE, gets the form back
with what was typed and a Danish request to send it again (with a fresh token); nothing is saved.
The token is not a secret: everyone who gets the cached page gets the same one, and it says
nothing about who posts. It turns away robots that post without opening the form, tokens
replayed from old copies of the page, and posts for an activity the poster cannot see (only
those who may see a login-restricted activity get its tokens). It is not single use: a double
click posts it twice, and the second post meets the duplicate address as before. It has no
minimum age either: a cached page's token may have been issued an hour before a robot fetched
it, so its age says nothing about how fast the form was filled in; the honeypot catches the
robots that fill in every field.

Django's CSRF check also refused posts whose Origin header names another site. That needs no
cookie, and the form keeps it (`from_another_site`): another site cannot have its visitors'
browsers post sign-ups (with tokens it fetched itself) from their addresses.

The page cache renders the form page anew every eighth of the token's lifetime (`issue_token`
records when), so a cached form's token is at most that old: a visitor who opens the form has at
least seven eighths of the lifetime (7 of 8 hours) to send it.
"""

import datetime
import time
from functools import cached_property

from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import IntegrityError, transaction

from pagecache.cache import changes_at

from .signups import SignUp, send_mail_later

# The trap for spam robots: a field people never see or reach, which robots fill in.
HONEYPOT = "website"

DUPLICATE = (
    "Der er allerede en tilmelding til aktiviteten med den e-mailadresse, så du behøver ikke "
    "at tilmelde dig igen. Vil du ændre din tilmelding eller melde afbud, så skriv til "
    "procesleder."
)


# The form's token: posted in this field, signed with this salt.
TOKEN = "token"
TOKEN_SALT = "activities.signup.form"
RESEND = (
    "Formularen var for gammel til at blive sendt. Det, du har skrevet, står her stadig: send "
    "den igen."
)


def issue_token(activity) -> str:
    """A token for the activity's sign-up form, issued now. The page being rendered is renewed
    in the page cache at the next whole eighth of the token's lifetime (every hour on the hour,
    for 8 hours), so no cached page shows a token older than that."""
    renew_every = max(settings.SIGNUP_FORM_TOKEN_MAX_AGE // 8, 1)
    renewal = (int(time.time()) // renew_every + 1) * renew_every
    changes_at(datetime.datetime.fromtimestamp(renewal, tz=datetime.UTC))
    return signing.dumps(activity.pk, salt=TOKEN_SALT)


def token_is_valid(token: str, activity) -> bool:
    """Whether the token was issued for this activity's form within its lifetime."""
    try:
        issued_for = signing.loads(
            token, salt=TOKEN_SALT, max_age=settings.SIGNUP_FORM_TOKEN_MAX_AGE
        )
    except signing.BadSignature:  # forged, altered, expired (SignatureExpired) or none
        return False
    return issued_for == activity.pk


def from_another_site(request) -> bool:
    """Whether the browser says that the post comes from another site's page: its Origin header
    (which browsers send with every post) is not this site's address. As Django's CSRF check
    compares them; "null" (a sandboxed or privacy-stripped origin) is not this site either."""
    origin = request.headers.get("Origin")
    own = f"{'https' if request.is_secure() else 'http'}://{request.get_host()}"
    return origin is not None and origin != own


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

    def __init__(self, *args, activity, from_another_site=False, **kwargs):
        self.activity = activity
        self.from_another_site = from_another_site
        super().__init__(*args, instance=SignUp(activity=activity), **kwargs)

    @cached_property
    def token(self) -> str:
        """The token the form is rendered with: always a fresh one, also when a post is shown
        again (its own token may be what was wrong with it)."""
        return issue_token(self.activity)

    def is_spam(self) -> bool:
        return bool(self.data.get(HONEYPOT, "").strip())

    def clean(self):
        cleaned_data = super().clean()
        if self.from_another_site or not token_is_valid(self.data.get(TOKEN, ""), self.activity):
            raise forms.ValidationError(RESEND, code="resend")
        return cleaned_data

    @property
    def has_field_errors(self) -> bool:
        """Whether something typed needs correcting (not only the token)."""
        return any(name != NON_FIELD_ERRORS for name in self.errors)

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
        """Queue the e-mail that tells the person what they signed up for, with the link to
        cancel; False when it is known now that it will not go out. The sign-up is saved: the
        mail leaves after the request (activities/signups.py send_mail_later), and nothing that
        happens to it undoes the sign-up or turns the receipt into an error page."""
        return send_mail_later(signup, "confirmation", request.build_absolute_uri("/"))
