"""Publication dates: share of pages read with the date the page itself states.

Gold: ``benchmarks/data/article-dates.tsv`` (hand-annotated dates of the 181 pages of the
article-extraction-benchmark, "none" where a page states none), plus the seed pages of
``../acceptance/seed`` beside the data folder (``*.txt`` with ``*.gold.json``: article.published)
when present. Each page is read with eventwire's own reader; ``accuracy`` is over the pages
that state a date, ``false date share`` over those that state none.

The benchmark's pages fall in two fixed halves by a hash of the page id (never by content):
the date rules are developed on the dev half's errors only and the held-out half measures
whether they generalise. Each half and the full set are scored beside htmldate alone (the
same htmldate call the reader starts from: extensive search, original date, the page URL).
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

from ..errors import InputError, UsageError
from ..reading import read_article
from ..reading.article import MAX_BYTES
from ..reading.decode import declared_charset, decode_text, maybe_gunzip
from ..reading.html import htmldate_day
from . import Report

GOLD = Path(__file__).resolve().parents[3] / "benchmarks" / "data" / "article-dates.tsv"
HALVES = ("dev half", "held-out half")


def half(page_id: str) -> str:
    """The fixed half a page belongs to: the parity of the first byte of SHA-256 of its id."""
    return HALVES[hashlib.sha256(page_id.encode("utf-8")).digest()[0] % 2]


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


def _htmldate(page: Path, url: str | None) -> date | None:
    """htmldate alone on the page, decoded as the reader decodes it."""
    data = maybe_gunzip(page.read_bytes(), MAX_BYTES)
    return htmldate_day(decode_text(data, declared_charset(data))[0], url)


class _Tally:
    """Right answers of eventwire and of htmldate on one set of pages."""

    def __init__(self) -> None:
        self.stated = self.right = self.htmldate = self.within_day = 0

    def add(self, want: date, got: date | None, base: date | None) -> None:
        self.stated += 1
        self.right += got == want
        self.htmldate += base == want
        self.within_day += got is not None and abs((got - want).days) <= 1

    def share(self, n: int) -> float:
        return n / self.stated if self.stated else 0.0


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
    tallies = {name: _Tally() for name in ("full set", *HALVES)}
    seed_tally = _Tally()
    none_pages = false_dates = 0
    errors: list[str] = []
    for name, page, want, url in pages + seeds:
        is_seed = name.startswith("seed/")
        tag = "seed" if is_seed else half(name)
        base = None
        try:
            got = read_article(page.read_bytes(), page.name, url=url).published
            base = None if is_seed else _htmldate(page, url)
        except (InputError, OSError) as exc:
            got = None
            errors.append(f"[{tag}] {name[:16]}: unreadable ({exc})")
        if want is None:
            none_pages += 1
            if got is not None:
                false_dates += 1
                errors.append(f"[{tag}] {name[:16]}: states no date, read {got}")
            continue
        for tally in (seed_tally,) if is_seed else (tallies["full set"], tallies[tag]):
            tally.add(want, got, base)
        if got != want:
            errors.append(f"[{tag}] {name[:16]}: gold {want}, read {got or 'nothing'}"
                          + ("" if is_seed else f" (htmldate {base or 'nothing'})"))
    full = tallies["full set"]
    metrics = {"accuracy": full.share(full.right), "htmldate accuracy": full.share(full.htmldate)}
    details = [f"pages stating a date: {full.stated} + {seed_tally.stated} seed, right {full.right} + "
               f"{seed_tally.right} seed, within one day {full.within_day}"]
    for name in HALVES:
        t = tallies[name]
        metrics[f"{name} accuracy"] = t.share(t.right)
        metrics[f"{name} htmldate accuracy"] = t.share(t.htmldate)
        details.append(f"{name}: {t.stated} pages stating a date, eventwire right {t.right}, htmldate right "
                       f"{t.htmldate}")
    details.append(f"pages stating none: {none_pages}, given a date anyway: {false_dates}")
    if none_pages:
        metrics["false date share"] = false_dates / none_pages
    return Report(
        stage="dates",
        data=f"article-extraction-benchmark ({len(pages)} pages: halves by id hash) + seed ({len(seeds)})",
        metrics=metrics,
        targets={"accuracy": 0.95, "dev half accuracy": 0.95, "held-out half accuracy": 0.95},
        details=details,
        errors=errors,
    )
