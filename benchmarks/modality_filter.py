"""What the clause's modality buys a high-recall detector, measured on police-events.

eventwire's own police-events recall is still low (the triggers and arguments are the
bottleneck), so the effect of the modality reading on its figures is small. To see what the
reading does where recall is high, this takes the keyword baseline of `eventwire eval police`
(a police word and an action word in one sentence) and drops a sentence's label when every
action word matched in it reads, in its clause, as no event (negated, failed, prevented,
statistic, history, habit) or as not having happened (planned, threatened, hypothetical,
denied): the same `events.factuality` and `events.modality` readings the event stage applies
to each trigger. Prints sentence- and document-level precision, recall and F1 per label for
the keyword baseline with and without the filter, what the filter dropped by reason, and how
many keyword hits it dropped in FAIL sentences (police failing to act) and in labelled ones.

    python benchmarks/modality_filter.py [path to police-events] [--limit N]

Measurement only: police-events is never used to choose cues (see data/event_modality.json).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from eventwire.evaluation.police import _NORM, LABELS, Counts, keyword_patterns, read_items  # noqa: E402
from eventwire.events.factuality import reports_no_event  # noqa: E402
from eventwire.events.modality import modality_of  # noqa: E402
from eventwire.nlp import load_spacy  # noqa: E402

HAPPENED = ("asserted", "reported", "claimed")


def reading(tok, doc) -> str | None:
    """Why the word at ``tok`` names no event that happened (None: it may name one)."""
    reason = reports_no_event(tok)
    if reason:
        return reason
    mod, _ = modality_of(tok, doc, quotes=[])
    return None if mod in HAPPENED else mod


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", nargs="?", default=str(ROOT.parent / "shared/data/police-events"))
    ap.add_argument("--limit", type=int, help="only the first N documents")
    args = ap.parse_args()
    items = read_items(Path(args.path), args.limit)
    nlp = load_spacy()
    police, actions = keyword_patterns()
    plain = {"doc": Counts(), "sent": Counts()}
    filtered = {"doc": Counts(), "sent": Counts()}
    reasons: Counter[str] = Counter()
    dropped_in: Counter[str] = Counter()
    for item in items:
        doc_plain: set[str] = set()
        doc_kept: set[str] = set()
        for sent in item.sentences:
            flat = _NORM.sub(" ", sent.text.lower()).strip()
            hits = {label: list(pat.finditer(flat)) for label, pat in actions.items()} if police.search(flat) else {}
            labels = {label for label, found in hits.items() if found}
            kept = set(labels)
            if labels:
                sp = nlp(flat)
                doc = SimpleNamespace(quotes=[], entities=[], article=SimpleNamespace(published=None))
                for label in labels:
                    why = []
                    for m in hits[label]:
                        span = sp.char_span(m.start(), m.end(), alignment_mode="expand")
                        why.append(reading(span.root, doc) if span is not None else None)
                    if all(why):
                        kept.discard(label)
                        if label != "ANY_ACTION":
                            reasons.update(why)
                            dropped_in["FAIL sentence" if "FAIL" in sent.labels else
                                       ("a sentence with that label" if label in sent.labels else
                                        "a sentence without it")] += 1
            plain["sent"].add(labels, sent.labels)
            filtered["sent"].add(kept, sent.labels)
            doc_plain |= labels
            doc_kept |= kept
        gold = item.labels & set(LABELS)
        plain["doc"].add(doc_plain, gold)
        filtered["doc"].add(doc_kept, gold)
    print(f"police-events: {len(items)} documents; keyword baseline vs keyword + clause modality filter")
    for level in ("doc", "sent"):
        print(f"{'document' if level == 'doc' else 'sentence'} level:")
        for label in LABELS:
            p, r, f = plain[level].prf(label)
            fp, fr, ff = filtered[level].prf(label)
            print(f"  {label:<10} keyword P {p:.3f} R {r:.3f} F1 {f:.3f}"
                  f" | + modality P {fp:.3f} R {fr:.3f} F1 {ff:.3f}")
    print("labels dropped (KILL/ARREST/FORCE), by reason: "
          + ", ".join(f"{k} {n}" for k, n in reasons.most_common()))
    print("... and where: " + ", ".join(f"{n} in {k}" for k, n in dropped_in.most_common()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
