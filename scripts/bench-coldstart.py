#!/usr/bin/env python3
"""Cold start of the kiosk beside Chromium in --kiosk mode showing the same built UI.

Driven by scripts/bench-coldstart.sh, which builds both and starts the X server. For each
run, alternating the two so that neither always goes first, it:
  - starts the program with a fresh, empty data directory / profile;
  - times, from the moment before spawning it, until the first screen has reported itself
    shown: the kiosk logs "first screen shown" when the UI's router first calls
    report_screen; the UI in Chromium (mock IPC, `?mock=1&bench=1`) fetches /__ready at the
    same point, from this script's own HTTP server;
  - then samples the resident memory of the program's whole process tree (the kiosk with
    its WebKit web and network processes; Chromium's browser, GPU, renderer and utility
    processes) every 100 ms for --settle seconds and keeps the largest sum, as RSS and as PSS
    (shared pages divided among the processes that share them);
  - stops the whole process group.
It prints the median of each figure and the ratio kiosk/Chromium, and writes the table as
Markdown when --out is given. Not a test: the numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import http.server
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path


def descendants(root: int) -> list[int]:
    """root and every process whose parent chain leads to it."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read().decode("utf-8", "replace")
        except OSError:
            continue
        # The command name is in parentheses and may contain spaces: read after the last ')'.
        fields = stat[stat.rfind(")") + 2 :].split()
        children.setdefault(int(fields[1]), []).append(int(entry))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def memory_kib(pids: list[int]) -> tuple[int, int]:
    """(RSS, PSS) summed over pids, in KiB, from smaps_rollup."""
    rss = pss = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1])
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1])
        except OSError:
            pass  # it ended between the listing and the read
    return rss, pss


def drop_caches() -> bool:
    """Empties the page cache so that each start reads its files from disk (root only)."""
    try:
        os.sync()
        with open("/proc/sys/vm/drop_caches", "w") as f:
            f.write("3\n")
        return True
    except OSError:
        return False


class Run:
    def __init__(self, argv: list[str], env: dict[str, str], ready: threading.Event, log: Path):
        self.ready = ready
        self.log = open(log, "wb")
        self.t0 = time.monotonic()
        self.proc = subprocess.Popen(
            argv,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.ready_at: float | None = None
        self.pump = threading.Thread(target=self._pump, daemon=True)
        self.pump.start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.log.write(line)
            if b"first screen shown" in line:
                self.ready.set()
        self.log.close()

    def wait_ready(self, timeout: float) -> float:
        if not self.ready.wait(timeout):
            raise RuntimeError(f"not ready after {timeout:.0f} s (log: {self.log.name})")
        self.ready_at = time.monotonic()
        return (self.ready_at - self.t0) * 1000.0

    def peak_memory(self, settle: float) -> tuple[int, int]:
        best = (0, 0)
        end = time.monotonic() + settle
        while time.monotonic() < end:
            rss, pss = memory_kib(descendants(self.proc.pid))
            if rss > best[0]:
                best = (rss, pss)
            time.sleep(0.1)
        return best

    def stop(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        # The output pipe closes when the last process of the group has gone.
        self.pump.join(timeout=10)


def serve_dist(dist: Path, ready: threading.Event) -> tuple[http.server.ThreadingHTTPServer, int]:
    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *a, **kw):
            super().__init__(*a, directory=str(dist), **kw)

        def do_GET(self):  # noqa: N802 (the stdlib's name)
            if self.path.startswith("/__ready"):
                ready.set()
                self.send_response(204)
                self.end_headers()
                return
            super().do_GET()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_address[1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kiosk", required=True, help="the motcua-kiosk binary")
    ap.add_argument("--dist", required=True, help="the built UI (ui/dist)")
    ap.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--settle", type=float, default=3.0, help="seconds of memory sampling after ready")
    ap.add_argument("--timeout", type=float, default=60.0)
    ap.add_argument("--out", help="write the table here as Markdown")
    ap.add_argument("--logs", default=None, help="keep each run's output here")
    a = ap.parse_args()

    if not os.environ.get("DISPLAY"):
        print("DISPLAY is not set (scripts/bench-coldstart.sh starts Xvfb)", file=sys.stderr)
        return 2
    logs = Path(a.logs or tempfile.mkdtemp(prefix="coldstart-logs-"))
    logs.mkdir(parents=True, exist_ok=True)
    chromium_ready = threading.Event()
    server, port = serve_dist(Path(a.dist), chromium_ready)
    url = f"http://127.0.0.1:{port}/?mock=1&bench=1"
    dropped = drop_caches()

    results: dict[str, list[tuple[float, int, int]]] = {"kiosk": [], "chromium": []}
    for i in range(a.runs):
        order = ["kiosk", "chromium"] if i % 2 == 0 else ["chromium", "kiosk"]
        for who in order:
            if dropped:
                drop_caches()
            scratch = Path(tempfile.mkdtemp(prefix=f"coldstart-{who}-"))
            env = dict(os.environ)
            if who == "kiosk":
                ready = threading.Event()
                argv = [a.kiosk, "--data", str(scratch), "--camera", "none", "--scanner", "none", "--printer", "none"]
            else:
                chromium_ready.clear()
                ready = chromium_ready
                argv = [
                    a.chromium,
                    "--kiosk",
                    f"--user-data-dir={scratch}",
                    "--no-first-run",
                    "--no-default-browser-check",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--disable-quic",
                    "--password-store=basic",
                    "--window-size=1920,1080",
                    "--window-position=0,0",
                ]
                if os.geteuid() == 0:
                    argv.append("--no-sandbox")  # Chromium refuses to run as root otherwise
                argv.append(url)
            run = Run(argv, env, ready, logs / f"{who}-{i + 1}.log")
            try:
                ms = run.wait_ready(a.timeout)
                rss, pss = run.peak_memory(a.settle)
            finally:
                run.stop()
                shutil.rmtree(scratch, ignore_errors=True)
            results[who].append((ms, rss, pss))
            print(f"run {i + 1} {who:8}: first screen {ms:7.0f} ms, RSS {rss / 1024:6.0f} MiB, PSS {pss / 1024:6.0f} MiB", flush=True)
    server.shutdown()

    def med(who: str, k: int) -> float:
        return statistics.median(r[k] for r in results[who])

    rows = [
        ("time to the first screen (ms)", med("kiosk", 0), med("chromium", 0), 1.0),
        ("RSS of all processes (MiB)", med("kiosk", 1), med("chromium", 1), 1024.0),
        ("PSS of all processes (MiB)", med("kiosk", 2), med("chromium", 2), 1024.0),
    ]
    lines = [
        f"Cold start, median of {a.runs} runs each, under Xvfb 1920x1080"
        + ("" if dropped else " (page cache NOT dropped: not root)"),
        "",
        "| figure | kiosk (Tauri, WebKitGTK, embedded backend) | Chromium --kiosk (same UI, mock IPC) | kiosk / Chromium |",
        "|---|---:|---:|---:|",
    ]
    for name, k, c, scale in rows:
        lines.append(f"| {name} | {k / scale:.0f} | {c / scale:.0f} | {k / c:.2f} |")
    table = "\n".join(lines)
    print()
    print(table)
    if a.out:
        Path(a.out).parent.mkdir(parents=True, exist_ok=True)
        Path(a.out).write_text(table + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
