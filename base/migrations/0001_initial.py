"""The site settings move from the pages app to base/, keeping their table (the model names it in
db_table) and its row: the model changes app in Django's state only, and its content type is
renamed, so that permissions and anything else pointing at it follow. pages/migrations/0004
removes it from the pages app's state afterwards."""

import django.db.models.deletion
from django.db import migrations, models


def rename_content_type(apps, old_label, new_label):
    content_types = apps.get_model("contenttypes", "ContentType")
    content_types.objects.filter(app_label=old_label, model="sitesettings").update(
        app_label=new_label
    )


def move_content_type(apps, schema_editor):
    rename_content_type(apps, "pages", "base")


def move_content_type_back(apps, schema_editor):
    rename_content_type(apps, "base", "pages")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("pages", "0003_stories_leave_for_their_own_app"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SiteSettings",
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
                            "accessibility_statement_url",
                            models.URLField(
                                default="https://was.digst.dk/faxeifaellesskab-dk",
                                help_text="Adressen på erklæringen i Digitaliseringsstyrelsens WAS-værktøj. Linket 'Tilgængelighedserklæring' i sidefoden (/was) fører hertil.",
                                verbose_name="tilgængelighedserklæring",
                            ),
                        ),
                        (
                            "site",
                            models.OneToOneField(
                                editable=False,
                                on_delete=django.db.models.deletion.CASCADE,
                                to="wagtailcore.site",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "webstedsindstillinger",
                        "db_table": "pages_sitesettings",
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
