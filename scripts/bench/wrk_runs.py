"""Measuring a page with wrk on loopback: a warm-up, the measured run, a repeat when other
processes disturbed it; and single requests as the front server would send them."""

import re
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field

from scripts.bench.commands import BenchError, env_int, say
from scripts.bench.cpu_time import NOISY_CPU, OtherCpu
from scripts.bench.servers import FRONT_SERVER_HEADER

UNCACHED_HEADER = "Cookie: sessionid=bench"

DURATION = env_int("BENCH_DURATION", 10)
WARMUP = env_int("BENCH_WARMUP", 2)
CONNECTIONS = env_int("BENCH_CONNECTIONS", 8)
WRK_THREADS = env_int("BENCH_THREADS", 2)
RETRIES = env_int("BENCH_RETRIES", 1)


def fetch(url: str, uncached: bool = False) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=dict([FRONT_SERVER_HEADER]))
    if uncached:
        name, value = UNCACHED_HEADER.split(": ", 1)
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()
    except OSError as e:
        raise BenchError(f"GET {url}: {e}") from e


@dataclass
class WrkResult:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_2xx: int = 0
    socket_errors: dict = field(default_factory=dict)
    # CPUs' worth of time that processes other than the bench's used during the run: this
    # machine's other work, which the figures then share the CPUs with.
    other_cpu: float = 0.0
    # CPU time the server's processes spent per request: unlike requests/s, barely changed by
    # other work on the machine.
    server_cpu_ms: float = 0.0

    @property
    def problems(self) -> str:
        errors = {k: v for k, v in self.socket_errors.items() if v}
        parts = [f"{self.non_2xx} non-2xx/3xx"] if self.non_2xx else []
        parts += [f"{v} {k} errors" for k, v in errors.items()]
        return ", ".join(parts)


UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def parse_wrk(output: str) -> WrkResult:
    def latency(pct: str) -> float:
        m = re.search(rf"^\s*{pct}%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.M)
        if not m:
            raise BenchError(f"no {pct}% latency in wrk's output:\n{output}")
        return float(m.group(1)) * UNITS_MS[m.group(2)]

    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M)
    count = re.search(r"^\s*(\d+) requests in ", output, re.M)
    if not rps or not count:
        raise BenchError(f"cannot read wrk's output:\n{output}")
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sock = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return WrkResult(
        rps=float(rps.group(1)),
        p50_ms=latency("50"),
        p99_ms=latency("99"),
        requests=int(count.group(1)),
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=dict(
            zip(("connect", "read", "write", "timeout"), map(int, sock.groups()), strict=True)
        )
        if sock
        else {},
    )


def wrk(
    url: str, duration: int, uncached: bool = False, connections: int = CONNECTIONS
) -> WrkResult:
    cmd = ["wrk", f"-t{min(WRK_THREADS, connections)}", f"-c{connections}", f"-d{duration}s"]
    # A request slower than this is not recorded; 30 s records any page that answers at all.
    cmd += ["--latency", "--timeout", "30s", "-H", ": ".join(FRONT_SERVER_HEADER)]
    if uncached:
        cmd += ["-H", UNCACHED_HEADER]
    cmd.append(url)
    meter = OtherCpu()
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 30)
    except subprocess.TimeoutExpired as e:
        raise BenchError(f"wrk on {url} did not finish") from e
    other_cpu = meter.stop()
    if done.returncode != 0:
        raise BenchError(f"wrk on {url} failed ({done.returncode}): {done.stderr}")
    result = parse_wrk(done.stdout)
    result.other_cpu = other_cpu
    result.server_cpu_ms = meter.server_seconds * 1000 / max(result.requests, 1)
    if result.requests == 0:
        raise BenchError(f"wrk on {url}: no request completed\n{done.stdout}")
    if result.non_2xx:
        raise BenchError(f"wrk on {url}: {result.non_2xx} responses were errors\n{done.stdout}")
    return result


def measure(url: str, uncached: bool, retries: int = RETRIES) -> WrkResult:
    """A short unrecorded warm-up (every worker has rendered the page and holds its database
    connection), then the measured run. A run during which other processes took CPU time is
    repeated (up to RETRIES times, after a pause) and the quietest run is kept."""
    if WARMUP:
        wrk(url, WARMUP, uncached)
    result = latest = wrk(url, DURATION, uncached)
    for _ in range(retries):
        if result.other_cpu < NOISY_CPU:
            break
        say(f"  (other processes used {latest.other_cpu:.2f} CPUs: measuring {url} again)")
        time.sleep(5)
        latest = wrk(url, DURATION, uncached)
        result = min(result, latest, key=lambda r: r.other_cpu)
    kind = "uncached " if uncached else "anonymous"
    note = f"  ({result.problems})" if result.problems else ""
    if result.other_cpu >= NOISY_CPU:
        note += f"  [other processes used {result.other_cpu:.2f} CPUs meanwhile]"
    say(
        f"  {kind} {url:<28} {result.rps:9.1f} req/s  p50 {result.p50_ms:7.2f} ms  "
        f"p99 {result.p99_ms:7.2f} ms  server CPU {result.server_cpu_ms:5.2f} ms/req{note}"
    )
    return result
