"""Quote attribution on PolNeAR (BRAT stand-off): who said what, P/R/F1.

Data: ``text/<outlet>_<YYYY-MM-DD>_<slug>.txt`` and ``attributions/<same stem>_<annotator>.ann``.
In each ``.ann``, ``T`` lines are spans (``T3<TAB>Content 115 290;300 340<TAB>text``, fragments
separated by ``;``) and ``E`` lines tie one attribution together
(``E1<TAB>Attribution:T4 Content:T3 Cue:T2 Source:T1``; ``Attribution-no-source`` events have
no Source). ``Discuss``/``Discard`` spans are not attributions and are ignored. A few articles
were annotated by several annotators (an agreement set); the first annotation file in name order
is the gold for that article, so every article counts once.

Scoring runs eventwire's own components the way ``extract`` does (spaCy parse, actors, places,
roles, quotes) on the article text with the date from the file name, then matches predictions
to gold attributions one-to-one (maximum bipartite matching). A predicted quote matches a gold
attribution when

* its content span overlaps the gold Content span (any fragment), and
* its speaker span (``speaker_start``/``speaker_end``) overlaps the gold Source span; a gold
  attribution without a Source matches only a prediction whose speaker is ``None``, and a
  prediction whose speaker is ``None`` never matches an attribution that has a Source.

A quote interrupted by its frame ('"A," he said. "B."') is one attribution with two content
fragments in PolNeAR; eventwire writes each fragment as its own quote record, the later ones
carrying the same speaker mention (identical ``speaker_start``/``speaker_end``); a quotation
running over several paragraphs is written the same way. So consecutive direct predictions that
share a speaker span are scored as one attribution whose content is their union.

Metrics: ``f1`` (precision/recall over all attributions), ``direct_f1`` and ``reported_f1``,
``content_f1`` (the content condition alone, speaker ignored).

**Direct vs reported.** A gold attribution is *direct* when its Content, as a whole, is a
quotation: its text (whitespace trimmed) begins with an opening quotation mark (``"`` ``“``
``''``, or one stands immediately before the span) and ends with a closing mark, optionally
followed by sentence punctuation (``.,;:!?``), or one stands immediately after the span.
Everything else is *reported* (indirect) speech, including paraphrase that embeds a quoted
fragment ('that Trump's statement was "true."'). For the per-subset figures a matched
prediction counts in its gold attribution's subset and an unmatched one in the subset its own
``direct`` flag names.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..errors import UsageError
from ..models import Quote
from . import Report

_STEM_DATE = re.compile(r"_(\d{4})-(\d{2})-(\d{2})_")
_ANNOTATOR = re.compile(r"_[0-9a-f]{4}$")
_OPENERS = ('"', "\u201c", "''", "\u201e", "\u00ab")
_CLOSERS = ('"', "\u201d", "''", "\u00bb")
_ATTRIBUTION = ("Attribution", "Attribution-no-source")

Spans = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Gold:
    content: Spans
    source: Spans  # empty: the attribution has no source
    cue: Spans
    direct: bool


@dataclass(frozen=True)
class Pred:
    """One predicted attribution: one quote record, or consecutive pieces of an interrupted quote."""

    content: Spans
    speaker: str | None
    speaker_span: tuple[int, int] | None
    direct: bool
    cue: str | None = None


def group(text: str, quotes: Sequence[Quote]) -> list[Pred]:
    """Quote records -> attributions (see the module docstring on interrupted quotes)."""
    out: list[Pred] = []
    prev: Quote | None = None
    for q in sorted(quotes, key=lambda q: (q.start, q.end)):
        span = (q.speaker_start, q.speaker_end) if q.speaker_start is not None and q.speaker_end is not None else None
        if (prev is not None and out and q.direct and prev.direct and span is not None
                and span == out[-1].speaker_span and q.speaker == prev.speaker):
            last = out[-1]
            out[-1] = Pred(last.content + ((q.start, q.end),), last.speaker, span, last.direct, last.cue)
        else:
            out.append(Pred(((q.start, q.end),), q.speaker, span, q.direct, q.cue))
        prev = q
    return out


def read_ann(ann: str, text: str) -> list[Gold]:
    """Gold attributions of one BRAT ``.ann`` file over ``text``."""
    spans: dict[str, tuple[str, Spans]] = {}
    events: list[dict[str, list[str]]] = []
    for line in ann.splitlines():
        parts = line.split("\t")
        if len(parts) < 2:
            continue
        if parts[0].startswith("T"):
            label, _, offsets = parts[1].partition(" ")
            try:
                frags = tuple(tuple(int(x) for x in f.split()) for f in offsets.split(";"))
            except ValueError:
                continue
            if all(len(f) == 2 and 0 <= f[0] <= f[1] <= len(text) for f in frags):
                spans[parts[0]] = (label, frags)  # type: ignore[assignment]
        elif parts[0].startswith("E"):
            args: dict[str, list[str]] = {}
            for arg in parts[1].split():
                role, _, ref = arg.partition(":")
                args.setdefault(role.rstrip("0123456789"), []).append(ref)
            events.append(args)
    out: list[Gold] = []
    seen: set[tuple[Spans, Spans]] = set()
    for ev in events:
        if not any(k in ev for k in _ATTRIBUTION):
            continue
        content = _collect(spans, ev.get("Content", ()))
        if not content:
            continue  # an attribution left without content is no quote to find
        source = _collect(spans, ev.get("Source", ()))
        if (content, source) in seen:
            continue
        seen.add((content, source))
        out.append(Gold(content, source, _collect(spans, ev.get("Cue", ())), is_direct(text, content)))
    return out


def _collect(spans: dict[str, tuple[str, Spans]], refs: Sequence[str]) -> Spans:
    frags = [f for r in refs if r in spans for f in spans[r][1] if f[1] > f[0]]
    return tuple(sorted(frags))


def is_direct(text: str, content: Spans) -> bool:
    """The docstring's definition: the content, as a whole, is a quotation."""
    a, b = content[0][0], content[-1][1]
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    if b <= a:
        return False
    s = text[a:b]
    opens = s.startswith(_OPENERS) or text[max(0, a - 2):a].endswith(_OPENERS)
    core = s.rstrip(".,;:!? ")
    closes = core.endswith(_CLOSERS) or text[b:b + 2].startswith(_CLOSERS)
    return opens and closes and len(core) > 2


def _overlaps(a: int, b: int, frags: Spans) -> bool:
    return any(a < e and s < b for s, e in frags)


def _overlap_len(a: int, b: int, frags: Spans) -> int:
    return sum(max(0, min(b, e) - max(a, s)) for s, e in frags)


def _match(golds: Sequence[Gold], preds: Sequence[Pred], speaker: bool) -> dict[int, int]:
    """Maximum one-to-one matching, pred index -> gold index (Kuhn's augmenting paths)."""
    edges: list[list[int]] = []
    for p in preds:
        cands = []
        for gi, g in enumerate(golds):
            if not any(_overlaps(a, b, g.content) for a, b in p.content):
                continue
            if speaker:
                if g.source:
                    if p.speaker is None or p.speaker_span is None:
                        continue
                    if not _overlaps(*p.speaker_span, g.source):
                        continue
                elif p.speaker is not None:
                    continue
            cands.append((-sum(_overlap_len(a, b, g.content) for a, b in p.content), gi))
        edges.append([gi for _, gi in sorted(cands)])
    owner: dict[int, int] = {}  # gold -> pred

    def augment(pi: int, seen: set[int]) -> bool:
        for gi in edges[pi]:
            if gi in seen:
                continue
            seen.add(gi)
            if gi not in owner or augment(owner[gi], seen):
                owner[gi] = pi
                return True
        return False

    for pi in range(len(preds)):
        augment(pi, set())
    return {pi: gi for gi, pi in owner.items()}


def _prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _snip(text: str, a: int, b: int, n: int = 70) -> str:
    s = " ".join(text[a:b].split())
    return s if len(s) <= n else s[:n - 3] + "..."


def _date_of(stem: str) -> date | None:
    m = _STEM_DATE.search(stem)
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def articles(path: Path, limit: int | None = None) -> list[tuple[str, Path, Path]]:
    """(stem, text file, annotation file) per article, in name order."""
    text_dir, ann_dir = path / "text", path / "attributions"
    if not text_dir.is_dir() or not ann_dir.is_dir():
        raise UsageError(f"{path} is not PolNeAR (expected text/ and attributions/ folders)")
    anns: dict[str, Path] = {}
    for ann in sorted(ann_dir.glob("*.ann")):
        anns.setdefault(_ANNOTATOR.sub("", ann.stem), ann)
    out = [(t.stem, t, anns[t.stem]) for t in sorted(text_dir.glob("*.txt")) if t.stem in anns]
    if not out:
        raise UsageError(f"{path}: no text file has a matching .ann file")
    return out[:limit] if limit is not None else out


def predict(text: str, stem: str, published: date | None) -> list[Quote]:
    """eventwire's quotes for one article text, through the extract pipeline's components."""
    from ..config import Settings
    from ..models import Article
    from ..pipeline import Pipeline

    pipe = _pipeline(Pipeline, Settings)
    return pipe(Article(id=stem, text=text, input=stem, published=published, language="en")).quotes


_PIPE: list = []


def _pipeline(pipeline_cls, settings_cls):
    # The components quotes depend on, in extract's order (times and events do not feed quotes).
    if not _PIPE:
        _PIPE.append(pipeline_cls(settings_cls(components=("parse", "actors", "places", "roles", "quotes"))))
    return _PIPE[0]


def evaluate(path: Path, limit: int | None = None) -> Report:
    items = articles(path, limit)
    # counts: [tp, n_pred, n_gold] per subset
    counts = {k: [0, 0, 0] for k in ("all", "direct", "reported", "content", "named")}
    errors: list[str] = []
    n_gold_src = 0
    for stem, text_path, ann_path in items:
        try:
            text = text_path.read_text("utf-8")
            golds = read_ann(ann_path.read_text("utf-8"), text)
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"cannot read {stem}: {exc}") from None
        preds = group(text, predict(text, stem, _date_of(stem)))
        n_gold_src += sum(1 for g in golds if g.source)
        match = _match(golds, preds, speaker=True)
        content_match = _match(golds, preds, speaker=False)
        c = counts["all"]
        c[0] += len(match)
        c[1] += len(preds)
        c[2] += len(golds)
        cc = counts["content"]
        cc[0] += len(content_match)
        cc[1] += len(preds)
        cc[2] += len(golds)
        # Diagnostic: only the predictions that name a speaker (speakerless quotes are output by
        # design, "the article does not say who", and can match only a source-less attribution).
        named = counts["named"]
        named[0] += sum(1 for pi in match if preds[pi].speaker is not None)
        named[1] += sum(1 for p in preds if p.speaker is not None)
        named[2] += sum(1 for g in golds if g.source)
        for g in golds:
            counts["direct" if g.direct else "reported"][2] += 1
        for pi, p in enumerate(preds):
            direct = golds[match[pi]].direct if pi in match else p.direct
            sub = counts["direct" if direct else "reported"]
            sub[1] += 1
            sub[0] += pi in match
        matched_gold = set(match.values())
        content_by_gold = {gi: pi for pi, gi in content_match.items()}
        for gi, g in enumerate(golds):
            if gi in matched_gold:
                continue
            kind = "direct" if g.direct else "reported"
            src = "; ".join(text[a:b] for a, b in g.source) or None
            a, b = g.content[0][0], g.content[-1][1]
            pi = content_by_gold.get(gi)
            if pi is not None and pi not in match:
                why = f"speaker {preds[pi].speaker!r} @{preds[pi].speaker_span}"
            else:
                why = "content not found"
            cue = " ".join(text[x:y] for x, y in g.cue) or None
            errors.append(f"{stem} MISSED {kind} [{a}] source {src!r} cue {cue!r} ({why}): {_snip(text, a, b)}")
        for pi, p in enumerate(preds):
            if pi in match or pi in content_match:
                continue
            kind = "direct" if p.direct else "reported"
            a, b = p.content[0][0], p.content[-1][1]
            errors.append(f"{stem} SPURIOUS {kind} [{a}] speaker {p.speaker!r} cue {p.cue!r}: {_snip(text, a, b)}")
    metrics: dict[str, float] = {}
    details: list[str] = []
    for key, label in (("all", ""), ("direct", "direct_"), ("reported", "reported_"), ("content", "content_"),
                       ("named", None)):
        tp, n_pred, n_gold = counts[key]
        p, r, f = _prf(tp, n_pred, n_gold)
        if label is None:
            details.append(f"named speakers only (diagnostic: predictions with a speaker vs gold with a source): "
                           f"precision {p:.3f} recall {r:.3f} F1 {f:.3f}")
            continue
        metrics[f"{label}f1"] = f
        details.append(f"{key}: precision {p:.3f} recall {r:.3f} F1 {f:.3f} "
                       f"({tp} matched, {n_pred} predicted, {n_gold} gold)")
    n_gold = counts["all"][2]
    return Report(
        stage="quotes",
        data=f"PolNeAR ({len(items)} articles, {n_gold} attributions, "
             f"{counts['direct'][2]} direct, {n_gold - n_gold_src} without source)",
        metrics=metrics,
        targets={"f1": 0.75, "direct_f1": 0.90},
        details=details,
        errors=errors,
    )
