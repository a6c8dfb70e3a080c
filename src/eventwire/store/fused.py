"""Reading fused events back: the agreed facts, every report with what it said, and the sources.

A fused event reads like a per-article event (same keys, so the exports take either) plus what
fusion adds: ``reports`` (each article's account: its sentence, actors, place, date, fatalities,
modality, whether it counts as an independent source and why it was merged), the near-duplicate
copies of those articles, ``fatalities_by_source`` with the rule that chose the fused figure,
``contested``, and the counts ``articles`` and ``sources_independent``.
"""

from __future__ import annotations

from sqlalchemy import select

from . import schema as t


def _loc(r) -> dict | None:
    if r["lat"] is None:
        return None
    return {"name": r["location"], "lat": r["lat"], "lon": r["lon"], "country": r["country"],
            "geonameid": r["geonameid"], "precision": r["geo_precision"]}


def _iso(v) -> str | None:
    return v.isoformat() if v is not None else None


def fused_dict(fe) -> dict:
    """The fused event's own facts (no reports)."""
    return {
        "id": fe["id"], "event_type": fe["event_type"], "sub_event_type": fe["sub_event_type"],
        "actor1": fe["actor1"], "actor2": fe["actor2"], "assoc_actors": fe["assoc_actors"] or [],
        "location": _loc(fe), "date": fe["date"], "date_precision": fe["date_precision"],
        "fatalities": fe["fatalities"],
        "fatalities_range": ([fe["fatalities_min"], fe["fatalities_max"]]
                             if fe["fatalities_min"] is not None else None),
        "fatalities_rule": fe["fatalities_rule"],
        "modality": fe["modality"], "contested": bool(fe["contested"]), "attributed_to": fe["attributed_to"],
        "confidence": fe["confidence"], "articles": fe["articles"],
        "sources_independent": fe["sources_independent"],
        "outlets": fe["outlets"].split("; ") if fe["outlets"] else [],
        "fused": True,
    }


def read_fused(conn, fid: str) -> dict | None:
    """A fused event with its reports, copies and per-source figures; None if there is none."""
    fe = conn.execute(select(t.fused_events).where(t.fused_events.c.id == fid)).mappings().first()
    if fe is None:
        return None
    ev, src, art, fr = t.events, t.event_sources, t.articles, t.fused_reports
    rows = conn.execute(
        select(ev, fr.c.unit_id, fr.c.copy_of, fr.c.why, src.c.article_id, src.c.start, src.c.end, src.c.evidence,
               src.c.modality.label("src_modality"), src.c.attributed_to.label("src_attributed_to"),
               art.c.input, art.c.url, art.c.title, art.c.published, art.c.ingested_at,
               t.sites.c.name.label("site"))
        .join(fr, fr.c.event_id == ev.c.id).join(src, src.c.event_id == ev.c.id)
        .join(art, art.c.id == src.c.article_id).join(t.sites, t.sites.c.id == art.c.site_id, isouter=True)
        .where(fr.c.fused_id == fid).order_by(art.c.published, src.c.article_id, src.c.start)
    ).mappings().all()
    article_ids = list(dict.fromkeys(r["article_id"] for r in rows))
    copies = conn.execute(
        select(art.c.id, art.c.input, art.c.url, art.c.title, art.c.published, art.c.ingested_at, art.c.duplicate_of,
               art.c.similarity, t.sites.c.name.label("site"))
        .join(t.sites, t.sites.c.id == art.c.site_id, isouter=True)
        .where(art.c.duplicate_of.in_(article_ids)).order_by(art.c.published, art.c.id)
    ).mappings().all() if article_ids else []

    out = fused_dict(fe)
    reports = []
    for r in rows:
        lead = r["id"] == r["unit_id"]
        reports.append({
            "event_id": r["id"], "article_id": r["article_id"], "input": r["input"], "url": r["url"],
            "title": r["title"], "site": r["site"], "published": _iso(r["published"]),
            "ingested_at": _iso(r["ingested_at"]), "evidence": r["evidence"], "start": r["start"], "end": r["end"],
            "event_type": r["event_type"], "sub_event_type": r["sub_event_type"], "actor1": r["actor1"],
            "actor2": r["actor2"], "location": _loc(r), "date": r["date"], "fatalities": r["fatalities"],
            "modality": r["src_modality"], "attributed_to": r["src_attributed_to"],
            # role: "source" (counted), "copy" (repeats an earlier report's sentence) or
            # "background" (its article restates the event while reporting another)
            "lead": lead, "role": (r["why"] or {}).get("role", "source"),
            "independent": (r["why"] or {}).get("role", "source") == "source",
            "copy_of": r["copy_of"], "merged": (r["why"] or {}).get("merged", []) if lead else [],
        })
    out["reports"] = reports
    out["copies"] = [{
        "article_id": c["id"], "input": c["input"], "url": c["url"], "title": c["title"], "site": c["site"],
        "published": _iso(c["published"]), "ingested_at": _iso(c["ingested_at"]), "copy_of": c["duplicate_of"],
        "similarity": c["similarity"],
    } for c in copies]
    out["fatalities_by_source"] = [
        {"article_id": r["article_id"], "site": r["site"], "fatalities": r["fatalities"], "modality": r["modality"],
         "independent": r["independent"]}
        for r in reports if r["lead"] and r["fatalities"] is not None]
    # One line per article, as a per-article event's "sources": what the exports read (sites, notes).
    leads = [r for r in reports if r["lead"]]
    out["sources"] = [{
        "article_id": r["article_id"], "site": r["site"], "title": r["title"], "url": r["url"],
        "published": r["published"], "duplicate_of": None, "evidence": r["evidence"], "start": r["start"],
        "end": r["end"], "modality": r["modality"], "attributed_to": r["attributed_to"],
        "ingested_at": r["ingested_at"],
    } for r in leads] + [{
        "article_id": c["article_id"], "site": c["site"], "title": c["title"], "url": c["url"],
        "published": c["published"], "duplicate_of": c["copy_of"], "evidence": None, "start": None, "end": None,
        "modality": None, "attributed_to": None, "ingested_at": c["ingested_at"],
    } for c in out["copies"]]
    return out


def fused_id_of(conn, event_id: str) -> str | None:
    """The fused event holding a per-article event."""
    return conn.execute(select(t.fused_reports.c.fused_id).where(t.fused_reports.c.event_id == event_id)).scalar()
