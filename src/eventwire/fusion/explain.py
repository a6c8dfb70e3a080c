"""A fused event as text for ``eventwire show ID --why``: the facts, then each report and why it joined."""

from __future__ import annotations


def _place(loc: dict | None) -> str:
    if not loc:
        return "?"
    return f"{loc.get('name') or '?'}" + (f" ({loc['country']})" if loc.get("country") else "")


def _merge_line(m: dict, names: dict[str, str]) -> str:
    parts = []
    if m.get("km") is not None:
        parts.append(f"{m['km']:.0f} km apart")
    if m.get("day_gap") is not None:
        parts.append("same day" if m["day_gap"] == 0 else f"{m['day_gap']} day apart")
    if m.get("shared_actors"):
        parts.append("actors in common: " + ", ".join(m["shared_actors"]))
    parts.append(f"wording similarity {m.get('similarity', 0):.2f}")
    detail = ", ".join(f"{k} {v:+g}" for k, v in (m.get("parts") or {}).items())
    return (f"      merged with {names.get(m['with'], m['with'])}: score {m['score']:g} ({detail}); "
            + "; ".join(parts))


def explain(ev: dict) -> str:
    """Readable account of a fused event (``store.fused_event``'s record)."""
    rng = ev.get("fatalities_range")
    out = [
        f"{ev['id']}: {ev['event_type']} / {ev['sub_event_type'] or '-'} on {ev['date'] or '?'} at "
        f"{_place(ev['location'])}",
        f"  actors: {ev['actor1'] or '?'} -> {ev['actor2'] or '?'}",
        f"  modality: {ev['modality']}" + ("  CONTESTED: a party denies it" if ev.get("contested") else ""),
        f"  fatalities: {ev['fatalities'] if ev['fatalities'] is not None else 'not reported'}"
        + (f" (sources say {rng[0]} to {rng[1]}; rule: {ev['fatalities_rule']})" if rng and rng[0] != rng[1]
           else ""),
        f"  {ev['articles']} article(s), {ev['sources_independent']} independent source(s); outlets: "
        + ("; ".join(ev.get("outlets") or []) or "-"),
        "  reports:",
    ]
    names = {r["event_id"]: f"{r['site'] or r['article_id']} ({r['event_id']})" for r in ev["reports"]}
    for r in ev["reports"]:
        head = "  *" if r["lead"] else "   "
        flags = []
        if r.get("role") == "copy" and r["lead"]:
            flags.append(f"repeats {names.get(r['copy_of'], r['copy_of'])}: not another source")
        elif r.get("role") == "background" and r["lead"]:
            flags.append("background in an article about another event: listed, not counted as a source")
        out.append(f"{head} {r['site'] or '-'} {r['published'] or '?'} [{r['modality']}"
                   + (f" by {r['attributed_to']}" if r.get("attributed_to") else "") + "] "
                   + f"{r['event_type']} / {r['sub_event_type'] or '-'}, {r['actor1'] or '?'} -> "
                   f"{r['actor2'] or '?'}, {_place(r['location'])}, {r['date'] or '?'}, fatalities "
                   f"{r['fatalities'] if r['fatalities'] is not None else '-'}"
                   + (f"  ({'; '.join(flags)})" if flags else ""))
        out.append(f"      \"{r['evidence']}\"  ({r['input'] or r['url'] or r['article_id']})")
        out.extend(_merge_line(m, names) for m in r.get("merged") or [])
    for c in ev.get("copies") or []:
        out.append(f"  copy: {c['site'] or '-'} {c['published'] or '?'} \"{c['title'] or ''}\" "
                   f"({c['input'] or c['url'] or c['article_id']}), near-duplicate of {c['copy_of']} "
                   f"(similarity {c['similarity'] or 0:.2f}), not counted again")
    out.append("  (* an article's leading report; its other sentences of the same happening follow)")
    return "\n".join(out)
