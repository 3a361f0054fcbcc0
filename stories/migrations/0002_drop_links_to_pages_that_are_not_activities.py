"""Before a story's activity becomes a real foreign key to an activity page (0003): a link to a
page that is not an activity, which the admin never made, is dropped, so that the new constraint
holds. Apart from the change of table, since PostgreSQL alters no table with pending updates."""

from django.db import migrations


def drop_links_to_other_pages(apps, schema_editor):
    stories = apps.get_model("stories", "StoryPage")
    activities = apps.get_model("activities", "ActivityPage")
    stories.objects.exclude(activity__isnull=True).exclude(
        activity_id__in=activities.objects.values("pk")
    ).update(activity=None)


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0002_procesleder_signup_permissions"),
        ("stories", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(drop_links_to_other_pages, migrations.RunPython.noop),
    ]
