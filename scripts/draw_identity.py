"""Draw the site's mark and its favicon set from one geometry.

    .venv/bin/python scripts/draw_identity.py

The mark: eight people (dots) holding a circle, one of them in the accent colour: Faxe i
Fællesskab, the culture process that everyone in the municipality takes part in. It is written as
SVG for the header and the browsers that take an SVG icon, and drawn with Pillow (at 8 times the
size, then scaled down, for smooth edges) for the rest: favicon.ico, the home-screen icons and
the web app manifest's icons. The files are committed; run this again after changing it."""

import math
from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "static" / "img"

BRAND = "#0b5563"
BRAND_DARK = "#073d47"
ACCENT = "#f2b84b"
WHITE = "#ffffff"

SIZE = 48  # the SVG's viewBox
DOTS = 8
RING = 15.5  # distance of each dot's centre from the middle
DOT = 4.6  # a dot's radius
CORE = 6.5  # the shared middle


def dots() -> list[tuple[float, float]]:
    """The dots' centres, the first at the top, clockwise."""
    middle = SIZE / 2
    return [
        (
            middle + RING * math.sin(2 * math.pi * i / DOTS),
            middle - RING * math.cos(2 * math.pi * i / DOTS),
        )
        for i in range(DOTS)
    ]


def palette(on_tile: bool) -> tuple[str, str, str]:
    """(people, the one in the accent colour, the middle): white on the brand tile of the
    icons, brand colours on the page's white for the header."""
    return (WHITE, ACCENT, ACCENT) if on_tile else (BRAND, ACCENT, BRAND_DARK)


def svg(on_tile: bool, faint: bool = False) -> str:
    """The mark as SVG: on the page's white, on the brand tile (icons), or `faint` (white at low
    opacity, the accent at full strength) for the home page's hero without a picture."""
    people, accent, core = palette(on_tile)
    if faint:
        people = core = WHITE
    middle = SIZE / 2
    first, *others = dots()
    circle = '<circle cx="{:.2f}" cy="{:.2f}" r="{}" fill="{}"/>'.format
    group = [circle(x, y, DOT, people) for x, y in others] + [circle(middle, middle, CORE, core)]
    if faint:
        group = ['<g fill-opacity=".16">', *group, "</g>"]
    shapes = [circle(*first, DOT, accent), *group]
    if on_tile:
        shapes.insert(0, f'<rect width="{SIZE}" height="{SIZE}" rx="10" fill="{BRAND}"/>')
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SIZE} {SIZE}" '
        f'width="{SIZE}" height="{SIZE}">' + "".join(shapes) + "</svg>\n"
    )


def raster(pixels: int, padding: float = 0) -> Image.Image:
    """The icon on its tile, `pixels` square; `padding` (a share of the size) keeps the
    drawing inside the safe zone of maskable icons."""
    scale = 8
    big = pixels * scale
    image = Image.new("RGB", (big, big), BRAND)
    draw = ImageDraw.Draw(image)
    people, accent, core = palette(on_tile=True)
    unit = big * (1 - 2 * padding) / SIZE
    offset = big * padding

    def circle(x, y, r, fill):
        cx, cy = offset + x * unit, offset + y * unit
        draw.ellipse((cx - r * unit, cy - r * unit, cx + r * unit, cy + r * unit), fill=fill)

    for i, (x, y) in enumerate(dots()):
        circle(x, y, DOT, accent if i == 0 else people)
    circle(SIZE / 2, SIZE / 2, CORE, core)
    return image.resize((pixels, pixels), Image.LANCZOS)


def main() -> None:
    OUT.mkdir(exist_ok=True)
    (OUT / "logo.svg").write_text(svg(on_tile=False))
    (OUT / "favicon.svg").write_text(svg(on_tile=True))
    (OUT / "hero-mark.svg").write_text(svg(on_tile=False, faint=True))
    raster(180, padding=0.1).save(OUT / "apple-touch-icon.png", optimize=True)
    raster(192, padding=0.1).save(OUT / "icon-192.png", optimize=True)
    raster(512, padding=0.1).save(OUT / "icon-512.png", optimize=True)
    raster(48).save(OUT / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])
    for path in sorted(OUT.glob("*")):
        if path.suffix in {".svg", ".png", ".ico"}:
            print(f"{path.name}: {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
