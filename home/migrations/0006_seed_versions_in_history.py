"""The seed's pages were published from a version that their history did not offer to return to:
Wagtail offers *Se og gendan denne version* on the entry that made a version (the page's
creation, an edit), and the seed logged the creation without the version (home/seed.py now links
them). Each page's creation entry without a version gets the page's first version, so the
procesleder can bring back the seed's text after changing it. Pages made in the admin have theirs
already. Backwards, nothing is undone: the links are true either way."""

from django.db import migrations


def link_first_versions(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    PageLogEntry = apps.get_model("wagtailcore", "PageLogEntry")
    Revision = apps.get_model("wagtailcore", "Revision")
    page_type = ContentType.objects.filter(app_label="wagtailcore", model="page").first()
    if page_type is None:
        return
    for entry in PageLogEntry.objects.filter(action="wagtail.create", revision__isnull=True):
        first = (
            Revision.objects.filter(base_content_type=page_type, object_id=str(entry.page_id))
            .order_by("created_at", "pk")
            .first()
        )
        if first is not None:
            entry.revision = first
            entry.save(update_fields=["revision"])


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0005_root_page_title"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(link_first_versions, migrations.RunPython.noop)]
