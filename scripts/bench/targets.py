"""The bench's targets (from the issue) and which of them a run's results meet."""

# The targets (from the issue).
TARGET_CACHED_VS_BARE = 0.75
TARGET_CACHED_VS_UNCACHED = 15.0
TARGET_UNCACHED_P99_MS = 150.0
TARGET_WORKER_MB = 150.0
TARGET_VARNISH_VS_NGINX = 0.80


def memory_check(memory: dict) -> tuple[bool, str]:
    """The target is about the workers after the run (the issue's words): what they hold for
    good. The peak (VmHWM) is printed above; a worker that rendered image renditions peaks higher
    and gives the memory back (gunicorn.conf.py's malloc settings)."""
    at_end = sorted(memory["rss_mb_at_end"].values(), reverse=True)
    over = [mb for mb in at_end if mb > TARGET_WORKER_MB]
    text = (
        f"<= {TARGET_WORKER_MB:.0f} MB resident per worker after the run: "
        f"{', '.join(f'{mb:.0f}' for mb in at_end)} MB (peak during the run "
        f"{max(memory['peak_mb'].values()):.0f} MB)"
    )
    return bool(at_end) and not over, text


def measured_pages(results: dict) -> list[dict]:
    return [p for p in results["pages"] if p["path"] and "error" not in p]


def failed_pages(results: dict) -> list[dict]:
    return [p for p in results["pages"] if "error" in p]


def targets(results: dict) -> list[tuple[bool, str]]:
    measured = measured_pages(results)
    cacheable = [p for p in measured if p["cacheable"]]
    bare = results["bare_wsgi"]["rps"]

    def check(name: str, values: list[tuple[str, float, bool]], unit: str = "") -> tuple:
        text = ", ".join(f"{path} {value:.2f}{unit}" for path, value, _ in values)
        return all(ok for _, _, ok in values), f"{name}: {text}"

    return [
        check(
            f"cached >= {TARGET_CACHED_VS_BARE:.0%} of bare WSGI (cached/bare)",
            [
                (p["path"], r := p["cached"]["rps"] / bare, r >= TARGET_CACHED_VS_BARE)
                for p in cacheable
            ],
        ),
        check(
            f"cached >= {TARGET_CACHED_VS_UNCACHED:.0f}x uncached (cached/uncached)",
            [
                (
                    p["path"],
                    r := p["cached"]["rps"] / p["uncached"]["rps"],
                    r >= TARGET_CACHED_VS_UNCACHED,
                )
                for p in cacheable
            ],
            "x",
        ),
        check(
            f"uncached p99 <= {TARGET_UNCACHED_P99_MS:.0f} ms at {results['wrk']['connections']} "
            "connections",
            [
                (p["path"], v := p["uncached"]["p99_ms"], v <= TARGET_UNCACHED_P99_MS)
                for p in measured
            ],
            " ms",
        ),
        memory_check(results["memory"]),
        *stack_checks(results),
    ]


def stack_checks(results: dict) -> list[tuple[bool, str]]:
    """Varnish against nginx serving the same bytes as a file; a publish seen at once."""
    if (stack := results.get("stack")) is None:
        return []
    ratio = stack["varnish"]["rps"] / results["nginx"]["rps"]
    purge = stack["purge"]
    return [
        (
            ratio >= TARGET_VARNISH_VS_NGINX,
            f"Varnish >= {TARGET_VARNISH_VS_NGINX:.0%} of nginx's static file: {ratio:.2f}",
        ),
        (
            purge["visible_on_next_request"],
            "a publish is visible through Varnish on the next request: "
            + ("yes" if purge["visible_on_next_request"] else "NO")
            + f" ({purge['next_request_ms']} ms, {purge['next_request']})",
        ),
    ]
