"""Redirects: the Procesleder group manages them (Indstillinger → Omdirigeringer), and the original
static faxeifaellesskab.dk's addresses lead permanently to their new homes.

How Wagtail matches (wagtail.contrib.redirects): RedirectMiddleware answers only a 404. It takes
the request's percent-encoded path, normalises it (no trailing slash, sorted query) and looks up
`old_path` exactly, case-sensitively, first with non-ASCII characters decoded (uri_to_iri), then
as sent. uri_to_iri decodes only UTF-8 sequences and leaves ASCII escapes alone, and clients
always send a space as %20. So:
- a path with "æ" is stored decoded ("/Fortællinger/..."), which matches both "/Fortællinger/"
  as typed and "/Fort%C3%A6llinger/" as sent;
- a path with a space is stored with %20, the only form that ever arrives;
- the old site's capital F is kept, plus a lowercase variant, since the old host may have
  answered either.
The targets are links, not pages: the activity and story sections may not exist yet when this
runs, and the filters (?type=, ?tag=) are part of the address."""

from django.db import migrations

GROUP_NAME = "Procesleder"
REDIRECT_PERMISSIONS = ["add_redirect", "change_redirect", "delete_redirect"]

# (old path as stored, new address). "innovationspraktik før" (innovation practice, before) goes
# to the phase "Det ny Faxe", where the organisation leaves its "plejerhandlinger" for
# "prøvehandlinger": the seed's account of the practice before and after.
REDIRECTS = [
    ("/index.html", "/"),
    ("/direktion/dnaet.html", "/baggrund/"),
    ("/direktion/innovation/innovationspraktik%20foer.html", "/faser/det-ny-faxe/"),
    ("/flla/index.html", "/aktiviteter/?type=flla"),
    ("/flla/lederforum.html", "/aktiviteter/?type=lederforum"),
    ("/Fortællinger/temadag.html", "/fortaellinger/"),
    ("/fortællinger/temadag.html", "/fortaellinger/"),
]


def permission(apps, app_label, model, codename):
    # As in 0003: on a fresh database Django creates permissions only after all migrations.
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    perm, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename=codename,
        defaults={"name": codename.replace("_", " ").capitalize()},
    )
    return perm


def add_redirects(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Redirect = apps.get_model("wagtailredirects", "Redirect")

    group = Group.objects.filter(name=GROUP_NAME).first()  # made by 0003, unless removed since
    if group is not None:
        for codename in REDIRECT_PERMISSIONS:
            group.permissions.add(permission(apps, "wagtailredirects", "redirect", codename))

    for old_path, link in REDIRECTS:
        # For every site; leave alone a redirect an editor already made for the same path.
        Redirect.objects.get_or_create(
            old_path=old_path,
            site=None,
            defaults={"redirect_link": link, "is_permanent": True},
        )


def remove_redirects(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Redirect = apps.get_model("wagtailredirects", "Redirect")

    for old_path, link in REDIRECTS:
        Redirect.objects.filter(old_path=old_path, site=None, redirect_link=link).delete()
    group = Group.objects.filter(name=GROUP_NAME).first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="wagtailredirects", codename__in=REDIRECT_PERMISSIONS
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0003_procesleder_group"),
        ("wagtailredirects", "0008_add_verbose_name_plural"),
    ]

    operations = [migrations.RunPython(add_redirects, remove_redirects)]
