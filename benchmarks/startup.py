"""Start-up and install footprint: what one short run of the CLI costs, and how big the install is.

Each command runs as its own process (``python -m eventwire ...``, as a user would run it), N times
after one untimed warm-up run that fills the OS file cache and eventwire's user cache (gazetteer
index, language model); the median wall time is printed with the median CPU time (user + system,
less sensitive to other load on the machine) and the peak resident memory of the process.

- ``extract`` of one page (default: the first of samples/pages),
- ``--version``,
- a usage error (``extract`` of a path that does not exist).

Then the size of the running venv (``sys.prefix``, as ``du`` counts it) and its biggest packages.

    python benchmarks/startup.py [--runs 5] [--page PATH] [--top 12]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_once(args: list[str]) -> tuple[float, float, float, int]:
    """(wall s, cpu s, peak RSS MB, exit code) of one ``python -m eventwire ARGS`` process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "eventwire", *args], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, proc.returncode


def measure(label: str, args: list[str], runs: int) -> None:
    run_once(args)  # warm-up: OS cache and eventwire's own caches
    results = [run_once(args) for _ in range(runs)]
    wall = statistics.median(r[0] for r in results)
    cpu = statistics.median(r[1] for r in results)
    rss = max(r[2] for r in results)
    codes = sorted({r[3] for r in results})
    print(f"{label:34s} {wall:6.2f} s wall  {cpu:6.2f} s cpu  {rss:6.0f} MB peak RSS  "
          f"(exit {','.join(map(str, codes))}; median of {runs}, runs {' '.join(f'{r[0]:.2f}' for r in results)})")


def du(path: Path) -> int:
    """Bytes on disk under ``path`` (allocated blocks, as ``du`` reports)."""
    total = 0
    for base, _dirs, files in os.walk(path):
        for name in files:
            try:
                st = os.lstat(os.path.join(base, name))
            except OSError:
                continue
            total += st.st_blocks * 512
    return total


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--page", type=Path, default=None, help="the page to extract (default: first sample page)")
    ap.add_argument("--top", type=int, default=12, help="biggest installed packages listed")
    a = ap.parse_args()
    page = a.page or sorted((ROOT / "samples" / "pages").glob("*.html.gz"))[0]
    load = os.getloadavg()[0]
    print(f"python {sys.version.split()[0]} in {sys.prefix}; {os.cpu_count()} CPUs, load average {load:.1f}")
    print(f"page: {page.name} ({page.stat().st_size} bytes)")
    measure("extract one page", ["extract", str(page)], a.runs)
    measure("--version", ["--version"], a.runs)
    measure("usage error (missing path)", ["extract", str(ROOT / "no-such-file.html")], a.runs)

    prefix = Path(sys.prefix)
    size = du(prefix)
    print(f"venv size: {size / 1e6:.0f} MB = {size / 2**20:.0f} MiB (what du -sh prints) ({prefix})")
    site = Path(sysconfig.get_paths()["purelib"])
    sizes = sorted(((du(p), p.name) for p in site.iterdir() if p.is_dir() and not p.name.endswith(".dist-info")),
                   reverse=True)
    print("biggest: " + ", ".join(f"{name} {size / 1e6:.0f}" for size, name in sizes[:a.top]) + " (MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
