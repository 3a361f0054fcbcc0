"""The guide's sections, in the order the procesleder meets the tasks: each with its text (a
template of its own under templates/editors/sections/) and its pictures (screenshots of the admin
under static/guide/, taken by scripts/guide_pictures.py)."""

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.conf import settings
from PIL import Image

PICTURES = Path(settings.BASE_DIR) / "static" / "guide"


@dataclass(frozen=True)
class Picture:
    name: str  # file name under static/guide/
    alt: str
    caption: str

    @property
    def file(self) -> str:
        return f"guide/{self.name}"

    @property
    def width(self) -> int:
        return size_of(self.name)[0]

    @property
    def height(self) -> int:
        return size_of(self.name)[1]


@cache
def size_of(name: str) -> tuple[int, int]:
    with Image.open(PICTURES / name) as image:
        return image.size


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    pictures: tuple[Picture, ...] = field(default=())

    @property
    def template(self) -> str:
        return f"editors/sections/{self.slug}.html"


SECTIONS = (
    Section(
        "kom-i-gang",
        "Kom i gang",
        (
            Picture(
                "kontrolpanel.webp",
                "Kontrolpanelet med genvejene Skriv en fortælling, Opret en aktivitet, "
                "Se tilmeldinger og Vejledning.",
                "Kontrolpanelet: genvejene øverst fører direkte til de daglige opgaver.",
            ),
        ),
    ),
    Section(
        "ret-en-side",
        "Ret en side, fx Baggrund",
        (
            Picture(
                "ret-en-side.webp",
                "Redigering af siden Baggrund med felterne Titel, Introduktion og Indhold, og "
                "knapperne Udgiv og Flere handlinger nederst.",
                "En side i redigering: Udgiv nederst til venstre, Gem kladde under pilen.",
            ),
        ),
    ),
    Section("billeder", "Tilføj et billede"),
    Section("fortaelling", "Skriv en fortælling"),
    Section("aktivitet", "Opret en aktivitet med tilmelding"),
    Section(
        "tilmeldinger",
        "Håndter tilmeldinger",
        (
            Picture(
                "tilmeldinger.webp",
                "Listen Tilmeldinger med knapperne Hent som Excel og Hent som CSV.",
                "Tilmeldinger: filtrér på aktivitet, og hent listen til Excel.",
            ),
        ),
    ),
    Section(
        "kontakter",
        "Ret en kontaktperson eller et kontor",
        (
            Picture(
                "kontakt.webp",
                "Redigering af kontaktpersonen Thomas Børager med feltet Telefon og panelet "
                "Status åbent med knappen Angiv tidsplan.",
                "En kontaktperson i redigering: Status viser, hvad der er udgivet, og hvornår "
                "en ændring er planlagt.",
            ),
        ),
    ),
    Section("planlaeg", "Planlæg en udgivelse"),
    Section("tidligere-version", "Gå tilbage til en tidligere version"),
    Section("omdirigering", "Tilføj en omdirigering"),
    Section(
        "papirkurv",
        "Slet en side, og få den tilbage",
        (
            Picture(
                "papirkurv.webp",
                "Papirkurven med en slettet side, hvem der slettede den, hvornår den slettes "
                "for altid, og knappen Gendan.",
                "Papirkurven: Gendan lægger siden tilbage på sin gamle adresse.",
            ),
        ),
    ),
    Section(
        "gennemgang",
        "Hold siderne opdateret",
        (
            Picture(
                "gennemgang.webp",
                "Rapporten Sider til gennemgang med siden Baggrund, dens ejer, datoen og knappen "
                "Marker som gennemgået.",
                "Sider til gennemgang: ét klik flytter datoen et år frem.",
            ),
        ),
    ),
)
