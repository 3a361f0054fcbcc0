"""What every part of the bench (and tune.py, soak.py) shares: its error, its output, its
tunables from the environment and the commands it runs for the site."""

import os
import subprocess
import time

from scripts.served_site import BASE_DIR


class BenchError(Exception):
    """Something broke: the bench cannot give a trustworthy answer."""


def say(*args) -> None:
    print(*args, flush=True)


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


def run(cmd: list[str], env: dict, what: str, timeout: float = 300) -> str:
    started = time.monotonic()
    try:
        done = subprocess.run(
            cmd, env=env, cwd=BASE_DIR, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired as e:
        raise BenchError(f"{what} took longer than {timeout} s") from e
    if done.returncode != 0:
        raise BenchError(f"{what} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    say(f"  {what}: {time.monotonic() - started:.1f} s")
    return done.stdout
