"""The Procesleder group publishes (and unpublishes, and schedules) contacts and offices, and
locks and unlocks them, as it does pages (home/migrations/0003_procesleder_group)."""

from django.db import migrations

GROUP_NAME = "Procesleder"
ACTIONS = ("publish", "lock", "unlock")
MODELS = {"contactperson": "kontaktperson", "office": "kontor"}  # and their verbose names


def permissions(apps):
    # On a fresh database Wagtail creates these permissions only after all migrations have run
    # (wagtail.snippets.models.create_extra_permissions), so make them here when they are not
    # there yet, named as Wagtail names them.
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    for model, verbose_name in MODELS.items():
        content_type, _ = ContentType.objects.get_or_create(app_label="contacts", model=model)
        for action in ACTIONS:
            perm, _ = Permission.objects.get_or_create(
                content_type=content_type,
                codename=f"{action}_{model}",
                defaults={"name": f"Can {action} {verbose_name}"},
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
        ("contacts", "0004_contacts_live_with_a_revision"),
        ("home", "0003_procesleder_group"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
