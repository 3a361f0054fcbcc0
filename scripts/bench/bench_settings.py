"""The benchmark's settings: faxeif.settings.production unchanged (it still demands SECRET_KEY,
ALLOWED_HOSTS and DATABASE_URL), except that uploaded images, their renditions and the collected
static files go to the run's temporary folder instead of the project's media/ and staticfiles/,
so a bench run leaves the working copy as it found it."""

import os
from pathlib import Path

from faxeif.settings.production import *  # noqa: F403

MEDIA_ROOT = Path(os.environ["BENCH_MEDIA_ROOT"])
STATIC_ROOT = Path(os.environ["BENCH_STATIC_ROOT"])
