"""Every contact and office that exists becomes live (AddField did that) with its current values
as its first revision, published, and a line in its history, so that drafts and reverting work
on them from the start. Backwards: the revisions go (the history's lines stay, without a link to
a revision, as Wagtail kept them before); the rows keep their live values."""

import uuid

from django.db import migrations
from django.utils import timezone
from modelcluster.models import get_serializable_data_for_fields

# The label each model's __str__ gives (historical models have no methods of their own).
MODELS = {
    "office": lambda office: office.name,
    "contactperson": lambda person: f"{person.name} ({person.role})",
}


def content_type(apps, model):
    ContentType = apps.get_model("contenttypes", "ContentType")
    return ContentType.objects.get_or_create(app_label="contacts", model=model)[0]


def publish_existing(apps, schema_editor):
    Revision = apps.get_model("wagtailcore", "Revision")
    ModelLogEntry = apps.get_model("wagtailcore", "ModelLogEntry")
    now = timezone.now()
    for model_name, label in MODELS.items():
        model = apps.get_model("contacts", model_name)
        rows = model.objects.filter(latest_revision__isnull=True)
        if not rows.exists():
            continue
        kind = content_type(apps, model_name)
        for row in rows:
            row.live = True
            row.has_unpublished_changes = False
            row.first_published_at = row.first_published_at or now
            row.last_published_at = now
            revision = Revision.objects.create(
                content_type=kind,
                base_content_type=kind,
                object_id=str(row.pk),
                created_at=now,
                object_str=label(row),
                content=get_serializable_data_for_fields(row),
            )
            row.latest_revision = row.live_revision = revision
            row.save()
            # As the admin logs them: the revision (which the history offers to return to),
            # then its publication (the live version).
            for action in ("wagtail.edit", "wagtail.publish"):
                ModelLogEntry.objects.create(
                    content_type=kind,
                    object_id=str(row.pk),
                    label=label(row),
                    action=action,
                    timestamp=now,
                    uuid=uuid.uuid4(),
                    revision=revision,
                    content_changed=True,
                )


def remove_revisions(apps, schema_editor):
    Revision = apps.get_model("wagtailcore", "Revision")
    ModelLogEntry = apps.get_model("wagtailcore", "ModelLogEntry")
    kinds = [content_type(apps, model_name) for model_name in MODELS]
    ModelLogEntry.objects.filter(content_type__in=kinds).update(revision=None)
    for model_name in MODELS:
        apps.get_model("contacts", model_name).objects.update(
            latest_revision=None, live_revision=None
        )
    Revision.objects.filter(base_content_type__in=kinds).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0003_history"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(publish_existing, remove_revisions)]
