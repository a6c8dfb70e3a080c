"""Police actions in whole articles with negatives: IndiaPoliceEvents (``eventwire eval police``).

Data (``police-events/``, the README there defines the scoring): ``docs.jsonl`` (``doc_id``,
``doc_text``, ``doc_labels``), ``sents.jsonl`` (the annotators' sentences with ``sent_labels``),
``metadata.jsonl`` (``date``). Each document is read the way ``extract`` reads a user's text
file (the bytes of ``doc_text``; the metadata date is the publication-date hint, as a feed's item
date would be) and run through the full pipeline; the emitted events are scored.

The README's rules: an event counts when its modality is ``asserted`` or ``reported``; it is a
*police event* when actor1 names a police force, or actor2 does and the sub-type is one of the two
intervention sub-types. ARREST = police event of sub-type Arrests; FORCE = police event of a violent
type or an intervention sub-type; KILL = FORCE with fatalities >= 1 or a killing trigger;
ANY_ACTION = any police event; FAIL is not scored. A document is positive for a label when one of
its events is; a sentence when an event's evidence span overlaps it.

Sentences are located in the text eventwire read (which repairs the mojibake and drops the
"This story is from ..." line) by searching, in order, for each gold sentence reduced to its ASCII
letters and digits; a sentence not found whole is located by its longest paragraph. Sentences
never located count as predicted negative, and their number is reported.

Beside eventwire, a keyword baseline of our own (``data/police_keywords.json``: a police word and a
label's action word in the same annotators' sentence) is scored the same way, and the README's
published document-level F1 of the authors' keyword matcher is printed for reference.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path

from ..errors import UsageError
from ..models import Event
from . import Report

LABELS = ("KILL", "ARREST", "FORCE", "ANY_ACTION")
# The README's published document-level F1 of the authors' keyword matcher on this half.
README_BASELINE = {"KILL": 0.42, "ARREST": 0.53, "FORCE": 0.48, "ANY_ACTION": 0.85}
COUNTED_MODALITIES = ("asserted", "reported")
INTERVENTION = ("Excessive force against protesters", "Protest with intervention")
VIOLENT_TYPES = ("Battles", "Violence against civilians", "Explosions/Remote violence", "Riots")
# The README's killing triggers (killed, shot dead, gunned down, lynched, murdered, massacred), any inflection.
_KILL_TRIGGER = re.compile(r"\b(kill\w*|shot dead|shoot\w* dead|gun\w* down|lynch\w*|murder\w*|massacr\w*)\b", re.I)
_NORM = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Sentence:
    doc_id: int
    sent_id: int
    text: str
    labels: frozenset[str]


@dataclass(frozen=True)
class Item:
    doc_id: int
    text: str
    labels: frozenset[str]
    published: date | None
    sentences: tuple[Sentence, ...]


# -- the README's scoring rules ---------------------------------------------------------------

def is_police(actor: str | None) -> bool:
    return bool(actor) and "police" in actor.lower()


def is_police_event(e: Event) -> bool:
    if e.modality not in COUNTED_MODALITIES:
        return False
    return is_police(e.actor1) or (is_police(e.actor2) and e.sub_event_type in INTERVENTION)


def labels_of(e: Event) -> set[str]:
    """The benchmark labels one event carries (empty: it is no counted police event)."""
    if not is_police_event(e):
        return set()
    out = {"ANY_ACTION"}
    if e.sub_event_type == "Arrests":
        out.add("ARREST")
    if e.event_type in VIOLENT_TYPES or e.sub_event_type in INTERVENTION:
        out.add("FORCE")
        if (e.fatalities or 0) >= 1 or (e.trigger and _KILL_TRIGGER.search(e.trigger)):
            out.add("KILL")
    return out


def overlaps(a: int, b: int, span: tuple[int, int] | None) -> bool:
    return span is not None and a < span[1] and span[0] < b


# -- locating the annotators' sentences in the text eventwire read -----------------------------

def _normalise(text: str) -> tuple[str, list[int]]:
    """``text`` lower-cased, reduced to ASCII letters/digits; and each kept char's offset in ``text``."""
    chars: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text.lower()):
        if "a" <= ch <= "z" or "0" <= ch <= "9":
            chars.append(ch)
            where.append(i)
    return "".join(chars), where


def locate(text: str, sentences: Sequence[str]) -> list[tuple[int, int] | None]:
    """Each sentence's (start, end) in ``text``, searched in order; None when it cannot be found."""
    norm, where = _normalise(text)
    out: list[tuple[int, int] | None] = []
    pos = 0
    for sent in sentences:
        found = None
        # the whole sentence, else its longest paragraph (the dateline line is dropped by the reader)
        parts = [sent] + sorted((p for p in re.split(r"\n\s*\n", sent) if p.strip()), key=len, reverse=True)
        for part in parts:
            key = _normalise(part)[0]
            if not key:
                break
            i = norm.find(key, pos)
            if i < 0:
                i = norm.find(key)  # out of order (a repeated or moved line): anywhere
            if i >= 0:
                found = (where[i], where[i + len(key) - 1] + 1)
                pos = i + len(key)
                break
        out.append(found)
    return out


# -- our keyword baseline ----------------------------------------------------------------------

@lru_cache(maxsize=1)
def keyword_patterns() -> tuple[re.Pattern, dict[str, re.Pattern]]:
    raw = json.loads(resources.files("eventwire").joinpath("data", "police_keywords.json").read_text("utf-8"))

    def pattern(words: Iterable[str]) -> re.Pattern:
        keys = sorted({_NORM.sub(" ", w.lower()).strip() for w in words}, key=len, reverse=True)
        return re.compile(r"(?<![a-z0-9])(?:" + "|".join(re.escape(k) for k in keys if k) + r")(?![a-z0-9])")

    return pattern(raw["police"]), {label: pattern(raw["actions"][label]) for label in LABELS}


def keyword_labels(sentence: str) -> set[str]:
    """The labels our keyword baseline gives one sentence."""
    police, actions = keyword_patterns()
    flat = _NORM.sub(" ", sentence.lower())
    if not police.search(flat):
        return set()
    return {label for label, pat in actions.items() if pat.search(flat)}


# -- data --------------------------------------------------------------------------------------

def _jsonl(path: Path) -> list[dict]:
    try:
        with path.open(encoding="utf-8") as fh:
            return [json.loads(line) for line in fh if line.strip()]
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UsageError(f"cannot read {path}: {exc}") from None


def read_items(path: Path, limit: int | None = None) -> list[Item]:
    if not (path / "docs.jsonl").is_file() or not (path / "sents.jsonl").is_file():
        raise UsageError(f"{path} is not police-events (expected docs.jsonl and sents.jsonl)")
    docs = _jsonl(path / "docs.jsonl")
    if limit is not None:
        docs = docs[:limit]
    dates: dict[int, date | None] = {}
    if (path / "metadata.jsonl").is_file():
        for m in _jsonl(path / "metadata.jsonl"):
            try:
                dates[m["doc_id"]] = date.fromisoformat(m["date"])
            except (KeyError, TypeError, ValueError):
                pass
    sents: dict[int, list[Sentence]] = {}
    try:
        for s in _jsonl(path / "sents.jsonl"):
            sents.setdefault(s["doc_id"], []).append(
                Sentence(s["doc_id"], int(s["sent_id"]), s["sent_text"], frozenset(s.get("sent_labels") or ())))
        items = [Item(d["doc_id"], d["doc_text"], frozenset(d.get("doc_labels") or ()), dates.get(d["doc_id"]),
                      tuple(sorted(sents.get(d["doc_id"], []), key=lambda s: s.sent_id))) for d in docs]
    except (KeyError, TypeError, ValueError) as exc:
        raise UsageError(f"{path}: a record lacks a field ({exc})") from None
    if not items:
        raise UsageError(f"{path}: no documents")
    return items


# -- scoring -----------------------------------------------------------------------------------

class Counts:
    def __init__(self) -> None:
        self.c = {label: [0, 0, 0] for label in LABELS}  # tp, predicted, gold

    def add(self, predicted: set[str], gold: Iterable[str]) -> None:
        gold = set(gold)
        for label in LABELS:
            c = self.c[label]
            c[0] += label in predicted and label in gold
            c[1] += label in predicted
            c[2] += label in gold

    def prf(self, label: str) -> tuple[float, float, float]:
        tp, n_pred, n_gold = self.c[label]
        p = tp / n_pred if n_pred else 0.0
        r = tp / n_gold if n_gold else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _snip(text: str, n: int = 110) -> str:
    s = " ".join(text.split())
    return s if len(s) <= n else s[:n - 3] + "..."


def _pipeline():
    from ..config import Settings
    from ..pipeline import Pipeline

    pipe = Pipeline(Settings())
    pipe.warm()
    return pipe


def evaluate(path: Path, limit: int | None = None) -> Report:
    from ..errors import InputError
    from ..extract import read_input

    items = read_items(path, limit)
    pipe = _pipeline()
    ours = {"doc": Counts(), "sent": Counts()}
    kw = {"doc": Counts(), "sent": Counts()}
    errors: list[str] = []
    n_sents = unlocated = unlocated_labelled = unread = n_events = n_police = 0
    other_kinds: Counter[str] = Counter()  # events that are no police event, by sub-type (diagnostic)
    for item in items:
        try:
            article = read_input(item.text.encode("utf-8"), f"police-events-{item.doc_id}.txt", pipe.settings,
                                 published=item.published)
            events = pipe(article).events
            text = article.text
        except InputError as exc:  # counted as predicting nothing: the document stays scored
            unread += 1
            errors.append(f"{item.doc_id} UNREAD: {exc}")
            events, text = [], ""
        n_events += len(events)
        labelled = [(e, labels_of(e)) for e in events]
        n_police += sum(1 for _, ls in labelled if ls)
        other_kinds.update(f"{e.sub_event_type} ({e.modality}, actor1 {e.actor1 or 'none'})"
                           for e, ls in labelled if not ls)
        doc_pred = set().union(*(ls for _, ls in labelled))
        gold_doc = item.labels & set(LABELS)
        ours["doc"].add(doc_pred, gold_doc)
        spans = locate(text, [s.text for s in item.sentences]) if text else [None] * len(item.sentences)
        kw_doc: set[str] = set()
        for sent, span in zip(item.sentences, spans, strict=True):
            n_sents += 1
            unlocated += span is None
            unlocated_labelled += span is None and bool(sent.labels & set(LABELS))
            pred = {label for e, ls in labelled if overlaps(e.start, e.end, span) for label in ls}
            ours["sent"].add(pred, sent.labels)
            kws = keyword_labels(sent.text)
            kw["sent"].add(kws, sent.labels)
            kw_doc |= kws
        kw["doc"].add(kw_doc, gold_doc)
        for label in LABELS:
            if label in gold_doc and label not in doc_pred:
                first = next((s.text for s in item.sentences if label in s.labels), "")
                errors.append(f"{item.doc_id} MISSED {label}: {_snip(first)}")
            elif label in doc_pred and label not in gold_doc:
                e = next(e for e, ls in labelled if label in ls)
                errors.append(f"{item.doc_id} SPURIOUS {label} [{e.sub_event_type}; {e.actor1} / {e.actor2}; "
                              f"trigger {e.trigger!r}]: {_snip(e.evidence)}")
    metrics: dict[str, float] = {}
    details: list[str] = []
    for level in ("doc", "sent"):
        name = "document" if level == "doc" else "sentence"
        details.append(f"{name} level (eventwire | our keyword baseline"
                       f"{' | README keyword baseline F1' if level == 'doc' else ''}):")
        for label in LABELS:
            p, r, f = ours[level].prf(label)
            kp, kr, kf = kw[level].prf(label)
            tp, n_pred, n_gold = ours[level].c[label]
            metrics[f"{level}_{label.lower()}_f1"] = f
            metrics[f"{level}_{label.lower()}_keyword_f1"] = kf
            readme = f" | README F1 {README_BASELINE[label]:.2f}" if level == "doc" else ""
            details.append(f"  {label:<10} P {p:.3f} R {r:.3f} F1 {f:.3f} ({tp}/{n_pred} predicted, {n_gold} gold)"
                           f" | keyword P {kp:.3f} R {kr:.3f} F1 {kf:.3f}{readme}")
    top = "; ".join(f"{k}: {n}" for k, n in other_kinds.most_common(5))
    details.append(f"{n_events} events emitted, {n_police} police events; the others' most common kinds: {top or '-'}")
    details.append(f"{unlocated} of {n_sents} gold sentences not located in the text "
                   f"read ({unlocated_labelled} of them labelled; scored as predicted negative); "
                   f"{unread} documents unreadable")
    return Report(
        stage="police",
        data=f"IndiaPoliceEvents half ({len(items)} documents, {n_sents} sentences)",
        metrics=metrics,
        details=details,
        errors=errors,
    )
