"""The stories leave the pages app's state for their own app (stories/migrations/0001, which
keeps their tables and renames their content types); no table changes."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("pages", "0002_stories"),
        ("stories", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name="storypage",
                    name="activity",
                ),
                migrations.RemoveField(
                    model_name="storypage",
                    name="page_ptr",
                ),
                migrations.RemoveField(
                    model_name="storypage",
                    name="tags",
                ),
                migrations.RemoveField(
                    model_name="storypage",
                    name="teaser_image",
                ),
                migrations.RemoveField(
                    model_name="storypagetag",
                    name="content_object",
                ),
                migrations.RemoveField(
                    model_name="storypagetag",
                    name="tag",
                ),
                migrations.DeleteModel(
                    name="StoryIndexPage",
                ),
                migrations.DeleteModel(
                    name="StoryPage",
                ),
                migrations.DeleteModel(
                    name="StoryPageTag",
                ),
            ],
        ),
    ]
