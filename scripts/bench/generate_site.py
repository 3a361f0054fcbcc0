"""Grow a seeded site into a large one for the benchmark: IMAGES images (small JPEGs of varied
sizes, made with Pillow) and SECTIONS section pages under the home page with CHILDREN children
each (1,000 pages by default), every body built from heading, paragraph and image blocks.

Benchmark data only, never seed content: run it on a throwaway database, after
`manage.py migrate` and `manage.py seed_content`:

    DJANGO_SETTINGS_MODULE=... python scripts/bench/generate_site.py [--sections 20]
        [--children 50] [--images 200]

Deterministic (fixed random seed), so every run builds the same site. Pages are created live
with one revision each, the bulk-friendly equivalent of save_revision().publish().
"""

import argparse
import io
import os
import random
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]

SECTION_SLUG = "bench-sektion-{:02d}"
WORDS = (
    "fællesskab kultur faxe kommune borgere forening frivillige samskabelse udvikling "
    "lokalsamfund idræt musik bibliotek natur haven skole børn unge ældre byrådet projekt "
    "mødested arrangement værksted dialog tillid ansvar sammen muligheder ideer netværk"
).split()


def sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def paragraph_html(rng: random.Random) -> str:
    return (
        "<p>"
        + " ".join(sentence(rng, rng.randint(8, 18)) for _ in range(rng.randint(3, 6)))
        + "</p>"
    )


def make_jpeg(rng: random.Random, width: int, height: int) -> bytes:
    """A small JPEG: a two-colour gradient with a few shapes (cheap to draw, compresses well)."""
    from PIL import Image, ImageDraw

    top = tuple(rng.randint(0, 255) for _ in range(3))
    bottom = tuple(rng.randint(0, 255) for _ in range(3))
    gradient = Image.linear_gradient("L").resize((width, height))
    image = Image.composite(
        Image.new("RGB", (width, height), top), Image.new("RGB", (width, height), bottom), gradient
    )
    draw = ImageDraw.Draw(image)
    for _ in range(rng.randint(2, 6)):
        x, y = rng.randrange(width), rng.randrange(height)
        r = rng.randint(10, max(11, min(width, height) // 3))
        draw.ellipse(
            (x - r, y - r, x + r, y + r), fill=tuple(rng.randint(0, 255) for _ in range(3))
        )
    out = io.BytesIO()
    image.save(out, "JPEG", quality=70)
    return out.getvalue()


def create_images(rng: random.Random, count: int) -> list:
    from django.core.files.images import ImageFile
    from wagtail.images import get_image_model

    Image = get_image_model()
    images = []
    for n in range(1, count + 1):
        width = rng.choice((320, 480, 640, 800, 1024, 1280, 1600))
        height = int(width * rng.choice((0.5, 0.5625, 0.66, 0.75, 1.0, 1.33)))
        data = make_jpeg(rng, width, height)
        image = Image(title=f"Benchmarkbillede {n:03d}")
        image.file = ImageFile(io.BytesIO(data), name=f"bench-{n:03d}.jpg")
        image.save()
        images.append(image)
    return images


def body(rng: random.Random, images: list, n_images: int) -> list:
    blocks = [("paragraph", paragraph_html(rng))]
    for _ in range(n_images):
        blocks.append(("heading", {"text": sentence(rng, 4)[:-1], "level": "2"}))
        blocks.append(("paragraph", paragraph_html(rng)))
        image = rng.choice(images)
        blocks.append(
            (
                "image",
                {
                    "image": {"image": image.pk, "alt_text": sentence(rng, 6), "decorative": False},
                    "caption": sentence(rng, 5),
                },
            )
        )
        blocks.append(("paragraph", paragraph_html(rng)))
    blocks.append(("heading", {"text": sentence(rng, 3)[:-1], "level": "3"}))
    blocks.append(("paragraph", paragraph_html(rng)))
    return [{"type": t, "value": v} for t, v in blocks]


def add_live_child(parent, page):
    """Create PAGE under PARENT as a published page with one revision (what publish() leaves
    behind, without its per-page log entries and signals)."""
    from django.utils import timezone

    now = timezone.now()
    page.live = True
    page.has_unpublished_changes = False
    page.first_published_at = page.last_published_at = now
    parent.add_child(instance=page)
    revision = page.save_revision(changed=False, clean=False)
    type(page).objects.filter(pk=page.pk).update(
        live_revision=revision, has_unpublished_changes=False, latest_revision_created_at=now
    )
    return page


def generate(sections: int = 20, children: int = 50, images: int = 200, seed: int = 1) -> dict:
    from django.db import transaction

    from base.blocks import BodyBlock
    from home.models import HomePage
    from pages.models import ContentPage

    home = HomePage.objects.get()
    if home.get_children().filter(slug=SECTION_SLUG.format(1)).exists():
        raise SystemExit("generate_site: the benchmark pages exist already")
    rng = random.Random(seed)
    stream = BodyBlock()
    started = time.monotonic()
    with transaction.atomic():
        image_objects = create_images(rng, images)
    images_done = time.monotonic()
    section_pages = []
    for s in range(1, sections + 1):
        with transaction.atomic():
            section = add_live_child(
                home,
                ContentPage(
                    title=f"Sektion {s:02d}: {sentence(rng, 3)[:-1]}",
                    slug=SECTION_SLUG.format(s),
                    subtitle=sentence(rng, 5)[:-1],
                    introduction=sentence(rng, 20),
                    body=stream.to_python(body(rng, image_objects, 2)),
                    show_in_menus=False,
                ),
            )
            section_pages.append(section)
            for c in range(1, children + 1):
                add_live_child(
                    section,
                    ContentPage(
                        title=f"Side {s:02d}.{c:02d}: {sentence(rng, 3)[:-1]}",
                        slug=f"side-{c:02d}",
                        introduction=sentence(rng, 15),
                        body=stream.to_python(body(rng, image_objects, rng.randint(0, 2))),
                        show_in_menus=False,
                    ),
                )
    done = time.monotonic()
    return {
        "images": len(image_objects),
        "pages": sections * (children + 1),
        "image_seconds": round(images_done - started, 1),
        "page_seconds": round(done - images_done, 1),
        "section_urls": [p.url_path for p in section_pages],
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sections", type=int, default=20)
    parser.add_argument("--children", type=int, default=50)
    parser.add_argument("--images", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    sys.path.insert(0, str(BASE_DIR))
    if not os.environ.get("DJANGO_SETTINGS_MODULE"):
        raise SystemExit("generate_site: set DJANGO_SETTINGS_MODULE")
    import django

    django.setup()
    result = generate(args.sections, args.children, args.images, args.seed)
    print(
        f"generated {result['images']} images in {result['image_seconds']} s and "
        f"{result['pages']} pages in {result['page_seconds']} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
