"""Training sentences for the detector: CASE 2021 snippets (positives) and weak-labelled news (negatives).

The news sentences are unlabelled. They are weak-labelled by data/detector_weak_labels.json: a sentence
with no event cue at all (nor a trigger of event_lexicon.json, nor a cue of event_types.json) is taken
as reporting no event (``easy``); a sentence with a cue is a negative only when a hard-negative pattern
marks it as no event of its own (``hard``: a toll of a period, a threat or plan, history, a negated
action, protection, statistics); every other sentence with a cue is left out (``unknown``).
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..reading.tables import load_table

_SENT = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+(?=[A-Z\"“'‘(0-9])")
_TAG = re.compile(r"<[^>]+>")
MIN_CHARS = 20  # shorter lines are headings, bylines and datelines, not sentences


@dataclass(frozen=True)
class NewsSentence:
    doc: str  # "source:id" of the article it comes from (folds split by article)
    text: str
    kind: str  # easy | hard | unknown
    why: str | None = None  # the hard-negative category


def split_sentences(text: str) -> list[str]:
    """Sentences of a text by line breaks and sentence ends (the training side's splitter)."""
    out = []
    for line in text.splitlines():
        for s in _SENT.split(line.strip()):
            s = " ".join(s.split())
            if len(s) >= MIN_CHARS:
                out.append(s)
    return out


def snippet_sentences(snippet: str) -> list[str]:
    """A CASE snippet's sentences (the snippet itself when it is one sentence)."""
    parts = [" ".join(p.split()) for p in _SENT.split(snippet.strip())]
    parts = [p for p in parts if len(p) >= MIN_CHARS]
    return parts or [" ".join(snippet.split())]


# ---- the news articles of the shared data ---------------------------------------------------------


def news_documents(root: Path) -> list[tuple[str, str]]:
    """(doc id, text) of the shared news corpora under ``root`` (missing ones are skipped)."""
    docs: list[tuple[str, str]] = []
    gt = root / "article-extraction-benchmark" / "ground-truth.json"
    if gt.exists():
        for k, v in json.loads(gt.read_text("utf-8")).items():
            docs.append((f"aeb:{k}", v.get("articleBody") or ""))
    for name in ("lgl.xml", "GeoVirus.xml"):
        p = root / "geoparsing" / name
        if p.exists():
            for i, art in enumerate(ET.parse(p).getroot().iter("article")):
                docs.append((f"{name}:{i}", art.findtext("text") or ""))
    polnear = root / "quotes" / "polnear-dev" / "text"
    if polnear.is_dir():
        docs += [(f"polnear:{p.stem}", p.read_text("utf-8", errors="replace")) for p in sorted(polnear.glob("*.txt"))]
    aquaint = root / "timex" / "aquaint"
    if aquaint.is_dir():
        for p in sorted(aquaint.glob("*.tml")):
            raw = p.read_text("utf-8", errors="replace")
            m = re.search(r"<TEXT>(.*?)</TEXT>", raw, re.S)
            docs.append((f"aquaint:{p.stem}", _TAG.sub("", m.group(1) if m else "")))
    return docs


# ---- weak labels ----------------------------------------------------------------------------------


class WeakLabeler:
    """easy / hard / unknown for a news sentence (see the module's doc)."""

    def __init__(self) -> None:
        t = load_table("detector_weak_labels.json")
        words = list(t["event_cues"])
        lex = load_table("event_lexicon.json")
        words += [re.escape(w) for r in lex["triggers"] for w in r["lemmas"]]
        words += [re.escape(w) for c in load_table("event_types.json")["cues"].values() for w in c]
        # stems: a cue matches at a word start ("injur" -> injured, injuries)
        self.cue = re.compile(r"\b(?:" + "|".join(sorted(set(words), key=len, reverse=True)) + r")", re.I)
        self.hard = [(k, re.compile("|".join(v), re.I)) for k, v in t["hard_negative_patterns"].items()]

    def label(self, sentence: str) -> tuple[str, str | None]:
        if not self.cue.search(sentence):
            return "easy", None
        for k, pat in self.hard:
            if pat.search(sentence):
                return "hard", k
        return "unknown", None


@lru_cache(maxsize=2)
def news_sentences(root: Path) -> tuple[NewsSentence, ...]:
    """Every weak-labelled sentence of the shared news corpora, in a fixed order."""
    lab = WeakLabeler()
    out = []
    seen: set[str] = set()
    for doc, text in news_documents(root):
        for s in split_sentences(text):
            if s in seen:  # boilerplate repeated across pages counts once
                continue
            seen.add(s)
            kind, why = lab.label(s)
            out.append(NewsSentence(doc, s, kind, why))
    return tuple(out)
