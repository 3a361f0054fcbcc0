"""The bench's report: the table of pages and references, the workers' memory, the other load
on the machine, notes on pages the cache leaves alone, and PASS/FAIL for each target."""

from scripts.bench.commands import say
from scripts.bench.cpu_time import NOISY_CPU
from scripts.bench.servers import REFERENCE_PATH
from scripts.bench.targets import measured_pages, targets
from scripts.bench.wrk_runs import UNCACHED_HEADER


def fmt(value: float | None, width: int, digits: int = 1) -> str:
    return f"{value:{width}.{digits}f}" if value is not None else f"{'n/a':>{width}}"


def report(results: dict) -> None:
    g = results["gunicorn"]
    wrk_conf = results["wrk"]
    bare = results["bare_wsgi"]
    nginx = results["nginx"]
    say("")
    say(f"faxeif bench, {results['when']}, commit {results['commit']}")
    say(f"  database: {results['database']}; {results['cpus']} CPUs; everything on loopback")
    say(
        f"  gunicorn.conf.py: {g.get('workers')} x {g.get('worker_class')} worker(s), "
        f"{g.get('threads')} thread(s), max_requests {g.get('max_requests')} "
        f"(+{g.get('max_requests_jitter')}), preload_app {g.get('preload_app')}"
    )
    say(
        f"  wrk: {wrk_conf['threads']} threads, {wrk_conf['connections']} connections, "
        f"{wrk_conf['duration_s']} s per run after {wrk_conf['warmup_s']} s of warm-up; "
        f"uncached = '{UNCACHED_HEADER}', cached = anonymous"
    )
    say("")
    # Per measured run: req/s, p50 and p99 latency, server CPU per request.
    cols = f"{'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'CPU ms':>6}"
    blank = f"{'':>8} {'':>7} {'':>7} {'':>6}"
    width = len(cols)

    def cells(run: dict | None) -> str:
        if run is None:
            return f"{'n/a':>8} {'n/a':>7} {'n/a':>7} {'n/a':>6}"
        return (
            f"{fmt(run['rps'], 8)} {fmt(run['p50_ms'], 7, 1)} {fmt(run['p99_ms'], 7, 1)} "
            f"{fmt(run['server_cpu_ms'], 6, 2)}"
        )

    say(
        f"{'page':<42}| {'uncached (session cookie)':^{width}} | {'cached (anonymous)':^{width}} "
        f"| {'X-Cache':<7} | {'cached/':>7} {'cached/':>8}"
    )
    say(f"{'':<42}| {cols} | {cols} | {'':<7} | {'bare':>7} {'uncached':>8}")
    rule = "-" * (42 + 2 * (width + 3) + 29)
    say(rule)
    for page in results["pages"]:
        if page["path"] is None:
            name = f"{page['label']} (no page yet)"
            say(f"{name:<42}| {cells(None)} | {cells(None)} | {'n/a':<7} | {'n/a':>7} {'n/a':>8}")
            continue
        if "error" in page:
            say(f"{page['path'] + ' ' + page['label']:<42}| ERROR: {page['error'].splitlines()[0]}")
            continue
        u, c = page["uncached"], page["cached"]
        name = f"{page['path']} {page['label']}"
        say(
            f"{name:<42}| {cells(u)} | {cells(c)} | {page['x_cache']:<7} "
            f"| {c['rps'] / bare['rps']:7.2f} {c['rps'] / u['rps']:8.1f}"
        )
    say(rule)
    ref = f"the {results['reference_bytes']:,} bytes of {REFERENCE_PATH}"
    say(f"{'bare WSGI app, same gunicorn':<42}| {blank} | {cells(bare)} | {ref}")
    say(f"{'nginx, static file':<42}| {blank} | {cells(nginx)} | same bytes, keep-alive")
    if stack := results.get("stack"):
        varnish, tls = stack["varnish"], stack["tls_varnish"]
        say(
            f"{'Varnish (faxeif.vcl) in front of the site':<42}| {blank} | {cells(varnish)} "
            f"| {varnish['rps'] / nginx['rps']:.2f} of nginx's static file"
        )
        say(
            f"{'nginx TLS (HTTP/1.1) -> Varnish':<42}| {blank} | {cells(tls)} "
            f"| {tls['rps'] / nginx['rps']:.2f} of nginx's static file"
        )
    say(
        "CPU ms: CPU time per request of the processes serving it: gunicorn's master and workers "
        "plus the PostgreSQL server when on PostgreSQL, or nginx; wrk's own is not included."
    )
    mem = results["memory"]
    peaks = sorted(mem["peak_mb"].values(), reverse=True)
    say("")
    shown = peaks if len(peaks) <= 6 else [*peaks[:3], "...", *peaks[-2:]]
    say(
        f"gunicorn workers' peak resident memory (VmHWM): "
        f"{', '.join(mb if isinstance(mb, str) else f'{mb:.0f}' for mb in shown)} MB "
        f"({mem['workers_seen']} worker processes seen, {mem['workers_at_end']} at the end"
        + (
            ", the others recycled by max_requests"
            if mem["workers_seen"] > mem["workers_at_end"]
            else ""
        )
        + f"; master {mem['master_peak_mb']:.0f} MB)"
    )
    recycled = mem["workers_seen"] - mem["workers_at_end"]
    if recycled:
        say(
            f"  {recycled} workers were replaced during the runs (max_requests); a replacement "
            "shows as a p99 bump in the run it falls in."
        )
    if mem["rss_mb_at_end"]:

        def listed(values: dict) -> str:
            return ", ".join(f"{mb:.0f}" for mb in sorted(values.values(), reverse=True))

        say(
            f"  at the end: resident {listed(mem['rss_mb_at_end'])} MB; proportional (PSS, "
            f"shared pages split among the processes) {listed(mem['pss_mb_at_end'])} MB"
        )
    runs = [
        (f"{p['path']} {kind}", p[kind]["other_cpu"])
        for p in measured_pages(results)
        for kind in ("uncached", "cached")
    ]
    runs += [("bare WSGI", results["bare_wsgi"]["other_cpu"]), ("nginx", nginx["other_cpu"])]
    if stack:
        runs += [("Varnish", stack["varnish"]["other_cpu"])]
        runs += [("nginx TLS -> Varnish", stack["tls_varnish"]["other_cpu"])]
        say("")
        say("Memory of the stack's components while serving (resident):")
        for name, mb in stack["memory_mb"].items():
            shown = ", ".join(f"{v:.0f}" for v in mb) if isinstance(mb, list) else f"{mb:.0f}"
            say(f"  {name}: {shown} MB")
    worst = max(runs, key=lambda run: run[1])
    say(
        f"Other processes on the machine used at most {worst[1]:.2f} CPUs during a run "
        f"({worst[0]})"
        + (
            "; the figures are doubtful: run again on a quiet machine."
            if worst[1] >= NOISY_CPU
            else "."
        )
    )
    measured = measured_pages(results)
    for page in measured:
        if not page["cacheable"]:
            say(
                f"NOTE: {page['path']} answers anonymous visitors with 'Cache-Control: "
                f"{page['cache_control']}': not cached by design; the cache targets leave it out."
            )
        elif page["x_cache"] != "HIT":
            say(
                f"NOTE: X-Cache was {page['x_cache']} for {page['path']}: its 'cached' column is "
                "uncached."
            )

    say("")
    say("Targets")
    checks = targets(results)
    for ok, text in checks:
        say(f"  {'PASS' if ok else 'FAIL'}  {text}")
    say("")
    say(f"Done in {results['seconds']} s.")
