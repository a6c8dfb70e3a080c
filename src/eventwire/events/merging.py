"""One event's several reports become one: candidates within a document, finished events across pieces.

The rule is the same at both levels: type and actors alike (one of them named), place and date
not at odds; the weaker report lends what the stronger lacks.
"""

from __future__ import annotations

from ..models import Event
from .candidates import Candidate, actor_name, known_actor, sub_type

FACTUAL = ("asserted", "reported", "claimed")  # the event happened, by someone's account


def _day(value: str | None):
    from datetime import date

    try:
        return date.fromisoformat(value[:10]) if value and len(value) >= 10 else None
    except ValueError:
        return None



def _dates_compatible(a: Candidate, b: Candidate) -> bool:
    """Same day, or one undated, or one only the day it was reported (on or up to a week after)."""
    ta, tb = (a.time.value if a.time else None), (b.time.value if b.time else None)
    if ta is None or tb is None or ta == tb:
        return True
    if a.time_soft == b.time_soft:
        return False
    hard, soft = (ta, tb) if b.time_soft else (tb, ta)
    dh, ds = _day(hard), _day(soft)
    return dh is not None and ds is not None and 0 <= (ds - dh).days <= 7



def _compatible(a: Candidate, b: Candidate, same_sentence: bool) -> bool:
    if same_sentence:
        if a.head_i is not None and (a.result_of == b.head_i or b.result_of == a.head_i):
            return True  # "seized the town from rebels, killing 12 fighters": one event and its toll
        # One sentence, several words for one event ("killed in an air strike").
        return all(
            x is None or y is None or x == y
            for x, y in ((actor_name(a.actor1), actor_name(b.actor1)), (actor_name(a.actor2), actor_name(b.actor2)))
        )
    if sub_type(a)[0] != sub_type(b)[0]:
        return False
    if (a.modality == "denied") != (b.modality == "denied"):
        return False  # a party's denial stays its own report of the event, beside the accounts it denies
    a1, b1, a2, b2 = (known_actor(a.actor1), known_actor(b.actor1), known_actor(a.actor2), known_actor(b.actor2))
    if a1 and b1 and a1 != b1 or a2 and b2 and a2 != b2:
        return False
    # Across sentences the reports must share a named actor in the same role (or civilian victims),
    # or be the plan and the deed at one place and date ("called for a protest in Harare on Friday").
    deed_of_plan = ((a.modality in FACTUAL) != (b.modality in FACTUAL) and a.place is not None
                    and b.place is not None and a.time is not None and b.time is not None)
    # A crowd has no name: one article's two protests not at odds in place or date are one protest.
    one_crowd = sub_type(a)[0] == "Protests"
    if not (a1 and a1 == b1 or a2 and a2 == b2 or a.victim and b.victim and not (a2 or b2) or deed_of_plan
            or one_crowd):
        return False
    if a.place and b.place and a.place.name != b.place.name:
        return False
    return _dates_compatible(a, b)



def better_modality(mod_a: str, by_a: str | None, mod_b: str, by_b: str | None) -> tuple[str, str | None]:
    """One event told twice: a report that it happened beats a plan, threat or denial of it ("called for
    a protest on Friday" and "thousands protested on Friday"), and a named source beats none."""
    if mod_a not in FACTUAL and mod_b in FACTUAL:
        return mod_b, by_b
    if mod_a == "asserted" and mod_b in ("reported", "claimed"):
        return mod_b, by_a or by_b
    return mod_a, by_a or (by_b if mod_b == mod_a else None)


def _own_account(a: Candidate, b: Candidate) -> bool:
    """The other reading of a denied event in its sentence is the denier's own (or nobody's) account."""
    denier, other = (a, b) if a.modality == "denied" else (b, a)
    return other.modality in FACTUAL and other.attributed_to in (None, denier.attributed_to)


def absorb(a: Candidate, b: Candidate) -> Candidate:
    """Keep the stronger trigger; fill what it lacks from the other."""
    if (b.rule.rank, b.actor1 is not None) > (a.rule.rank, a.actor1 is not None) and a.sent_start == b.sent_start:
        a, b = b, a
    for f, other in (("actor1", "actor2"), ("actor2", "actor1")):
        if known_actor(getattr(a, f)) is None and known_actor(getattr(b, f)) is not None and \
                actor_name(getattr(b, f)) != actor_name(getattr(a, other)):
            setattr(a, f, getattr(b, f))  # a named group beats "unidentified gunmen" (never both sides at once)
    for f in ("actor1", "actor2", "place", "time", "fatalities"):
        if getattr(a, f) is None and getattr(b, f) is not None and not (
                f.startswith("actor") and actor_name(getattr(b, f)) == actor_name(a.actor1 if f == "actor2"
                                                                                 else a.actor2)):
            setattr(a, f, getattr(b, f))
            if f == "time":
                a.time_soft = b.time_soft
    if a.time_soft and b.time is not None and not b.time_soft:
        a.time, a.time_soft = b.time, False
    if a.sent_start == b.sent_start and "denied" in (a.modality, b.modality) and _own_account(a, b):
        # "the government denied that any civilians had been killed and said the strike had targeted
        # terrorists": the denier's own account of the event is its denial of it as others report it.
        a.modality, a.attributed_to = "denied", a.attributed_to if a.modality == "denied" else b.attributed_to
    else:
        a.modality, a.attributed_to = better_modality(a.modality, a.attributed_to, b.modality, b.attributed_to)
    a.background = a.background and b.background
    a.victim = a.victim or b.victim
    if b.sent_start != a.sent_start:
        a.extra_spans.append((b.sent_start, b.sent_end))
    return a



def merge(cands: list[Candidate], same_sentence_only: bool = False) -> list[Candidate]:
    out: list[Candidate] = []
    for c in cands:
        for i, o in enumerate(out):
            same = o.sent_start == c.sent_start
            if same_sentence_only and not same:
                continue
            if _compatible(o, c, same):
                out[i] = absorb(o, c)
                break
        else:
            out.append(c)
    return out



# ---- finished events (pieces.py joins a long text's pieces with these) ------------------------


def event_key(ev: Event) -> tuple:
    """What must be equal for two finished events to be one."""
    return ev.event_type, ev.sub_event_type, ev.actor1, ev.actor2


def _named(actor: str | None) -> bool:
    return bool(actor) and not actor.startswith(("Unidentified", "Civilians", "Protesters"))


def same_event(a: Event, b: Event) -> bool:
    """Two reports of one event: type, sub-type and actors alike, one of them named, place and date not at odds.

    The rule of the cross-sentence merge of candidates (``merge``), on finished events.
    """
    if event_key(a) != event_key(b):
        return False
    if not (_named(a.actor1) or _named(a.actor2)):
        return False
    if a.location and b.location and a.location.name != b.location.name:
        return False
    return not (a.date and b.date and a.date != b.date)


def absorb_event(a: Event, b: Event) -> None:
    """Keep ``a`` (the earlier report) and fill what it lacks from ``b``."""
    if a.location is None and b.location is not None:
        a.location = b.location
    if a.date is None and b.date is not None:
        a.date, a.date_precision = b.date, b.date_precision
    a.modality, a.attributed_to = better_modality(a.modality, a.attributed_to, b.modality, b.attributed_to)
    if a.fatalities is None and b.fatalities is not None:
        a.fatalities = b.fatalities
    a.confidence = max(a.confidence, b.confidence)
