"""Every stage's evaluation on its full public benchmark, as one Markdown table.

Runs `eventwire eval STAGE` for each stage in one process and prints each report, then
a table of the figures against their targets (paste into the README's evaluation table).

    python benchmarks/evaluate.py [--stages articles,dates,events,places,times,quotes] [--limit N]
"""

from __future__ import annotations

import argparse
import sys
import time


def main() -> int:
    from eventwire.errors import EventwireError
    from eventwire.evaluation import STAGES, evaluate

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--stages", default=",".join(STAGES))
    ap.add_argument("--limit", type=int, help="a sample: the first N documents of each benchmark")
    a = ap.parse_args()
    rows = []
    for stage in a.stages.split(","):
        t0 = time.perf_counter()
        try:
            report = evaluate(stage, limit=a.limit)
        except EventwireError as exc:
            print(f"{stage}: skipped ({exc})")
            continue
        print("\n".join(report.lines()), f"\n  ({time.perf_counter() - t0:.0f} s)\n", flush=True)
        for name, value in report.metrics.items():
            target = report.targets.get(name)
            rows.append((stage, name, value, target))
    print("| stage | metric | eventwire | target |\n|---|---|---|---|")
    for stage, name, value, target in rows:
        t = "" if target is None else f">= {target:g} ({'met' if value >= target else 'short'})"
        print(f"| {stage} | {name} | {value:.3f} | {t} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
