"""The site settings leave the pages app's state for base/ (base/migrations/0001, which keeps
their table and renames their content type); no table changes."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("pages", "0003_stories_leave_for_their_own_app"),
        ("base", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="SiteSettings")],
        ),
    ]
