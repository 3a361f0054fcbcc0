"""The Procesleder group: edits and publishes the site's pages, images, documents and contacts,
but manages no users, groups or settings."""

from django.db import migrations

GROUP_NAME = "Procesleder"
# Add, edit, publish (which includes unpublish) and lock. Deleting is left to administrators:
# Wagtail deletes pages for good, and unpublishing takes a page off the site just as well.
PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]
COLLECTION_PERMISSIONS = {
    ("wagtailimages", "image"): ["add_image", "change_image", "choose_image", "delete_image"],
    ("wagtaildocs", "document"): [
        "add_document",
        "change_document",
        "choose_document",
        "delete_document",
    ],
}
MODEL_PERMISSIONS = {
    ("wagtailadmin", "admin"): ["access_admin"],
    ("contacts", "contactperson"): [
        "add_contactperson",
        "change_contactperson",
        "delete_contactperson",
    ],
    ("contacts", "office"): ["add_office", "change_office", "delete_office"],
}


def permission(apps, app_label, model, codename):
    # On a fresh database Django creates permissions only after all migrations have run, so
    # make them here when they are not there yet.
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    perm, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename=codename,
        defaults={"name": codename.replace("_", " ").capitalize()},
    )
    return perm


def create_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")

    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    for (app_label, model), codenames in MODEL_PERMISSIONS.items():
        for codename in codenames:
            group.permissions.add(permission(apps, app_label, model, codename))

    home = Page.objects.get(depth=2, content_type__app_label="home")
    for codename in PAGE_PERMISSIONS:
        GroupPagePermission.objects.get_or_create(
            group=group, page=home, permission=permission(apps, "wagtailcore", "page", codename)
        )

    root_collection = Collection.objects.get(depth=1)
    for (app_label, model), codenames in COLLECTION_PERMISSIONS.items():
        for codename in codenames:
            GroupCollectionPermission.objects.get_or_create(
                group=group,
                collection=root_collection,
                permission=permission(apps, app_label, model, codename),
            )


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0002_site_root"),
        ("contacts", "0001_initial"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
