"""A story's teaser image becomes its page picture, as other pages have one (base.PicturedPage):
the columns are renamed, not copied, and so are the fields in the stories' revisions, so that a
draft or an older version still has its picture when it is published or restored."""

import django.db.models.deletion
from django.db import migrations, models

RENAMED = {"teaser_image": "picture", "teaser_alt": "picture_alt"}


def rename_in_revisions(apps, renames: dict) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    Revision = apps.get_model("wagtailcore", "Revision")
    story = ContentType.objects.filter(app_label="stories", model="storypage").first()
    if story is None:  # a new database: no stories yet
        return
    for revision in Revision.objects.filter(base_content_type=story).iterator():
        content = revision.content
        if any(old in content for old in renames):
            for old, new in renames.items():
                if old in content:
                    content[new] = content.pop(old)
            revision.save(update_fields=["content"])


def forwards(apps, schema_editor):
    rename_in_revisions(apps, RENAMED)


def backwards(apps, schema_editor):
    rename_in_revisions(apps, {new: old for old, new in RENAMED.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("stories", "0004_teaser_alt_defaults_to_image_description"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
    ]

    operations = [
        migrations.RenameField("storypage", "teaser_image", "picture"),
        migrations.RenameField("storypage", "teaser_alt", "picture_alt"),
        migrations.AlterField(
            model_name="storypage",
            name="picture",
            field=models.ForeignKey(
                blank=True,
                help_text="Vises øverst på siden og når siden deles på sociale medier. Billedet beskæres omkring det fokuspunkt, der er sat på billedet under Billeder.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="wagtailimages.image",
                verbose_name="billede",
            ),
        ),
        migrations.AddField(
            model_name="storypage",
            name="picture_decorative",
            field=models.BooleanField(
                default=False,
                help_text="Kun når billedet intet siger, som siden ikke siger i forvejen: skærmlæsere springer det så over.",
                verbose_name="dekorativt billede (ingen alternativ tekst)",
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
