"""The site's starting content: the original page "Baggrund | Hvad satte det i gang?" from
faxeifaellesskab.dk, word for word, split into the pages and snippets that show it. It lives
with the home page, above the page apps, so that it imports downwards only.

Each part lives once: the phases are phase pages (Baggrund shows them through the timeline
block), the vision is on the home page (Baggrund shows it through the vision block), and the
contact details are snippets (Baggrund, the contact page and the footer show them)."""

import datetime
from zoneinfo import ZoneInfo

from django.db import transaction
from wagtail.models import Page, PageLogEntry
from wagtail.rich_text import RichText

from activities.models import ActivityIndexPage
from contacts.models import ContactPage, ContactPerson, Office
from pages.models import ContentPage, PhaseIndexPage, PhasePage
from stories.models import StoryIndexPage

from .models import HomePage

# The original page's "Opdateringsdato: 20.10.2018 - 14:29", in Danish time.
ORIGINAL_PUBLISHED_AT = datetime.datetime(
    2018, 10, 20, 14, 29, tzinfo=ZoneInfo("Europe/Copenhagen")
)

HOME = {
    "vision_heading": "Faxe er et tilvalg",
    "vision_text": (
        "<p>Vores vision er, at Faxe kommune er et tilvalg blandt ansatte og borgere. Vi vil "
        "kendes på vores bevidste valg. Ligesom når vi vælger at være nysgerrige, modige, "
        "generøse og bevidste om vores indflydelse på hinanden.</p>"
        "<p>Vi har valgt at være her - og sådan præger vi kulturen i et Faxe i Fællesskab.</p>"
    ),
    "introduction": (
        "<p>Faxe i Fællesskab er kulturudviklingsprocessen i Faxe Kommune. Her kan du læse om "
        "baggrunden for processen, dens faser, og hvem du kan kontakte.</p>"
    ),
}

OFFICE = {
    "name": "Kontoret for kulturudvikling, innovation og samskabelse",
    "building": "Rådhuset",
    "street_address": "Frederiksgade 9, 1. sal",
    "postal_code": "4690",
    "city": "Haslev",
    "description": (
        "Kulturudviklingsprocessen `Faxe i fællesskab´ drives af Direktionen og ChefForum. "
        "Processen håndteres i praksis fra Kontoret for kulturudvikling, innovation og "
        "samskabelse. Her sidder procesleder Thomas Børager, som sammen med forskellige fagfolk "
        "administrerer og faciliterer temadage, seminarer, workshops, LederForum, hjemmesiden "
        "faxeifaellesskab.dk samt Faxe Leder & LæringsAkademi."
    ),
}

PROCESS_LEADER = {
    "name": "Thomas Børager",
    "role": "Procesleder",
    "phone": "21 66 83 03",
    "email": "tbrag@faxekommune.dk",
    "show_in_footer": True,
}

PHASES = [
    {
        "title": "Lidt forhistorie",
        "slug": "lidt-forhistorie",
        "start_date": datetime.date(2015, 1, 1),
        "end_date": datetime.date(2015, 12, 31),
        "period_label": "2015",
        "introduction": (
            "Tilbage i 2015 bestilte byrådet Center for Offentlig Kompetenceudvikling (COK) til "
            "at lave en analyse af udviklingspotentialet i Faxe kommune. Der blev gennemført "
            "interview blandt borgere, politikere, medarbejdere og chefer – og der tegnede sig "
            "nogle interessante, spirende muligheder, som inviterede til at blive forløst."
        ),
        "paragraphs": [
            "Særligt to begreber dukkede op ad flere omgange i disse interviews; henholdsvis "
            "innovation og samskabelse.",
            "Dansk velfærd har høje standarder - også i en international målestok. Og fokus på "
            "innovation og samskabelse er kloge bud på veje til at bevare og udvikle vores "
            "velfærdssamfund.",
        ],
    },
    {
        "title": "Det ny Faxe",
        "slug": "det-ny-faxe",
        "start_date": datetime.date(2016, 1, 1),
        "end_date": datetime.date(2017, 8, 31),
        "period_label": "Efter 2015 og frem til efteråret 2017",
        "introduction": (
            "Den følgende periode bar præg af grundige overvejelser og sunde diskussioner, "
            "omkring de nye perspektiver – derfor gik denne fase i processen under navnet "
            "”Det ny Faxe”."
        ),
        "paragraphs": [
            "At forstyrre ”forventningerne om, at levere det forventede” gør noget ved mange, "
            "som arbejder i en kommunal ramme. Men nysgerrigheden på hvad der mon sker, når man "
            'ind i mellem forlader "plejerhandlinger" og erstatter dem med modigere '
            '"prøvehandlinger", er nu alligevel en ret fristende affære. Kan det praktiseres i '
            "hele organisationen? Helt ud i yderste led?",
        ],
    },
    {
        "title": "Faxe i Fællesskab",
        "slug": "faxe-i-faellesskab",
        "start_date": datetime.date(2017, 9, 1),
        "end_date": None,
        "period_label": "Fra efteråret 2017",
        "introduction": (
            "I efteråret 2017 har processen fået så meget form og bevæger sig derfor naturligt "
            'over i næste fase; "Faxe i Fællesskab". Her får alle organisationens medarbejdere '
            "stille og roligt mulighed for, at prøve kræfter med hvad det reelt gør ved os, når "
            "normal praksis rammes af nye vinkler, når udfordringer tilgås på anden vis, når man "
            "pludselig finder sig selv i uventede samarbejdsrelationer, når nogle stiller uvante "
            "spørgsmål og når man ser tingene på skrå."
        ),
        "paragraphs": [],
    },
]


def paragraphs_html(*paragraphs: str) -> RichText:
    return RichText("".join(f"<p>{text}</p>" for text in paragraphs))


def baggrund_body(process_leader: ContactPerson) -> list:
    return [
        (
            "paragraph",
            paragraphs_html(
                "At skabe en dyb forståelse for nogle udvalgte begreber i en hel organisation, er "
                "grundlæggende et omfattende opgave. Organisationen rummer imidlertid så mange "
                "spændende kompetencer og unikke erfaringer, som åbner op for nye muligheder, når "
                "idéer parres i fællesskaber der vil noget mere. Potentialet fortjener at blive "
                "forløst. Så det har vi sat os for..."
            ),
        ),
        ("phase_timeline", {"show_full_text": True}),
        ("heading", {"text": "Sammen kan vi mere", "level": "2"}),
        (
            "paragraph",
            paragraphs_html(
                "Faxe i Fællesskab betyder også at vi hjælper hinanden, tager os af dem der har "
                "det svært og fejrer dem, der gør det godt.",
                "Faxe i Fællesskab betyder at vi har fokus på det potentiale, som opstår i "
                "fællesskaber.",
            ),
        ),
        ("heading", {"text": "Stolthed", "level": "2"}),
        (
            "paragraph",
            paragraphs_html(
                "Vær stolt af det, I går og gør sammen. Hvert eneste individ rummer masser af "
                "værdifuld viden og kunnen, som former betragtninger og idéer. Gode spørgsmål er "
                "en af vejene til at lokke dem frem. Så vær nysgerrig og tænk højt! Tænk JA før "
                "du siger NEJ. Sig PYT!, TAK! og PRØV IGEN! og &quot;Skal jeg ikke give en hånd "
                "med?&quot;"
            ),
        ),
        ("vision", None),
        ("heading", {"text": "Kontaktinformation", "level": "2"}),
        (
            "contact_card",
            {
                "heading": "Kontakt Faxe i Fællesskab",
                "person": process_leader,
                "show_office_description": True,
            },
        ),
    ]


def publish(page: Page, published_at: datetime.datetime | None = None) -> None:
    """Publish the page's current state as a version the history offers to return to (*Se og
    gendan denne version*: Wagtail offers it on the entry that made the version, its creation
    or an edit, not on its publication); with published_at, date it as the original was."""
    created = PageLogEntry.objects.filter(page=page, action="wagtail.create", revision=None)
    revision = page.save_revision(log_action=not created.exists())
    created.update(revision=revision)
    revision.publish()
    if published_at is not None:
        type(revision).objects.filter(pk=revision.pk).update(created_at=published_at)
        Page.objects.filter(pk=page.pk).update(
            first_published_at=published_at,
            last_published_at=published_at,
            latest_revision_created_at=published_at,
        )


def add_child(parent: Page, page: Page, published_at: datetime.datetime | None = None) -> Page:
    parent.add_child(instance=page)
    publish(page, published_at)
    return page


def site_has_content(home: HomePage) -> bool:
    return home.get_children().exists()


@transaction.atomic
def build_site() -> bool:
    """Build the seed content under the home page. Does nothing when the site already has
    content, so it never overwrites, or brings back, what editors changed or removed.
    Returns whether it built anything."""
    home = HomePage.objects.get()
    if site_has_content(home):
        return False

    office = Office.objects.create(**OFFICE)
    # Live, with a first revision that the history offers to return to.
    office.save_revision(log_action="wagtail.create").publish()
    process_leader = ContactPerson.objects.create(office=office, **PROCESS_LEADER)
    process_leader.save_revision(log_action="wagtail.create").publish()

    for field, value in HOME.items():
        setattr(home, field, value)
    publish(home)

    add_child(
        home,
        ContentPage(
            title="Baggrund",
            slug="baggrund",
            seo_title="Baggrund | Hvad satte det i gang?",
            subtitle="Hvad satte det i gang?",
            search_description="Hvad er egentlig baggrunden for hele denne ambitiøse indsats? "
            "Om forhistorien, Det ny Faxe og Faxe i Fællesskab.",
            introduction="Hvad er egentlig baggrunden for hele denne ambitiøse indsats?",
            body=baggrund_body(process_leader),
        ),
        ORIGINAL_PUBLISHED_AT,
    )

    phases = add_child(
        home,
        PhaseIndexPage(
            title="Faser",
            slug="faser",
            introduction="Kulturudviklingsprocessen er gået gennem flere faser, fra analysen i "
            "2015 til Faxe i Fællesskab.",
        ),
    )
    for phase in PHASES:
        add_child(
            phases,
            PhasePage(
                title=phase["title"],
                slug=phase["slug"],
                start_date=phase["start_date"],
                end_date=phase["end_date"],
                period_label=phase["period_label"],
                introduction=phase["introduction"],
                body=[("paragraph", paragraphs_html(p)) for p in phase["paragraphs"]],
            ),
            ORIGINAL_PUBLISHED_AT,
        )

    # The sections for activities and stories: the seed gives no activities or stories, so
    # their introductions say only what the seed says (the activity types and who runs them).
    add_child(
        home,
        ActivityIndexPage(
            title="Aktiviteter",
            slug="aktiviteter",
            introduction="Procesleder og forskellige fagfolk fra Kontoret for kulturudvikling, "
            "innovation og samskabelse administrerer og faciliterer temadage, seminarer, "
            "workshops, LederForum og Faxe Leder & LæringsAkademi. Her kan du se, hvad der "
            "kommer, og tilmelde dig.",
        ),
    )
    add_child(
        home,
        StoryIndexPage(
            title="Fortællinger",
            slug="fortaellinger",
            introduction="Her kan du læse fortællinger, reportager og prøvehandlinger fra "
            "temadage, seminarer, workshops, LederForum og Faxe Leder & LæringsAkademi.",
        ),
    )
    add_child(
        home,
        ContactPage(
            title="Kontakt",
            slug="kontakt",
            introduction="Kontakt Faxe i Fællesskab. Processen håndteres i praksis fra Kontoret "
            "for kulturudvikling, innovation og samskabelse.",
        ),
    )
    return True
