"""Case-robust reading (eventwire.casing): detection, case restoration and what the pipeline finds.

Reads the cased shared news benchmarks (article-extraction-benchmark ground truth, geoparsing LGL and
GeoVirus, PolNeAR dev, TimeML AQUAINT) and measures, in one process:

1. False alarms: paragraphs of the cased texts (all documents) that are flagged as case-degraded
   (should be none), the share of police-events documents (lower-cased as scraped) flagged, and the
   check's cost on the cased texts against spaCy's parse of them.
2. Restoration, on the documents scripts/build_case_table.py held out of the case table: each text
   lower-cased (and upper-cased), restored, and compared word by word with the original: accuracy,
   and precision/recall of capitalised words not starting a sentence (the names). With --truecase,
   the PyPI `truecase` package is scored the same way on the same words (if importable).
3. End to end, on the first --docs held-out documents: the full pipeline on the cased text, then on
   its lower- and upper-cased copies with and without restoration; the share of the cased run's
   actor mentions (span + kind), places (span + resolved name) and events (sub-type + actor1, compared
   case-insensitively) that the degraded run also finds.

4. The same on the first --snippets CASE 2021 dev snippets, which report events (the news documents
   above mostly do not).
5. On the first --police police-events articles (lower-cased as scraped): what the pipeline finds
   (places, people, organisations, events, their locations) without and with restoration.

    python benchmarks/casing.py [--docs N] [--snippets N] [--police N] [--truecase]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT / "scripts"))

from build_case_table import cased_news, held_out  # noqa: E402


def same_length(text: str, upper: bool) -> str:
    f = str.upper if upper else str.lower
    out = f(text)
    return out if len(out) == len(text) else "".join(f(c) if len(f(c)) == 1 else c for c in text)


def word_scores(pairs: list[tuple[str, str]]) -> dict[str, float]:
    """Word accuracy and P/R of capitalised non-initial words, over (gold, restored) text pairs."""
    from eventwire.casing import WORD, _sentence_initial

    c: Counter = Counter()
    for gold, got in pairs:
        words = list(WORD.finditer(gold))
        initial = _sentence_initial(gold, words)
        for m, first in zip(words, initial, strict=True):
            g, r = m.group(0), got[m.start():m.end()]
            c["words"] += 1
            c["same"] += g == r
            if first:
                continue
            gold_cap, got_cap = not g.islower(), not r.islower()
            c["gold_cap"] += gold_cap
            c["got_cap"] += got_cap
            c["both_cap"] += gold_cap and got_cap and g == r
    p = c["both_cap"] / c["got_cap"] if c["got_cap"] else 0.0
    r = c["both_cap"] / c["gold_cap"] if c["gold_cap"] else 0.0
    return {"accuracy": c["same"] / max(c["words"], 1), "names P": p, "names R": r,
            "names F1": 2 * p * r / (p + r) if p + r else 0.0, "words": c["words"]}


def truecase_package(text: str) -> str | None:
    """The `truecase` package's restoration, put back into the text's own offsets (None if absent).

    Fed one sentence at a time (our sentence split, words only), unknown words left as they are.
    """
    try:
        from truecase import get_truecaser  # type: ignore[import-not-found]
    except ImportError:
        return None
    from eventwire.casing import WORD, _sentence_initial

    tc = get_truecaser()
    out = list(text)
    words = list(WORD.finditer(text))
    starts = [k for k, first in enumerate(_sentence_initial(text, words)) if first] + [len(words)]
    for a, b in zip(starts, starts[1:], strict=False):
        sent = words[a:b]
        cased = tc.get_true_case_from_tokens([w.group(0) for w in sent], out_of_vocabulary_token_option="as-is")
        for m, form in zip(sent, cased, strict=True):
            if len(form) == m.end() - m.start():
                out[m.start():m.end()] = form
    return "".join(out)


def found(doc) -> tuple[set, set, set]:
    ents = {(e.start, e.end, e.kind) for e in doc.entities if e.kind != "place"}
    places = {(p.start, p.end, p.name) for p in doc.places}
    events = {(e.sub_event_type, (e.actor1 or "").lower()) for e in doc.events}
    return ents, places, events


def recall(ref: set, got: set) -> tuple[int, int]:
    return len(ref & got), len(ref)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=40, help="held-out documents run end to end (default 40)")
    ap.add_argument("--snippets", type=int, default=120, help="CASE 2021 snippets run end to end (default 120)")
    ap.add_argument("--police", type=int, default=100, help="police-events articles read (default 100)")
    ap.add_argument("--truecase", action="store_true", help="also score the PyPI truecase package")
    a = ap.parse_args()

    from eventwire.casing import degraded_paragraphs, restore_case

    docs = [(name, i, t) for name, i, t in cased_news(SHARED) if t.strip()]
    if not docs:
        print("no cased news under ../shared/data; skipping")
        return 0
    paragraphs = flagged = 0
    for _, _, text in docs:
        paragraphs += sum(1 for line in text.splitlines() if line.strip())
        flagged += len(degraded_paragraphs(text))
    print(f"1. cased news: {flagged} of {paragraphs} paragraphs flagged as case-degraded ({len(docs)} documents)")
    police = SHARED / "police-events" / "docs.jsonl"
    if police.exists():
        import json

        ptexts = [json.loads(line)["doc_text"] for line in police.read_text(encoding="utf-8").splitlines()]
        hit = sum(1 for t in ptexts if degraded_paragraphs(t))
        print(f"   police-events (lower-cased): {hit} of {len(ptexts)} documents flagged")

    # Cost on normal text: the check every article pays, against spaCy's parse of the same texts.
    from eventwire.nlp import load_spacy

    texts = [t for _, _, t in docs]
    t0 = time.perf_counter()
    for t in texts:
        restore_case(t)
    check = time.perf_counter() - t0
    nlp = load_spacy()
    sample = texts[:: max(1, len(texts) // 100)]
    t0 = time.perf_counter()
    for _ in nlp.pipe(sample):
        pass
    parse = (time.perf_counter() - t0) * len(texts) / len(sample)
    print(f"   cost on these cased texts: {check * 1000:.0f} ms for {len(texts)} texts "
          f"({100 * check / parse:.2f} % of spaCy's parse of them, estimated from {len(sample)} texts)")

    held = [(name, i, t) for name, i, t in docs if held_out(i)]
    print(f"2. restoration on {len(held)} held-out documents:")
    t0 = time.perf_counter()
    for upper in (False, True):
        pairs, base, pkg = [], [], []
        for _, _, text in held:
            degraded = same_length(text, upper)
            pairs.append((text, restore_case(degraded) or degraded))
            base.append((text, degraded))
            if a.truecase and not upper:
                got = truecase_package(degraded)
                if got is not None:
                    pkg.append((text, got))
        label = "upper" if upper else "lower"
        for what, ps in (("degraded as is", base), ("eventwire.casing", pairs), ("truecase 0.0.14", pkg)):
            if ps:
                s = word_scores(ps)
                print(f"   {label:<5} {what:<17} word accuracy {s['accuracy']:.3f}  capitalised non-initial words "
                      f"P {s['names P']:.3f} R {s['names R']:.3f} F1 {s['names F1']:.3f} ({s['words']} words)")
    print(f"   ({time.perf_counter() - t0:.1f} s)")

    from eventwire.pipeline import Pipeline

    pipe = Pipeline()
    pipe.warm()
    sample = held[: a.docs]
    print(f"3. end to end on {len(sample)} held-out documents: share of the cased run's findings also found "
          f"(hits/cased; 'extra' = found only in the degraded run)")
    end_to_end(pipe, [(f"{name}-{i}", text) for name, i, text in sample])
    case = SHARED / "case2021-task2" / "dev.tsv"
    if case.exists() and a.snippets:
        import csv

        with case.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh, delimiter="\t"))[: a.snippets]
        print(f"4. end to end on the first {len(rows)} CASE 2021 snippets (event-rich), the same measures:")
        end_to_end(pipe, [(f"case-{r['id']}", r["EventSnippet"]) for r in rows])
    if police.exists() and a.police:
        police_reading(pipe, police, a.police)
    return 0


def police_reading(pipe, path: Path, limit: int) -> None:
    """What the pipeline reads in police-events articles (no gold here: counts), restoration off and on."""
    import json

    from eventwire import casing
    from eventwire.extract import read_input

    real_restore = casing.restore_case
    counts: dict[str, Counter] = {}
    for line in path.read_text(encoding="utf-8").splitlines()[:limit]:
        item = json.loads(line)
        article = read_input(item["doc_text"].encode("utf-8"), f"police-{item['doc_id']}.txt", pipe.settings)
        for mode in ("off", "on"):
            casing.restore_case = real_restore if mode == "on" else (lambda _t: None)
            doc = pipe(article)
            c = counts.setdefault(mode, Counter())
            c["places"] += len(doc.places)
            c["people"] += sum(1 for e in doc.entities if e.kind == "person")
            c["organisations"] += sum(1 for e in doc.entities if e.kind == "organization")
            c["named actors"] += sum(1 for e in doc.entities if e.actor and e.kind not in ("person", "place"))
            c["events"] += len(doc.events)
            c["police events"] += sum(1 for e in doc.events if "police" in (e.actor1 or "").lower())
            c["events with a location"] += sum(1 for e in doc.events if e.location)
        casing.restore_case = real_restore
    print(f"5. police-events, first {limit} articles (lower-cased as scraped), totals found:")
    for mode, c in counts.items():
        print(f"   restore {mode:<3} " + ", ".join(f"{k} {v}" for k, v in c.items()))


def end_to_end(pipe, items: list[tuple[str, str]]) -> None:
    from eventwire import casing
    from eventwire.models import Article

    real_restore = casing.restore_case
    totals: dict[str, Counter] = {}
    seconds: Counter = Counter()
    for n, (name, text) in enumerate(items):
        ref = found(pipe(Article(id=name, text=text)))
        for variant in ("lower", "upper"):
            degraded = same_length(text, variant == "upper")
            for mode in ("off", "on"):
                casing.restore_case = real_restore if mode == "on" else (lambda _t: None)
                t0 = time.perf_counter()
                got = found(pipe(Article(id=f"{name}-{variant}", text=degraded)))
                seconds[(variant, mode)] += time.perf_counter() - t0
                c = totals.setdefault(f"{variant} restore {mode}", Counter())
                for k, r, g in zip(("actors", "places", "events"), ref, got, strict=True):
                    hit, tot = recall(r, g)
                    c[k + "_hit"] += hit
                    c[k] += tot
                    c[k + "_extra"] += len(g - r)
        casing.restore_case = real_restore
        print(f"   ... {n + 1}/{len(items)}", end="\r", file=sys.stderr)
    for key, c in totals.items():
        parts = [f"{k} {c[k + '_hit'] / max(c[k], 1):.3f} ({c[k + '_hit']}/{c[k]}, extra {c[k + '_extra']})"
                 for k in ("actors", "places", "events")]
        variant, _, mode = key.split()
        print(f"   {key:<18} " + "  ".join(parts) + f"  [{seconds[(variant, mode)]:.1f} s]")


if __name__ == "__main__":
    sys.exit(main())
