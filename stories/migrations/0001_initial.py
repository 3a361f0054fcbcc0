"""Stories move from the pages app to their own, keeping their tables (the models name them in
db_table) and every row: the models change app in Django's state only, and their content types
are renamed, so that pages, revisions, permissions and search entries that point at them follow.
pages/migrations/0003 removes them from the pages app's state afterwards."""

import django.db.models.deletion
import django.utils.timezone
import modelcluster.contrib.taggit
import modelcluster.fields
import wagtail.contrib.routable_page.models
import wagtail.fields
from django.conf import settings
from django.db import migrations, models

import base.permissions

MODELS = ["storyindexpage", "storypage", "storypagetag"]


def rename_content_types(apps, old_label, new_label):
    content_types = apps.get_model("contenttypes", "ContentType")
    content_types.objects.filter(app_label=old_label, model__in=MODELS).update(app_label=new_label)


def move_content_types(apps, schema_editor):
    rename_content_types(apps, "pages", "stories")


def move_content_types_back(apps, schema_editor):
    rename_content_types(apps, "stories", "pages")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("pages", "0002_stories"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
        migrations.swappable_dependency(settings.WAGTAIL_PAGE_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="StoryIndexPage",
                    fields=[
                        (
                            "page_ptr",
                            models.OneToOneField(
                                auto_created=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                parent_link=True,
                                primary_key=True,
                                serialize=False,
                                to=settings.WAGTAIL_PAGE_MODEL,
                            ),
                        ),
                        (
                            "introduction",
                            models.TextField(
                                blank=True,
                                help_text="Et kort afsnit, der vises øverst på siden og i oversigter.",
                                verbose_name="introduktion",
                            ),
                        ),
                        (
                            "body",
                            wagtail.fields.StreamField(
                                [
                                    ("heading", 2),
                                    ("paragraph", 3),
                                    ("image", 6),
                                    ("quote", 9),
                                    ("contact_card", 13),
                                    ("phase_timeline", 15),
                                    ("vision", 16),
                                ],
                                blank=True,
                                block_lookup={
                                    0: (
                                        "wagtail.blocks.CharBlock",
                                        (),
                                        {"label": "Tekst", "max_length": 200},
                                    ),
                                    1: (
                                        "wagtail.blocks.ChoiceBlock",
                                        [],
                                        {
                                            "choices": [
                                                ("2", "Overskrift (niveau 2)"),
                                                ("3", "Underoverskrift (niveau 3)"),
                                            ],
                                            "label": "Niveau",
                                        },
                                    ),
                                    2: (
                                        "wagtail.blocks.StructBlock",
                                        [[("text", 0), ("level", 1)]],
                                        {},
                                    ),
                                    3: (
                                        "wagtail.blocks.RichTextBlock",
                                        (),
                                        {
                                            "features": [
                                                "bold",
                                                "italic",
                                                "ol",
                                                "ul",
                                                "link",
                                                "document-link",
                                            ],
                                            "icon": "pilcrow",
                                            "label": "Tekst",
                                            "preview_value": "<p>Faxe i Fællesskab betyder at vi har fokus på det potentiale, som opstår i fællesskaber.</p>",
                                            "template": "blocks/paragraph_block.html",
                                        },
                                    ),
                                    4: (
                                        "wagtail.images.blocks.ImageBlock",
                                        [],
                                        {"label": "Billede"},
                                    ),
                                    5: (
                                        "wagtail.blocks.CharBlock",
                                        (),
                                        {
                                            "label": "Billedtekst",
                                            "max_length": 300,
                                            "required": False,
                                        },
                                    ),
                                    6: (
                                        "wagtail.blocks.StructBlock",
                                        [[("image", 4), ("caption", 5)]],
                                        {},
                                    ),
                                    7: ("wagtail.blocks.TextBlock", (), {"label": "Citat"}),
                                    8: (
                                        "wagtail.blocks.CharBlock",
                                        (),
                                        {"label": "Afsender", "max_length": 200, "required": False},
                                    ),
                                    9: (
                                        "wagtail.blocks.StructBlock",
                                        [[("text", 7), ("attribution", 8)]],
                                        {},
                                    ),
                                    10: (
                                        "wagtail.blocks.CharBlock",
                                        (),
                                        {
                                            "default": "Kontakt",
                                            "label": "Overskrift",
                                            "max_length": 200,
                                        },
                                    ),
                                    11: (
                                        "base.blocks.ContactPersonChooserBlock",
                                        ("contacts.ContactPerson",),
                                        {"label": "Kontaktperson"},
                                    ),
                                    12: (
                                        "wagtail.blocks.BooleanBlock",
                                        (),
                                        {
                                            "default": False,
                                            "label": "Vis kontorets beskrivelse",
                                            "required": False,
                                        },
                                    ),
                                    13: (
                                        "wagtail.blocks.StructBlock",
                                        [
                                            [
                                                ("heading", 10),
                                                ("person", 11),
                                                ("show_office_description", 12),
                                            ]
                                        ],
                                        {},
                                    ),
                                    14: (
                                        "wagtail.blocks.BooleanBlock",
                                        (),
                                        {
                                            "default": False,
                                            "help_text": "Ellers vises fasens periode, introduktion og et link til fasen.",
                                            "label": "Vis hele teksten for hver fase",
                                            "required": False,
                                        },
                                    ),
                                    15: (
                                        "wagtail.blocks.StructBlock",
                                        [[("show_full_text", 14)]],
                                        {},
                                    ),
                                    16: ("base.blocks.VisionBlock", (), {}),
                                },
                                verbose_name="indhold",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "fortællingsoversigt",
                        "verbose_name_plural": "fortællingsoversigter",
                        "db_table": "pages_storyindexpage",
                    },
                    bases=(
                        wagtail.contrib.routable_page.models.RoutablePageMixin,
                        base.permissions.PagePermissionsMixin,
                        "wagtailcore.page",
                    ),
                ),
                migrations.CreateModel(
                    name="StoryPage",
                    fields=[
                        (
                            "page_ptr",
                            models.OneToOneField(
                                auto_created=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                parent_link=True,
                                primary_key=True,
                                serialize=False,
                                to=settings.WAGTAIL_PAGE_MODEL,
                            ),
                        ),
                        (
                            "introduction",
                            models.TextField(
                                blank=True,
                                help_text="Et kort afsnit, der vises øverst på siden og i oversigter.",
                                verbose_name="introduktion",
                            ),
                        ),
                        (
                            "body",
                            wagtail.fields.StreamField(
                                [
                                    ("heading", 2),
                                    ("paragraph", 3),
                                    ("image", 6),
                                    ("quote", 9),
                                    ("contact_card", 13),
                                    ("phase_timeline", 15),
                                    ("vision", 16),
                                ],
                                blank=True,
                                block_lookup={
                                    0: (
                                        "wagtail.blocks.CharBlock",
                                        (),
                                        {"label": "Tekst", "max_length": 200},
                                    ),
                                    1: (
                                        "wagtail.blocks.ChoiceBlock",
                                        [],
                                        {
                                            "choices": [
                                                ("2", "Overskrift (niveau 2)"),
                                                ("3", "Underoverskrift (niveau 3)"),
                                            ],
                                            "label": "Niveau",
                                        },
                                    ),
                                    2: (
                                        "wagtail.blocks.StructBlock",
                                        [[("text", 0), ("level", 1)]],
                                        {},
                                    ),
                                    3: (
                                        "wagtail.blocks.RichTextBlock",
                                        (),
                                        {
                                            "features": [
                                                "bold",
                                                "italic",
                                                "ol",
                                                "ul",
                                                "link",
                                                "document-link",
                                            ],
                                            "icon": "pilcrow",
                                            "label": "Tekst",
                                            "preview_value": "<p>Faxe i Fællesskab betyder at vi har fokus på det potentiale, som opstår i fællesskaber.</p>",
                                            "template": "blocks/paragraph_block.html",
                                        },
                                    ),
                                    4: (
                                        "wagtail.images.blocks.ImageBlock",
                                        [],
                                        {"label": "Billede"},
                                    ),
                                    5: (
                                        "wagtail.blocks.CharBlock",
                                        (),
                                        {
                                            "label": "Billedtekst",
                                            "max_length": 300,
                                            "required": False,
                                        },
                                    ),
                                    6: (
                                        "wagtail.blocks.StructBlock",
                                        [[("image", 4), ("caption", 5)]],
                                        {},
                                    ),
                                    7: ("wagtail.blocks.TextBlock", (), {"label": "Citat"}),
                                    8: (
                                        "wagtail.blocks.CharBlock",
                                        (),
                                        {"label": "Afsender", "max_length": 200, "required": False},
                                    ),
                                    9: (
                                        "wagtail.blocks.StructBlock",
                                        [[("text", 7), ("attribution", 8)]],
                                        {},
                                    ),
                                    10: (
                                        "wagtail.blocks.CharBlock",
                                        (),
                                        {
                                            "default": "Kontakt",
                                            "label": "Overskrift",
                                            "max_length": 200,
                                        },
                                    ),
                                    11: (
                                        "base.blocks.ContactPersonChooserBlock",
                                        ("contacts.ContactPerson",),
                                        {"label": "Kontaktperson"},
                                    ),
                                    12: (
                                        "wagtail.blocks.BooleanBlock",
                                        (),
                                        {
                                            "default": False,
                                            "label": "Vis kontorets beskrivelse",
                                            "required": False,
                                        },
                                    ),
                                    13: (
                                        "wagtail.blocks.StructBlock",
                                        [
                                            [
                                                ("heading", 10),
                                                ("person", 11),
                                                ("show_office_description", 12),
                                            ]
                                        ],
                                        {},
                                    ),
                                    14: (
                                        "wagtail.blocks.BooleanBlock",
                                        (),
                                        {
                                            "default": False,
                                            "help_text": "Ellers vises fasens periode, introduktion og et link til fasen.",
                                            "label": "Vis hele teksten for hver fase",
                                            "required": False,
                                        },
                                    ),
                                    15: (
                                        "wagtail.blocks.StructBlock",
                                        [[("show_full_text", 14)]],
                                        {},
                                    ),
                                    16: ("base.blocks.VisionBlock", (), {}),
                                },
                                verbose_name="indhold",
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("fortaelling", "Fortælling"),
                                    ("reportage", "Reportage"),
                                    ("proevehandling", "Prøvehandling"),
                                ],
                                default="fortaelling",
                                max_length=20,
                                verbose_name="slags",
                            ),
                        ),
                        (
                            "date",
                            models.DateField(
                                default=django.utils.timezone.localdate,
                                help_text="Hvornår det skete. Oversigten viser de nyeste fortællinger først.",
                                verbose_name="dato",
                            ),
                        ),
                        (
                            "author",
                            models.CharField(
                                help_text="Hvem der fortæller, fx 'Mette Hansen, Haslev'.",
                                max_length=200,
                                verbose_name="forfatter",
                            ),
                        ),
                        (
                            "teaser_alt",
                            models.CharField(
                                blank=True,
                                help_text="Skal udfyldes, når der er valgt et billede: hvad billedet viser, for dem der ikke kan se det.",
                                max_length=250,
                                verbose_name="alternativ tekst til billedet",
                            ),
                        ),
                        (
                            "activity",
                            models.ForeignKey(
                                blank=True,
                                help_text="Den aktivitet, fortællingen er fra (valgfri). Fortællingen vises så også på aktivitetens side.",
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.WAGTAIL_PAGE_MODEL,
                                verbose_name="fra aktiviteten",
                            ),
                        ),
                        (
                            "teaser_image",
                            models.ForeignKey(
                                blank=True,
                                help_text="Vises øverst i fortællingen og i oversigten.",
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to="wagtailimages.image",
                                verbose_name="billede",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "fortælling",
                        "verbose_name_plural": "fortællinger",
                        "db_table": "pages_storypage",
                    },
                    bases=(base.permissions.PagePermissionsMixin, "wagtailcore.page"),
                ),
                migrations.CreateModel(
                    name="StoryPageTag",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "content_object",
                            modelcluster.fields.ParentalKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="tagged_items",
                                to="stories.storypage",
                            ),
                        ),
                        (
                            "tag",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="%(app_label)s_%(class)s_items",
                                to="taggit.tag",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "emne på en fortælling",
                        "verbose_name_plural": "emner på fortællinger",
                        "db_table": "pages_storypagetag",
                    },
                ),
                migrations.AddField(
                    model_name="storypage",
                    name="tags",
                    field=modelcluster.contrib.taggit.ClusterTaggableManager(
                        blank=True,
                        help_text="Fx temadag, LederForum. Oversigten kan vise fortællingerne om ét emne.",
                        through="stories.StoryPageTag",
                        to="taggit.Tag",
                        verbose_name="emner",
                    ),
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
