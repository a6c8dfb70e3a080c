"""Evaluation of each extraction stage on its public benchmark (``eventwire eval STAGE``).

One module per stage, each exposing ``evaluate(path, limit=None) -> Report``; the stage
modules read the shared data in its published format and score eventwire's own components
with the benchmark's standard metric. ``STAGES`` maps a stage name to its module and the
default data path under ``../shared/data`` (relative to the project; ``--data`` or
``EVENTWIRE_DATA`` point elsewhere).
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UsageError

# stage name -> (module, default data path relative to the data root)
STAGES: dict[str, tuple[str, str]] = {
    "articles": ("articles", "article-extraction-benchmark"),
    "dates": ("dates", "article-extraction-benchmark"),
    "events": ("events", "case2021-task2/dev.tsv"),
    "places": ("places", "geoparsing"),
    "times": ("times", "timex/aquaint"),
    "quotes": ("quotes", "quotes/polnear-dev"),
    "police": ("police", "police-events"),
    "fusion": ("fusion", "fusion-dev"),
}


@dataclass
class Report:
    """What one evaluation run measured."""

    stage: str
    data: str  # what was scored, e.g. "LGL (588 articles, 5,088 toponyms)"
    metrics: dict[str, float] = field(default_factory=dict)  # name -> value, in print order
    targets: dict[str, float] = field(default_factory=dict)  # metric name -> target (>=)
    details: list[str] = field(default_factory=list)  # extra lines: per-subset figures, counts
    errors: list[str] = field(default_factory=list)  # one line per miss, for --errors

    def lines(self, show_errors: bool = False) -> list[str]:
        out = [f"{self.stage}: {self.data}"]
        for name, value in self.metrics.items():
            target = self.targets.get(name)
            mark = "" if target is None else f"  (target >= {target:g}: {'met' if value >= target else 'short'})"
            out.append(f"  {name}: {value:.3f}{mark}")
        out += [f"  {d}" for d in self.details]
        if show_errors:
            out.append(f"errors ({len(self.errors)}):")
            out += [f"  {e}" for e in self.errors]
        return out


def data_root() -> Path:
    """The shared public data: $EVENTWIRE_DATA, else ../shared/data beside the project."""
    env = os.environ.get("EVENTWIRE_DATA")
    if env:
        return Path(env)
    here = Path(__file__).resolve()
    for parent in here.parents:  # the source checkout's sibling ../shared/data
        cand = parent.parent / "shared" / "data"
        if (parent / "pyproject.toml").exists() and cand.exists():
            return cand
    return Path.cwd().parent / "shared" / "data"


def evaluate(stage: str, path: str | Path | None = None, limit: int | None = None) -> Report:
    """Run one stage's evaluation on ``path`` (default: its benchmark under the data root)."""
    if stage not in STAGES:
        raise UsageError(f"unknown stage '{stage}' (one of: {', '.join(STAGES)})")
    module, default = STAGES[stage]
    target = Path(path) if path else data_root() / default
    if not target.exists():
        raise UsageError(f"no evaluation data at {target} (give its path, or set EVENTWIRE_DATA)")
    mod = importlib.import_module(f".{module}", __name__)
    return mod.evaluate(target, limit=limit)
