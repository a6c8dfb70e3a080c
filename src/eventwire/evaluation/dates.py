"""Publication dates: share of pages read with the date the page itself states.

Gold: ``benchmarks/data/article-dates.tsv`` (hand-annotated dates of the 181 pages of the
article-extraction-benchmark, "none" where a page states none), plus the seed pages of
``../acceptance/seed`` beside the data folder (``*.txt`` with ``*.gold.json``: article.published)
when present. Each page is read with eventwire's own reader; ``accuracy`` is over the pages
that state a date, ``false date share`` over those that state none.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from ..errors import InputError, UsageError
from ..reading import read_article
from . import Report

GOLD = Path(__file__).resolve().parents[3] / "benchmarks" / "data" / "article-dates.tsv"


def load_gold(path: Path | None = None) -> dict[str, date | None]:
    """id -> date (None where the page states none) from the annotation file."""
    path = path or GOLD
    if not path.exists():
        raise UsageError(f"publication-date gold not found at {path} (it ships with the source checkout)")
    gold: dict[str, date | None] = {}
    for line in path.read_text("utf-8").splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("id\t"):
            continue
        parts = line.split("\t")
        if len(parts) < 2:
            raise UsageError(f"{path}: malformed line {line[:60]!r}")
        try:
            gold[parts[0]] = None if parts[1] == "none" else date.fromisoformat(parts[1])
        except ValueError:
            raise UsageError(f"{path}: bad date {parts[1]!r}") from None
    return gold


def _seed_pages(path: Path) -> list[tuple[str, Path, date | None]]:
    """Seed captures beside the data folder: (name, file, gold date)."""
    seed = path.resolve().parent.parent / "acceptance" / "seed"
    out = []
    for gold_file in sorted(seed.glob("*.gold.json")) if seed.is_dir() else []:
        page = gold_file.with_name(gold_file.name.replace(".gold.json", ".txt"))
        try:
            stated = json.loads(gold_file.read_text("utf-8")).get("article", {}).get("published")
            out.append((f"seed/{page.name}", page, date.fromisoformat(stated) if stated else None))
        except (ValueError, AttributeError, OSError):
            continue  # an odd gold file is not this stage's data
    return out


def evaluate(path: Path, limit: int | None = None) -> Report:
    truth = path / "ground-truth.json"
    if not truth.exists():
        raise UsageError(f"{path} is not the article-extraction-benchmark (no ground-truth.json)")
    gt = json.loads(truth.read_text("utf-8"))
    gold = load_gold()
    pages: list[tuple[str, Path, date | None, str | None]] = [
        (pid, path / "html" / f"{pid}.html.gz", gold[pid], gt[pid].get("url"))
        for pid in sorted(gold)[:limit] if pid in gt
    ]
    seeds = [(name, page, d, None) for name, page, d in _seed_pages(path)]
    right = stated = within_day = none_pages = false_dates = 0
    errors: list[str] = []
    for name, page, want, url in pages + seeds:
        try:
            got = read_article(page.read_bytes(), page.name, url=url).published
        except (InputError, OSError) as exc:
            got = None
            errors.append(f"{name[:16]}: unreadable ({exc})")
        if want is None:
            none_pages += 1
            if got is not None:
                false_dates += 1
                errors.append(f"{name[:16]}: states no date, read {got}")
            continue
        stated += 1
        if got == want:
            right += 1
        else:
            errors.append(f"{name[:16]}: gold {want}, read {got or 'nothing'}")
        if got is not None and abs((got - want).days) <= 1:
            within_day += 1
    acc = right / stated if stated else 0.0
    details = [
        f"pages stating a date: {stated} ({len(seeds)} seed), right {right}, within one day {within_day}",
        f"pages stating none: {none_pages}, given a date anyway: {false_dates}",
    ]
    metrics = {"accuracy": acc}
    if none_pages:
        metrics["false date share"] = false_dates / none_pages
    return Report(
        stage="dates",
        data=f"article-extraction-benchmark ({len(pages)} pages) + seed ({len(seeds)})",
        metrics=metrics,
        targets={"accuracy": 0.95},
        details=details,
        errors=errors,
    )
