"""Build the site's two web fonts from IBM Plex Sans, as Det Fælles Designsystem (DKFDS) ships it.

    npm pack dkfds@11.2.0 && tar xzf dkfds-11.2.0.tgz
    .venv/bin/python scripts/subset_fonts.py package/src/fonts/IBMPlexSans/complete/ttf

Only the weights the stylesheet uses (400 for text, 600 for headings and buttons), only the
characters Danish text needs (Latin-1, dashes, quotes, the euro sign), as woff2: about 11 KB each
instead of 56 KB. The font's licence (SIL OFL 1.1) reserves the name "Plex" for unmodified
fonts, so the subsets are renamed "FiF Sans" in their name table and their file names."""

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

FAMILY = "FiF Sans"
WEIGHTS = {"Regular": "IBMPlexSans-Regular.ttf", "SemiBold": "IBMPlexSans-SemiBold.ttf"}
OUT = Path(__file__).resolve().parent.parent / "static" / "fonts"

# Printable ASCII and Latin-1 (æ ø å é ü « » § ½ and the no-break space), then the typography
# of Danish text: en and em dash, curly quotes, bullet, ellipsis, per mille, euro, minus.
UNICODES = [
    *range(0x20, 0x7F),
    *range(0xA0, 0x100),
    0x2013,
    0x2014,
    *range(0x2018, 0x201F),
    0x2022,
    0x2026,
    0x2030,
    0x20AC,
    0x2212,
]


def rename(font: TTFont, style: str) -> None:
    """Name the subset FiF Sans in every name record that said IBM Plex Sans."""
    names = {
        1: FAMILY if style == "Regular" else f"{FAMILY} {style}",
        2: "Regular",
        3: f"{FAMILY.replace(' ', '')}-{style}",
        4: f"{FAMILY} {style}",
        6: f"{FAMILY.replace(' ', '')}-{style}",
        16: FAMILY,
        17: style,
    }
    table = font["name"]
    for record in list(table.names):
        if record.nameID in names:
            table.setName(
                names[record.nameID],
                record.nameID,
                record.platformID,
                record.platEncID,
                record.langID,
            )


def build(source_dir: Path) -> None:
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["kern", "liga", "calt", "ccmp", "locl", "mark", "mkmk"]
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14, 16, 17]  # keep copyright and licence
    options.hinting = False  # browsers on today's screens ignore it; a third of the size
    OUT.mkdir(exist_ok=True)
    for style, file_name in WEIGHTS.items():
        font = subset.load_font(str(source_dir / file_name), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=UNICODES)
        subsetter.subset(font)
        rename(font, style)
        target = OUT / f"FiFSans-{style}.woff2"
        subset.save_font(font, str(target), options)
        print(f"{target.relative_to(OUT.parent.parent)}: {target.stat().st_size} bytes")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    build(Path(sys.argv[1]))
