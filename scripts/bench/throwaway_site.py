"""The throwaway site that the bench, tune.py and soak.py serve: its environment (the production
settings through bench_settings.py, with its uploads, static files and cache in the run's
temporary folder) and its content (migrate, seed_content, generate_site.py, collectstatic)."""

import os
import sys
from pathlib import Path

from scripts.bench.commands import env_int, run, say
from scripts.served_site import BASE_DIR

BENCH_DIR = Path(__file__).resolve().parent


def base_env(tmp: Path, database_url: str) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        # Not the project's cache or any Redis: the bench's cache lives in its own folder.
        if k not in ("REDIS_URL", "DJANGO_SETTINGS_MODULE", "PYTHONPATH")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="bench_settings",
        PYTHONPATH=f"{BASE_DIR}{os.pathsep}{BENCH_DIR}",
        SECRET_KEY="bench-only-" + os.urandom(16).hex(),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database_url,
        BENCH_MEDIA_ROOT=str(tmp / "media"),
        BENCH_STATIC_ROOT=str(tmp / "static"),
        CACHE_DIR=str(tmp / "cache"),
        HOST="127.0.0.1",
    )
    return env


def prepare_site(env: dict) -> None:
    py = sys.executable
    run([py, "manage.py", "migrate", "--noinput", "--verbosity", "0"], env, "migrate")
    run([py, "manage.py", "seed_content"], env, "seed_content")
    generate = [py, str(BENCH_DIR / "generate_site.py")]
    generate += ["--sections", str(env_int("BENCH_SECTIONS", 20))]
    generate += ["--children", str(env_int("BENCH_CHILDREN", 50))]
    generate += ["--images", str(env_int("BENCH_IMAGES", 200))]
    out = run(generate, env, "generate_site.py")
    say("   ", out.strip())
    run([py, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"], env, "collectstatic")
