"""The page editor's "Ejer og gennemgang": who owns the page and when it is next read through.

Both belong to the page as a whole, not to a revision (Wagtail keeps a page's owner when it
publishes a revision, and review/models.py keeps the date apart), so they are stored when the
editor saves the page, a draft as well as a publication, and not when it previews it. Every page
type of the site has them (ReviewedPageMixin, in base.models.SitePage)."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.admin.widgets import AdminDateInput
from wagtail.models import Page

from .models import PageReview, display_name, editors

# What the form was given, waiting on the page object for the revision to be saved.
PENDING = "_owner_and_review_date_to_store"


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
        """The owner and the date wait on the page until it is saved as a revision (by the
        create and edit views, a draft or a publication: ReviewedPageMixin.save_revision): a
        preview, which saves the form too, stores nothing."""
        page = super().save(commit=commit)
        setattr(page, PENDING, {"owner": page.owner, "due": self.cleaned_data.get("next_review")})
        return page


class ReviewedPageMixin:
    """For every page type of the site (base.models.SitePage): the editor's "Ejer og
    gennemgang" (tab Synlighed), stored with each revision the editor saves."""

    base_form_class = ReviewedPageForm
    promote_panels = Page.promote_panels + [
        MultiFieldPanel(
            [FieldPanel("owner"), FieldPanel("next_review")], heading="Ejer og gennemgang"
        )
    ]

    def save_revision(self, *args, **kwargs):
        revision = super().save_revision(*args, **kwargs)
        if (pending := self.__dict__.pop(PENDING, None)) is not None:
            # A published page's row is not saved by the editor (its content goes into the
            # revision): the owner is stored here, as Wagtail stores it nowhere else.
            Page.objects.filter(pk=self.pk).exclude(owner=pending["owner"]).update(
                owner=pending["owner"]
            )
            if pending["due"] is None:
                PageReview.objects.filter(page_id=self.pk).delete()
            else:
                PageReview.objects.update_or_create(
                    page_id=self.pk, defaults={"due": pending["due"]}
                )
        return revision
