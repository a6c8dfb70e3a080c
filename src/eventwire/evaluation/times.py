"""Time expressions on TimeML (TempEval-3 AQUAINT): TIMEX3 spans, values and types.

Each ``.tml`` file carries the text with inline TIMEX3/EVENT/SIGNAL tags and a document
creation time (the TIMEX3 with ``functionInDocument="CREATION_TIME"``).  The DCT is the
reference date given to ``find_times`` and is not scored.  The text of the TEXT element is
run through the same path as ``extract`` (spaCy parse, then ``find_times``) and scored as in
TempEval-3: relaxed (overlap) and strict span P/R/F1, value and type accuracy over the
relaxed matches.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..errors import UsageError
from . import Report


@dataclass
class Gold:
    start: int
    end: int
    text: str
    value: str
    type: str


@dataclass
class TimeMLDoc:
    name: str
    text: str
    dct: date | None
    timexes: list[Gold]


def _flatten(el: ET.Element, parts: list[str], pos: list[int], out: list[Gold]) -> None:
    """Walk the inline markup, concatenating text and recording TIMEX3 character offsets."""
    if el.text:
        parts.append(el.text)
        pos[0] += len(el.text)
    for child in el:
        start = pos[0]
        _flatten(child, parts, pos, out)
        if child.tag == "TIMEX3" and child.get("functionInDocument") != "CREATION_TIME":
            out.append(Gold(start, pos[0], "", child.get("value", ""), child.get("type", "")))
        if child.tail:
            parts.append(child.tail)
            pos[0] += len(child.tail)


def _dct(root: ET.Element) -> date | None:
    for t in root.iter("TIMEX3"):
        if t.get("functionInDocument") == "CREATION_TIME":
            try:
                return date.fromisoformat(t.get("value", "")[:10])
            except ValueError:
                return None
    return None


def read_timeml(path: Path) -> TimeMLDoc:
    """The TEXT element's plain text, its TIMEX3 mentions (offsets into it) and the DCT."""
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as exc:
        raise UsageError(f"{path}: not a readable TimeML file ({exc})") from exc
    body = root.find("TEXT")
    if body is None:
        raise UsageError(f"{path}: no TEXT element (not TimeML?)")
    parts: list[str] = []
    gold: list[Gold] = []
    _flatten(body, parts, [0], gold)
    text = "".join(parts)
    for g in gold:
        g.text = text[g.start : g.end]
    return TimeMLDoc(path.stem, text, _dct(root), sorted(gold, key=lambda g: g.start))


def _prf(tp_p: int, n_pred: int, tp_g: int, n_gold: int) -> tuple[float, float, float]:
    p = tp_p / n_pred if n_pred else 0.0
    r = tp_g / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _context(text: str, start: int, end: int, width: int = 40) -> str:
    left = text[max(0, start - width) : start].replace("\n", " ")
    right = text[end : end + width].replace("\n", " ")
    return f"...{left}[{text[start:end]}]{right}...".replace("\n", " ")


def canonical(value: str) -> str:
    """One spelling per TIMEX3 value: "1968-XX" = "1968", "2000-W7" = "2000-W07", "198X" = "198".

    The annotators wrote the same value several ways; these are notational variants of one
    value (an unknown finer part adds nothing), not different readings.
    """
    v = value.strip()
    v = re.sub(r"(?:-XX)+$", "", v)  # 1998-XX-XX -> 1998
    v = re.sub(r"^(\d{3})X$", r"\1", v)  # 199X -> 199 (decade)
    v = re.sub(r"-W(\d)(?!\d)", r"-W0\1", v)  # 2000-W7 -> 2000-W07
    return v


def _files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    files = sorted(path.glob("*.tml"))
    if not files:
        raise UsageError(f"{path}: no TimeML (.tml) files")
    return files


def evaluate(path: Path, limit: int | None = None) -> Report:
    from ..config import Settings
    from ..nlp import load_spacy
    from ..times import find_times

    nlp = load_spacy(Settings().model)
    files = _files(path)[:limit]
    n_gold = n_pred = tp_pred = tp_gold = strict = 0
    matched = value_ok = value_exact = type_ok = 0
    no_dct = 0
    errors: list[str] = []
    for f in files:
        doc = read_timeml(f)
        if doc.dct is None:
            no_dct += 1
        times = find_times(doc.text, doc.dct, nlp(doc.text))
        n_gold += len(doc.timexes)
        n_pred += len(times)
        golds_hit: set[int] = set()
        for t in times:
            overl = [i for i, g in enumerate(doc.timexes) if t.start < g.end and g.start < t.end]
            if overl:
                tp_pred += 1
                golds_hit.update(overl)
            else:
                errors.append(f"{doc.name}: spurious {t.type} {t.value}: {_context(doc.text, t.start, t.end)}")
        for g in doc.timexes:
            overl = [t for t in times if t.start < g.end and g.start < t.end]
            if not overl:
                errors.append(f"{doc.name}: missed {g.type} {g.value}: {_context(doc.text, g.start, g.end)}")
                continue
            tp_gold += 1
            strict += any(t.start == g.start and t.end == g.end for t in overl)
            # The prediction that overlaps most stands for this gold mention.
            best = max(overl, key=lambda t: min(t.end, g.end) - max(t.start, g.start))
            matched += 1
            type_ok += best.type == g.type
            value_exact += best.value == g.value
            if canonical(best.value) == canonical(g.value):
                value_ok += 1
            else:
                errors.append(
                    f"{doc.name}: value {best.value} != gold {g.value} ({g.type}, ours '{best.text}'):"
                    f" {_context(doc.text, g.start, g.end)}"
                )
    p, r, f1 = _prf(tp_pred, n_pred, tp_gold, n_gold)
    # Strict: a prediction counts only with exactly the gold offsets.
    sp, sr, sf1 = _prf(strict, n_pred, strict, n_gold)
    details = [
        f"gold {n_gold}, predicted {n_pred}, relaxed matches {matched}, exact spans {strict}",
        f"strict precision {sp:.3f}, recall {sr:.3f}",
        "value/type accuracy over relaxed matches; value_accuracy treats notational variants as equal"
        " (1968-XX = 1968, 2000-W7 = 2000-W07, 198X = 198), value_accuracy_exact compares strings",
    ]
    if no_dct:
        details.append(f"{no_dct} file(s) without a DCT: relative expressions there had no anchor")
    return Report(
        stage="times",
        data=f"TimeML {path.name} ({len(files)} files, {n_gold} TIMEX3)",
        metrics={
            "precision": p,
            "recall": r,
            "f1": f1,
            "strict_f1": sf1,
            "value_accuracy": value_ok / matched if matched else 0.0,
            "value_accuracy_exact": value_exact / matched if matched else 0.0,
            "type_accuracy": type_ok / matched if matched else 0.0,
        },
        targets={"f1": 0.88, "value_accuracy": 0.85},
        details=details,
        errors=errors,
    )
