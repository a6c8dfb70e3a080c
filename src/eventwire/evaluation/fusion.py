"""Cross-source event fusion on fusion-dev (``eventwire eval fusion``).

The set (``fusion-dev/``: ``fdNN.txt`` articles and ``gold.json``; its README defines the scoring)
is ingested serially into a fresh temporary SQLite store by the code path ``eventwire ingest``
takes, and what the store then says is scored: the predicted partition of the articles into
real-world events (:func:`predicted_clusters`, the one place fusion plugs in), the near-duplicate
links the store keeps (``articles.duplicate_of``) and whether the denying report is flagged.

Metrics (the README's): pairwise precision/recall/F1 over unordered "same event" article pairs;
B-cubed precision/recall/F1; distractor separation (share of ``distinct_pairs`` in different
predicted clusters), overall and per distractor design; near-duplicate precision/recall over
unordered {copy, original} pairs, either direction; independent sources per gold event (members
not linked as a copy, in the predicted cluster that overlaps the gold event most) against the gold
count; the denial flagged (the denying article reports an event with modality ``denied``).
"""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from ..errors import UsageError
from . import Report

TARGETS = {
    "pairwise_precision": 0.95,
    "pairwise_f1": 0.90,
    "duplicate_recall": 1.0,  # every copy found
    "distractor_separation": 1.0,  # no distractor merged
    "denials_flagged": 1.0,
}
DENIED = "denied"

Partition = list[set[str]]


# -- scoring (pure functions over partitions of article names) ---------------------------------

def pairs(clusters: Iterable[Iterable[str]]) -> set[frozenset[str]]:
    """Every unordered pair of articles that share a cluster."""
    return {frozenset(p) for c in clusters for p in combinations(sorted(set(c)), 2)}


def prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def complete(predicted: Partition, items: Iterable[str]) -> Partition:
    """``predicted`` restricted to ``items``, with every item it leaves out as a singleton."""
    items = set(items)
    out = [c & items for c in predicted if c & items]
    seen = set().union(*out) if out else set()
    return out + [{a} for a in sorted(items - seen)]


def pairwise(predicted: Partition, gold: Partition) -> tuple[float, float, float, int, int, int]:
    """(precision, recall, F1, true pairs, predicted pairs, gold pairs)."""
    pp, gp = pairs(predicted), pairs(gold)
    tp = len(pp & gp)
    return (*prf(tp, len(pp), len(gp)), tp, len(pp), len(gp))


def bcubed(predicted: Partition, gold: Partition) -> tuple[float, float, float]:
    """B-cubed (precision, recall, F1) averaged over the gold articles."""
    pc = {a: c for c in predicted for a in c}
    gc = {a: c for c in gold for a in c}
    items = sorted(gc)
    if not items:
        return 0.0, 0.0, 0.0
    p = sum(len(pc.get(a, {a}) & gc[a]) / len(pc.get(a, {a})) for a in items) / len(items)
    r = sum(len(pc.get(a, {a}) & gc[a]) / len(gc[a]) for a in items) / len(items)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def separated(predicted: Partition, a: str, b: str) -> bool:
    """True when ``a`` and ``b`` are not in the same predicted cluster."""
    return not any(a in c and b in c for c in predicted)


def best_match(predicted: Partition, members: set[str]) -> set[str]:
    """The predicted cluster overlapping ``members`` most (ties: the smallest, then the first)."""
    scored = [(len(c & members), -len(c), i) for i, c in enumerate(predicted) if c & members]
    if not scored:
        return set()
    return predicted[max(scored)[2]]


# -- gold --------------------------------------------------------------------------------------

@dataclass
class Gold:
    articles: dict[str, dict]  # name -> {"published", "outlet", "duplicate_of"}
    events: list[dict]
    distinct_pairs: list[tuple[str, str, str]]  # (a, b, distractor design)

    @property
    def partition(self) -> Partition:
        return [set(e["articles"]) for e in self.events]

    def duplicate_pairs(self) -> set[frozenset[str]]:
        return {frozenset((a, d["duplicate_of"])) for a, d in self.articles.items() if d.get("duplicate_of")}


def read_gold(path: Path) -> Gold:
    f = path / "gold.json"
    if not f.is_file():
        raise UsageError(f"{path} is not a fusion set (expected gold.json beside the articles)")
    try:
        raw = json.loads(f.read_text("utf-8"))
        events = raw["events"]
        design = {a: e.get("distractor_design") for e in events if e.get("distractor") for a in e["articles"]}
        distinct = [(a, b, design.get(a) or design.get(b) or "other") for a, b, *_ in raw.get("distinct_pairs", [])]
        gold = Gold(raw["articles"], events, distinct)
        for e in events:
            if not isinstance(e["articles"], list):
                raise TypeError("an event's articles is not a list")
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        raise UsageError(f"cannot read {f}: {type(exc).__name__}: {exc}") from None
    return gold


# -- what the store says -----------------------------------------------------------------------

def main_events(store) -> dict[str, tuple[str, int]]:
    """Article id -> (fused event id, its independent sources) of the event the article newly reports.

    An article's main event is the fused event of its first account (in text order) that fusion
    could place and date; an article with none has the fused event of its first account. Copies
    (``duplicate_of``) take their original's.
    """
    from sqlalchemy import select

    from ..store import schema as t

    fr, src, fe = t.fused_reports, t.event_sources, t.fused_events
    q = (select(src.c.article_id, src.c.start, fr.c.event_id, fr.c.fused_id, fe.c.lat, fe.c.date_precision,
                fe.c.sources_independent)
         .join(fr, fr.c.event_id == src.c.event_id).join(fe, fe.c.id == fr.c.fused_id)
         .where(fr.c.event_id == fr.c.unit_id)
         .order_by(src.c.article_id, src.c.start, fr.c.event_id))
    with store.engine.connect() as conn:
        rows = conn.execute(q).all()
        dups = conn.execute(select(t.articles.c.id, t.articles.c.duplicate_of)
                            .where(t.articles.c.duplicate_of.is_not(None))).all()
    first: dict[str, tuple[str, int]] = {}
    placed: dict[str, tuple[str, int]] = {}
    for aid, _start, _eid, fid, lat, prec, n in rows:
        first.setdefault(aid, (fid, n))
        if lat is not None and prec == "day":
            placed.setdefault(aid, (fid, n))
    out = {aid: placed.get(aid) or first[aid] for aid in first}
    for aid, orig in dups:
        if orig in out:
            out[aid] = out[orig]
    return out


def predicted_clusters(store) -> Partition:
    """The store's partition of its article ids into real-world events: articles whose main events
    were fused into one event share a cluster; an article with no event is its own."""
    from sqlalchemy import select

    from ..store import schema as t

    main = main_events(store)
    with store.engine.connect() as conn:
        ids = [r[0] for r in conn.execute(select(t.articles.c.id).order_by(t.articles.c.id))]
    clusters: dict[str, set[str]] = {}
    for aid in ids:
        clusters.setdefault(main[aid][0] if aid in main else aid, set()).add(aid)
    return list(clusters.values())


def stored_articles(store) -> dict[str, tuple[str, str | None]]:
    """Article id -> (its input file's stem, the id of the original it copies or None)."""
    from sqlalchemy import select

    from ..store import schema as t

    with store.engine.connect() as conn:
        rows = conn.execute(select(t.articles.c.id, t.articles.c.input, t.articles.c.duplicate_of)).all()
    return {aid: (Path(inp or aid).stem, dup) for aid, inp, dup in rows}


def denied_articles(store) -> set[str]:
    """Ids of the articles that report some event with modality ``denied``."""
    from sqlalchemy import select

    from ..store import schema as t

    with store.engine.connect() as conn:
        rows = conn.execute(select(t.event_sources.c.article_id).where(t.event_sources.c.modality == DENIED))
        return {r[0] for r in rows}


def _ingest(path: Path, db: Path):
    from ..config import Settings
    from ..ingest import ingest
    from ..store import Store

    store = Store(str(db), create=True)
    summary = ingest([str(path)], store, Settings())
    return store, summary


# -- the evaluation ----------------------------------------------------------------------------

def score(gold: Gold, predicted: Partition, copies: dict[str, str], denied: set[str],
          independent: dict[str, int] | None = None) -> Report:
    """Score a predicted partition of article names, the copy links (copy -> original) and the
    articles flagged as denying, against ``gold``. ``independent``: article -> the independent
    sources its event counts (fusion's figure); without it, the cluster's articles that are not copies."""
    names = set(gold.articles)
    pred = complete(predicted, names)
    metrics: dict[str, float] = {}
    details: list[str] = []
    errors: list[str] = []

    p, r, f, tp, n_pred, n_gold = pairwise(pred, gold.partition)
    metrics.update(pairwise_precision=p, pairwise_recall=r, pairwise_f1=f)
    details.append(f"pairwise: {tp} of {n_pred} predicted same-event pairs correct, {n_gold} gold pairs")
    bp, br, bf = bcubed(pred, gold.partition)
    metrics.update(bcubed_precision=bp, bcubed_recall=br, bcubed_f1=bf)

    by_design: dict[str, list[int]] = {}
    for a, b, design in gold.distinct_pairs:
        ok = separated(pred, a, b)
        by_design.setdefault(design, [0, 0])
        by_design[design][0] += ok
        by_design[design][1] += 1
        if not ok:
            errors.append(f"MERGED distractor pair {a} / {b} ({design})")
    kept = sum(v[0] for v in by_design.values())
    total = sum(v[1] for v in by_design.values())
    metrics["distractor_separation"] = kept / total if total else 1.0
    for design, (k, n) in sorted(by_design.items()):
        details.append(f"distractor '{design}': {k} of {n} pairs kept apart")

    gold_dups = gold.duplicate_pairs()
    pred_dups = {frozenset((c, o)) for c, o in copies.items() if c in names and o in names}
    dtp = len(gold_dups & pred_dups)
    dp, dr, _ = prf(dtp, len(pred_dups), len(gold_dups))
    # no link predicted: no wrong link (precision vacuously 1); the counts line says so
    metrics.update(duplicate_precision=dp if pred_dups else 1.0, duplicate_recall=dr)
    details.append(f"near-duplicates: {dtp} of {len(pred_dups)} linked pairs correct, {len(gold_dups)} gold pairs")
    for pair in sorted(map(sorted, gold_dups - pred_dups)):
        errors.append(f"MISSED copy {pair[0]} / {pair[1]}")
    for pair in sorted(map(sorted, pred_dups - gold_dups)):
        errors.append(f"SPURIOUS copy link {pair[0]} / {pair[1]}")

    exact = 0
    counts: list[str] = []
    for e in gold.events:
        members = set(e["articles"])
        g = sum(1 for a in members if not gold.articles.get(a, {}).get("duplicate_of"))
        cluster = best_match(pred, members)
        if independent is not None and cluster:
            n = max(Counter(independent.get(a, 1) for a in sorted(cluster)).most_common(1)[0][0], 0)
        else:
            n = sum(1 for a in cluster if a not in copies)
        exact += n == g
        counts.append(f"{e['id']} {n}/{g}")
    metrics["independent_sources_exact"] = exact / len(gold.events) if gold.events else 0.0
    details.append(f"independent sources (predicted/gold) per gold event, {exact} of {len(gold.events)} exact: "
                   + ", ".join(counts))

    denials = [(e["id"], a) for e in gold.events for a in e.get("denied_by", [])]
    flagged = [(eid, a) for eid, a in denials if a in denied]
    metrics["denials_flagged"] = len(flagged) / len(denials) if denials else 1.0
    details.append(f"denials flagged: {len(flagged)} of {len(denials)}"
                   + "".join(f"; {a} ({eid}) {'flagged' if (eid, a) in flagged else 'not flagged'}"
                             for eid, a in denials))
    extra = sorted(denied & names - {a for _, a in denials})
    if extra:
        details.append(f"articles with a denied event that deny nothing in the gold: {', '.join(extra)}")

    return Report(stage="fusion", data="", metrics=metrics,
                  targets={k: v for k, v in TARGETS.items() if k in metrics}, details=details, errors=errors)


def evaluate(path: Path, limit: int | None = None) -> Report:
    if not path.is_dir():
        raise UsageError(f"{path} is not a folder (expected a fusion set: fdNN.txt articles and gold.json)")
    gold = read_gold(path)
    if limit is not None:
        raise UsageError("--limit does not apply to fusion (the partition needs the whole set)")
    with tempfile.TemporaryDirectory(prefix="eventwire-fusion-") as tmp:
        store, summary = _ingest(path, Path(tmp) / "fusion.db")
        try:
            stored = stored_articles(store)
            clusters = predicted_clusters(store)
            main = main_events(store)
            denied_ids = denied_articles(store)
        finally:
            store.close()
    name = {aid: stem for aid, (stem, _) in stored.items()}
    predicted = [{name[a] for a in c if a in name} for c in clusters]
    copies = {name[a]: name[o] for a, (_, o) in stored.items() if o and o in name}
    independent = {name[a]: n for a, (_f, n) in main.items() if a in name}
    report = score(gold, predicted, copies, {name[a] for a in denied_ids if a in name}, independent)
    missing = sorted(set(gold.articles) - set(name.values()))
    report.data = (f"{path.name} ({len(gold.articles)} articles, {len(gold.events)} gold events; "
                   f"ingested {summary.stored} originals and {summary.duplicates} linked copies, "
                   f"{summary.events} events, in {summary.seconds:.1f} s)")
    if missing:
        report.details.append(f"{len(missing)} gold articles not in the store (scored as singletons): "
                              + ", ".join(missing))
    return report
