"""The gunicorn workers' memory, read from /proc while the bench runs: each worker's peak (VmHWM),
and what the workers still hold at the end (resident and proportional)."""

import threading
from pathlib import Path


def children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
        return [int(p) for p in text.split()]
    except OSError:
        return []


def proc_status_kb(pid: int, field_name: str) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def pss_kb(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


class WorkerMemory:
    """Samples the gunicorn master's workers twice a second while the benchmark runs, so that a
    worker recycled by max_requests is counted too; keeps each worker's peak (VmHWM)."""

    def __init__(self, master: int):
        self.master = master
        self.peak_kb: dict[int, int] = {}
        self.rss_kb: dict[int, int] = {}
        self.pss_kb: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def sample(self) -> None:
        for pid in children(self.master):
            hwm = proc_status_kb(pid, "VmHWM")
            if hwm is not None:
                self.peak_kb[pid] = max(hwm, self.peak_kb.get(pid, 0))
            rss = proc_status_kb(pid, "VmRSS")
            if rss is not None:
                self.rss_kb[pid] = rss
            pss = pss_kb(pid)
            if pss is not None:
                self.pss_kb[pid] = pss

    def _loop(self) -> None:
        while not self._stop.wait(0.5):
            self.sample()

    def stop(self) -> dict:
        self.sample()
        alive = children(self.master)
        self._stop.set()
        self._thread.join(timeout=5)
        return {
            "workers_at_end": len(alive),
            "workers_seen": len(self.peak_kb),
            "peak_mb": {pid: round(kb / 1024, 1) for pid, kb in self.peak_kb.items()},
            "rss_mb_at_end": {
                pid: round(self.rss_kb[pid] / 1024, 1) for pid in alive if pid in self.rss_kb
            },
            "pss_mb_at_end": {
                pid: round(self.pss_kb[pid] / 1024, 1) for pid in alive if pid in self.pss_kb
            },
            "master_peak_mb": round((proc_status_kb(self.master, "VmHWM") or 0) / 1024, 1),
        }
