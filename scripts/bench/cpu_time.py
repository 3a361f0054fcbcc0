"""Other load on the machine: how much CPU time processes other than the bench's used during a
run (which makes its figures doubtful), and how much its servers used per request."""

import os
import resource
import time
from pathlib import Path

from scripts.bench.servers import Server

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
# Other processes using this much CPU during a run make its figures doubtful.
NOISY_CPU = 0.1


def busy_ticks() -> int:
    """Time the CPUs spent running processes: user, nice and system (not interrupts, whose
    loopback network work belongs to no process)."""
    user, nice, system = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:4]
    return int(user) + int(nice) + int(system)


def group_ticks(groups: set[int]) -> int:
    """CPU time of every process in these process groups or with one of these ids as its parent,
    with their reaped children's. (PostgreSQL's backends each lead a process group of their own;
    their parent is the postmaster.)"""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) in groups or int(fields[1]) in groups:
            total += sum(int(v) for v in fields[11:15])  # utime stime cutime cstime
    return total


def own_seconds() -> float:
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


# What serves requests besides the bench's own servers: the PostgreSQL server (its postmaster,
# which leads a process group, and its backends, the postmaster's children).
SERVING_GROUPS: set[int] = set()


def postgres_group() -> int | None:
    """The throwaway PostgreSQL's postmaster, found through its postmaster.pid
    (scripts/with_postgres.sh keeps the cluster in PGHOST/data)."""
    try:
        pid = int((Path(os.environ["PGHOST"]) / "data" / "postmaster.pid").read_text().split()[0])
        return os.getpgid(pid)
    except (KeyError, OSError, ValueError, IndexError):
        return None


class OtherCpu:
    """How many CPUs' worth of time processes other than the bench's (its servers, the database
    server, wrk and itself) used between start and stop()."""

    def __init__(self):
        self.groups = {server.pid for server in Server.running} | SERVING_GROUPS
        self.started = time.monotonic()
        self.busy, self.ours, self.own = busy_ticks(), group_ticks(self.groups), own_seconds()

    def stop(self) -> float:
        elapsed = time.monotonic() - self.started
        busy = busy_ticks() - self.busy
        ours = group_ticks(self.groups) - self.ours
        own = (own_seconds() - self.own) * CLOCK_TICKS
        self.server_seconds = ours / CLOCK_TICKS
        return max(0.0, (busy - ours - own) / CLOCK_TICKS / elapsed)
