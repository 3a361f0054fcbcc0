"""Danish for form fields that Wagtail gives no translatable label."""

from wagtail.admin.forms import choosers

# The link chooser's fields without a label of their own: Django makes one from the field's name,
# in English ("Link text", "Email address"), which no catalogue can translate.
LINK_FORMS = (
    choosers.ExternalLinkChooserForm,
    choosers.AnchorLinkChooserForm,
    choosers.EmailLinkChooserForm,
    choosers.PhoneLinkChooserForm,
)


def label_link_text_fields() -> None:
    for form in LINK_FORMS:
        form.base_fields["link_text"].label = "Linktekst"
    # Likewise the address fields of the e-mail and phone links.
    choosers.EmailLinkChooserForm.base_fields["email_address"].label = "E-mailadresse"
    choosers.PhoneLinkChooserForm.base_fields["phone_number"].label = "Telefonnummer"
