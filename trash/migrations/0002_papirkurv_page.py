"""The Papirkurv: an unpublished page outside every site (the root's child with the slug
"papirkurv"), under which trashed pages wait (trash/operations.py)."""

from django.db import migrations

SLUG = "papirkurv"
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # treebeard's, four characters a level
STEPLEN = 4


def next_child_path(root, children) -> str:
    last = children.order_by("-path").values_list("path", flat=True).first()
    number = int(last[-STEPLEN:], 36) + 1 if last else 1
    digits = ""
    while number:
        number, digit = divmod(number, 36)
        digits = ALPHABET[digit] + digits
    return root.path + digits.rjust(STEPLEN, "0")


def create_papirkurv(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    root = Page.objects.get(depth=1)
    children = Page.objects.filter(depth=2, path__startswith=root.path)
    if children.filter(slug=SLUG).exists():
        return
    Page.objects.create(
        title="Papirkurv",
        draft_title="Papirkurv",
        slug=SLUG,
        content_type=ContentType.objects.get_or_create(app_label="wagtailcore", model="page")[0],
        path=next_child_path(root, children),
        depth=2,
        numchild=0,
        url_path=f"/{SLUG}/",
        live=False,
        has_unpublished_changes=False,
        show_in_menus=False,
        locale_id=root.locale_id,
    )
    Page.objects.filter(pk=root.pk).update(numchild=children.count())


def remove_papirkurv(apps, schema_editor):
    # Whatever waits in the Papirkurv goes with it.
    Page = apps.get_model("wagtailcore", "Page")
    root = Page.objects.get(depth=1)
    papirkurv = Page.objects.filter(depth=2, slug=SLUG).first()
    if papirkurv is None:
        return
    Page.objects.filter(path__startswith=papirkurv.path).delete()
    Page.objects.filter(pk=root.pk).update(
        numchild=Page.objects.filter(depth=2, path__startswith=root.path).count()
    )


class Migration(migrations.Migration):
    dependencies = [
        ("trash", "0001_trashed_page"),
        # After the site root replaced Wagtail's welcome page (a page of the same type here).
        ("home", "0005_root_page_title"),
    ]

    operations = [migrations.RunPython(create_papirkurv, remove_papirkurv)]
