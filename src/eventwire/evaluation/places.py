"""Places on the geoparsing benchmarks (LGL, GeoVirus): acc@161 over all gold toponyms, and precision.

Each article's text goes through the same components ``eventwire extract`` runs for places (the
spaCy parse, actors, places of ``pipeline.REGISTRY``). A gold toponym counts as correct when an
emitted place overlaps its span and lies within 161 km (100 miles) of the gold coordinates; the
share is taken over every gold toponym that has coordinates (LGL leaves some streets and buildings
without any: they are reported apart and neither help nor hurt the geographic figures).

Precision is over the emitted places: one is right when it overlaps a gold toponym and lies within
161 km of it. Places overlapping only an uncoordinated gold toponym cannot be judged and are left
out of that ratio; the looser span precision (overlaps any gold toponym) counts them.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..errors import UsageError
from ..models import Article, Place
from . import Report

KM = 161.0
TARGET = 0.85
# file stem (lower case) -> metric prefix
FILES = {"lgl": "lgl", "geovirus": "geovirus"}


@dataclass
class Gold:
    start: int
    end: int
    text: str
    lat: float | None  # None: the annotators gave no coordinates
    lon: float | None


@dataclass
class GoldArticle:
    id: str
    text: str
    published: date | None
    toponyms: list[Gold]


def _float(s: str | None) -> float | None:
    try:
        return float(s) if s is not None and s.strip() else None
    except ValueError:
        return None


def _date(s: str | None) -> date | None:
    try:
        return date.fromisoformat(s.strip()[:10]) if s else None
    except ValueError:
        return None


def load(path: Path) -> list[GoldArticle]:
    """Articles and gold toponyms of one benchmark file (LGL's or GeoVirus' XML layout)."""
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as exc:
        raise UsageError(f"{path}: not a readable geoparsing XML file ({exc})") from None
    out = []
    for n, art in enumerate(root.iter("article")):
        text = art.findtext("text") or ""
        gold = []
        # LGL: <toponym><start/><end/><phrase/><gaztag><lat/><lon/></gaztag>; GeoVirus: <location> with
        # <name/><start/><end/><lat/><lon/>.
        for t in list(art.iter("toponym")) + list(art.iter("location")):
            s, e = t.findtext("start"), t.findtext("end")
            if s is None or e is None or not s.strip().isdigit() or not e.strip().isdigit():
                continue
            tag = t.find("gaztag")
            src = tag if tag is not None else t
            gold.append(Gold(int(s), int(e), t.findtext("phrase") or t.findtext("name") or "",
                             _float(src.findtext("lat")), _float(src.findtext("lon"))))
        aid = art.get("docid") or art.findtext("source") or str(n)
        out.append(GoldArticle(f"{n}:{aid}", text, _date(art.findtext("dltime")), gold))
    if not out:
        raise UsageError(f"{path}: no <article> elements (expected LGL or GeoVirus XML)")
    return _realign(out)


def _realign(articles: list[GoldArticle]) -> list[GoldArticle]:
    """Shift every offset of a file by the amount that makes its gold phrases meet the text.

    GeoVirus counts from 1 (every phrase sits one character before its stated start); LGL from 0.
    The shift is taken per file, by majority, so a stray bad offset does not move the rest.
    """
    votes: dict[int, int] = {}
    for a in articles:
        for g in a.toponyms:
            for d in (0, -1, 1):
                if g.text and a.text[g.start + d:g.end + d] == g.text:
                    votes[d] = votes.get(d, 0) + 1
                    break
    shift = max(votes, key=lambda d: (votes[d], d == 0)) if votes else 0
    if shift:
        for a in articles:
            for g in a.toponyms:
                g.start, g.end = g.start + shift, g.end + shift
    return articles


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    la1, lo1, la2, lo2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 12742.0 * math.asin(min(1.0, math.sqrt(h)))


def predict(articles: list[GoldArticle]) -> list[list[Place]]:
    """eventwire's places for each article, through the pipeline's own components."""
    from ..config import Settings
    from ..pipeline import Pipeline

    pipe = Pipeline(Settings(components=("parse", "actors", "places")))
    return [pipe(Article(id=a.id, text=a.text, published=a.published, language="en")).places for a in articles]


@dataclass
class Score:
    gold: int = 0  # gold toponyms with coordinates
    uncoordinated: int = 0
    found: int = 0  # of ``gold``: overlapped by an emitted place
    correct: int = 0  # of ``found``: within 161 km
    emitted: int = 0
    emitted_geo_ok: int = 0  # overlaps a coordinated gold toponym and within 161 km of it
    emitted_unjudged: int = 0  # overlaps only uncoordinated gold toponyms
    emitted_span_ok: int = 0  # overlaps any gold toponym
    # wrong only by where a country or region's point is put (under 1,000 km: GeoVirus takes Wikipedia's
    # points, e.g. China at 35N 103E, where GeoNames-style centroids sit 100-600 km away)
    area_convention: int = 0

    @property
    def acc161(self) -> float:
        return self.correct / self.gold if self.gold else 0.0

    @property
    def acc161_found(self) -> float:
        return self.correct / self.found if self.found else 0.0

    @property
    def precision(self) -> float:
        judged = self.emitted - self.emitted_unjudged
        return self.emitted_geo_ok / judged if judged else 0.0

    @property
    def span_precision(self) -> float:
        return self.emitted_span_ok / self.emitted if self.emitted else 0.0


def _overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


def score(articles: list[GoldArticle], predictions: list[list[Place]], errors: list[str] | None = None) -> Score:
    """Compare predictions with gold; append one line per miss to ``errors``."""
    sc = Score()
    errs = errors if errors is not None else []
    for art, places in zip(articles, predictions, strict=True):
        for g in art.toponyms:
            if g.lat is None or g.lon is None:
                sc.uncoordinated += 1
                continue
            sc.gold += 1
            over = [p for p in places if _overlaps(p.start, p.end, g.start, g.end)]
            if not over:
                errs.append(f"{art.id}: missed '{g.text}' [{g.start}:{g.end}] gold ({g.lat:.2f}, {g.lon:.2f})")
                continue
            sc.found += 1
            best = min(over, key=lambda p: km((p.lat, p.lon), (g.lat, g.lon)))
            d = km((best.lat, best.lon), (g.lat, g.lon))
            if d <= KM:
                sc.correct += 1
            else:
                if best.feature in ("country", "region") and d < 1000:
                    sc.area_convention += 1
                errs.append(f"{art.id}: wrong '{g.text}' -> {best.name} ({best.country}, {best.feature}) "
                            f"{d:.0f} km off; gold ({g.lat:.2f}, {g.lon:.2f}) predicted ({best.lat:.2f}, "
                            f"{best.lon:.2f})")
        for p in places:
            sc.emitted += 1
            over = [g for g in art.toponyms if _overlaps(p.start, p.end, g.start, g.end)]
            if over:
                sc.emitted_span_ok += 1
            coord = [g for g in over if g.lat is not None and g.lon is not None]
            if coord:
                if min(km((p.lat, p.lon), (g.lat, g.lon)) for g in coord) <= KM:
                    sc.emitted_geo_ok += 1
            elif over:
                sc.emitted_unjudged += 1
            else:
                errs.append(f"{art.id}: spurious '{p.text}' [{p.start}:{p.end}] -> {p.name} ({p.country}, "
                            f"{p.feature})")
    return sc


def _files(path: Path) -> list[tuple[str, Path]]:
    if path.is_file():
        return [(FILES.get(path.stem.lower(), path.stem.lower()), path)]
    if not path.is_dir():
        raise UsageError(f"{path}: not a geoparsing XML file or folder")
    found = [(FILES[p.stem.lower()], p) for p in sorted(path.glob("*.xml")) if p.stem.lower() in FILES]
    if not found:
        raise UsageError(f"{path}: no lgl.xml or GeoVirus.xml in this folder")
    # LGL first: it is the usual headline figure
    return sorted(found, key=lambda x: list(FILES.values()).index(x[0]))


def evaluate(path: Path, limit: int | None = None) -> Report:
    metrics: dict[str, float] = {}
    targets: dict[str, float] = {}
    details: list[str] = []
    errors: list[str] = []
    described = []
    for name, file in _files(path):
        articles = load(file)[:limit]
        errs: list[str] = []
        sc = score(articles, predict(articles), errs)
        errors += [f"{name} {e}" for e in errs]
        metrics[f"{name}_acc161"] = sc.acc161
        metrics[f"{name}_precision"] = sc.precision
        metrics[f"{name}_span_precision"] = sc.span_precision
        metrics[f"{name}_acc161_found"] = sc.acc161_found
        targets[f"{name}_acc161"] = TARGET
        targets[f"{name}_precision"] = TARGET
        described.append(f"{file.name}: {len(articles)} articles, {sc.gold:,} toponyms")
        details.append(f"{name}: {sc.found}/{sc.gold} gold toponyms found, {sc.correct} within {KM:g} km "
                       f"({sc.area_convention} more are countries/regions under 1,000 km off); "
                       f"{sc.uncoordinated} gold toponyms without coordinates left out")
        details.append(f"{name}: {sc.emitted} places emitted, {sc.emitted_geo_ok} right, {sc.emitted_span_ok} "
                       f"on a gold span ({sc.emitted_unjudged} only on an uncoordinated one)")
    return Report(stage="places", data="; ".join(described), metrics=metrics, targets=targets,
                  details=details, errors=errors)
