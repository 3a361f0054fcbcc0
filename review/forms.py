"""The page editor's "Ejer og gennemgang": who owns the page and when it is next read through.

Both belong to the page as a whole, not to a revision (Wagtail keeps a page's owner when it
publishes a revision, and review/models.py keeps the date apart), so they are stored as the
form is saved, a draft as well as a publication. Every page type of the site uses this form
(base.models.SitePage)."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.widgets import AdminDateInput
from wagtail.models import Page

from .models import PageReview, display_name, editors

# A page created in the editor has no row to store its date against until the view has added
# it to the tree: the date waits on the page object for the view's after_create_page hook.
PENDING_DATE = "_review_date_to_store"


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return display_name(user)


class ReviewedPageForm(WagtailAdminPageForm):
    owner = OwnerChoiceField(
        queryset=None,  # set for each form: the editors and the current owner
        required=False,
        label="Ejer",
        empty_label="Ingen ejer",
        help_text="Redaktøren, der har ansvaret for siden og får en påmindelse, når den skal "
        "gennemgås. Uden ejer får alle i Procesleder påmindelsen.",
    )
    next_review = forms.DateField(
        required=False,
        label="Næste gennemgang",
        widget=AdminDateInput,
        help_text="Hvornår siden skal læses igennem, så intet på den er forældet. Tom: "
        "12 måneder efter første udgivelse. Gemmes med det samme, også med 'Gem kladde'.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        page = self.instance
        # The current owner stays a choice even if they are no longer an editor.
        self.fields["owner"].queryset = (
            get_user_model()
            .objects.filter(Q(pk__in=editors()) | Q(pk=page.owner_id))
            .order_by("first_name", "last_name", "username")
        )
        if page.pk:
            review = PageReview.objects.filter(page_id=page.pk).first()
            self.initial.setdefault("next_review", review and review.due)

    def clean_next_review(self):
        due = self.cleaned_data["next_review"]
        if due is None and self.instance.pk and self.instance.live:
            raise forms.ValidationError(
                "En udgivet side skal have en dato for næste gennemgang.", code="required"
            )
        if due is not None and "next_review" in self.changed_data and due < timezone.localdate():
            raise forms.ValidationError("Vælg en dato fra i dag og frem.", code="past")
        return due

    def save(self, commit=True):
        page = super().save(commit=commit)
        due = self.cleaned_data.get("next_review")
        if not page.pk:
            setattr(page, PENDING_DATE, due)
            return page
        # A published page's row is not saved by the form (its content goes into a revision):
        # the owner is stored here, as Wagtail stores it nowhere else.
        Page.objects.filter(pk=page.pk).exclude(owner_id=page.owner_id).update(owner=page.owner)
        store_review_date(page, due)
        return page


def store_review_date(page, due) -> None:
    if due is None:
        PageReview.objects.filter(page_id=page.pk).delete()
    else:
        PageReview.objects.update_or_create(page_id=page.pk, defaults={"due": due})


def store_pending_review_date(page) -> None:
    """After the create view has added the page to the tree (review.wagtail_hooks)."""
    due = getattr(page, PENDING_DATE, None)
    if due is not None:
        store_review_date(page, due)
