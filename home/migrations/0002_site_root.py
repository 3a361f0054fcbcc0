"""The site root: a Forside in place of Wagtail's default welcome page, served for every host."""

from django.db import migrations


def create_site_root(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    Locale = apps.get_model("wagtailcore", "Locale")
    HomePage = apps.get_model("home", "HomePage")

    # Wagtail's own migrations leave a generic welcome page at the root; it has no content.
    Page.objects.filter(
        depth=2, content_type__app_label="wagtailcore", content_type__model="page"
    ).delete()
    content_type, _ = ContentType.objects.get_or_create(app_label="home", model="homepage")
    home = HomePage.objects.create(
        title="Forside",
        draft_title="Forside",
        slug="forside",
        content_type=content_type,
        path="00010001",
        depth=2,
        numchild=0,
        url_path="/forside/",
        locale=Locale.objects.get_or_create(language_code="da")[0],
        show_in_menus=False,
    )
    Page.objects.filter(depth=1).update(numchild=1)
    Site.objects.all().delete()
    Site.objects.create(
        hostname="localhost",
        port=80,
        site_name="Faxe i Fællesskab",
        root_page=home,
        is_default_site=True,
    )


def remove_site_root(apps, schema_editor):
    apps.get_model("home", "HomePage").objects.filter(depth=2).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_site_root, remove_site_root)]
