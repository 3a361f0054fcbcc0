"""Wagtail's migrations create the groups "Moderators" and "Editors". This site has one kind of
editor, the Procesleder (home/migrations/0003), and the two English groups beside it only raised
the question which to choose. They go, unless someone has been put in one: then it stays, so that
nobody loses rights by an upgrade. Going back does not bring them back: they never held anything
of this site's own."""

from django.db import migrations

WAGTAILS_DEFAULT_GROUPS = ("Moderators", "Editors")


def remove_unused_default_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=WAGTAILS_DEFAULT_GROUPS, user__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        # The migrations that create the groups and give them permissions.
        ("wagtailcore", "0005_add_page_lock_permission_to_moderators"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailimages", "0002_initial_data"),
        ("wagtaildocs", "0002_initial_data"),
    ]

    operations = [
        migrations.RunPython(remove_unused_default_groups, migrations.RunPython.noop),
    ]
