"""The Procesleder group sees, corrects and deletes the sign-ups (and exports them from the
listing). Adding sign-ups is left to the form, which decides seat or waiting list."""

from django.db import migrations

GROUP_NAME = "Procesleder"
CODENAMES = ["view_signup", "change_signup", "delete_signup"]


def permissions(apps):
    # On a fresh database Django creates permissions only after all migrations have run, so
    # make them here when they are not there yet (as home/migrations/0003 does).
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label="activities", model="signup")
    for codename in CODENAMES:
        perm, _ = Permission.objects.get_or_create(
            content_type=content_type,
            codename=codename,
            defaults={"name": codename.replace("_", " ").capitalize()},
        )
        yield perm


def grant(apps, schema_editor):
    group = apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).first()
    if group is not None:
        group.permissions.add(*permissions(apps))


def revoke(apps, schema_editor):
    group = apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).first()
    if group is not None:
        group.permissions.remove(*permissions(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0001_initial"),
        ("home", "0003_procesleder_group"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
