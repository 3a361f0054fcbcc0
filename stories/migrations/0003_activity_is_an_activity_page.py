"""A story's activity is a real foreign key to an activity page (it pointed at any page, and the
model checked the type in clean())."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("stories", "0002_drop_links_to_pages_that_are_not_activities"),
    ]

    operations = [
        migrations.AlterField(
            model_name="storypage",
            name="activity",
            field=models.ForeignKey(
                blank=True,
                help_text="Den aktivitet, fortællingen er fra (valgfri). Fortællingen vises så også på aktivitetens side.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="stories",
                to="activities.activitypage",
                verbose_name="fra aktiviteten",
            ),
        ),
    ]
