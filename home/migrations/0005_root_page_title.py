"""The tree's root is called "Root" by Wagtail, and the procesleder meets it in the move and copy
views' breadcrumbs and choosers: it gets a Danish name. Only the title changes (the root is never
served); a root someone has already renamed keeps its name."""

from django.db import migrations

WAGTAIL_NAME, DANISH_NAME = "Root", "Alle sider"


def rename_root(apps, old, new):
    Page = apps.get_model("wagtailcore", "Page")
    Page.objects.filter(depth=1, title=old).update(title=new, draft_title=new)


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0004_redirects"),
    ]

    operations = [
        migrations.RunPython(
            lambda apps, schema_editor: rename_root(apps, WAGTAIL_NAME, DANISH_NAME),
            lambda apps, schema_editor: rename_root(apps, DANISH_NAME, WAGTAIL_NAME),
        ),
    ]
