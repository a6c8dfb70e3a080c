"""Who did it when the trigger's own subject does not say: agents in nominals and passives, implicit doers.

"killed in police firing" (the force word modifies the event noun), "lobbed tear gas shells" (the
light verb's subject uses the weapon), "30 people were arrested" (the police, when no arrester is
named), "fired in the air to disperse a mob" (the target decides the event's type). The word lists
are in data/event_arguments.json.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ..models import Entity
from ..reading.tables import load_table
from .lexicon import Rule
from .syntax import actors_in, children, prep_objects, span_of

PLACEHOLDER = "{country}"  # filled with the event's country when the record is written
CLASH_NOUNS = frozenset({"clash", "skirmish", "confrontation", "fighting", "battle", "encounter"})


@dataclass(frozen=True)
class ArgTable:
    force_words: dict[str, tuple[str, str]]
    implicit_arrester: tuple[str, str]
    police_weapons: frozenset
    target_kind: dict[str, str]  # word -> protest | riot | armed
    crowd_names: dict[str, tuple[str, str]]
    mob_words: frozenset
    disperse_verbs: frozenset
    shot_objects: frozenset
    detainee_nouns: frozenset
    arrest_light_verbs: frozenset
    aggregate_determiners: frozenset
    count_exclusions: tuple[str, ...]
    period_markers: tuple[str, ...]
    toll_period_markers: tuple[str, ...]
    killing_phrases: tuple[str, ...]
    passive_only_arrests: frozenset
    ambiguous_arrests: frozenset
    not_detention: frozenset
    death_participles: tuple[str, ...]
    target_nouns: frozenset  # "X was the target of an attack"
    repel_verbs: frozenset  # "X repelled an attack": X was its target


@lru_cache(maxsize=1)
def get_table() -> ArgTable:
    t = load_table("event_arguments.json")
    return ArgTable(
        {k: tuple(v) for k, v in t["force_words"].items()}, tuple(t["implicit_arrester"]),
        frozenset(t["police_weapons"]),
        {w: kind for kind, words in t["force_targets"].items() for w in words},
        {k: tuple(v) for k, v in t["crowd_names"].items()}, frozenset(t["mob_words"]),
        frozenset(t["disperse_verbs"]), frozenset(t["shot_objects"]), frozenset(t["detainee_nouns"]),
        frozenset(t["arrest_light_verbs"]), frozenset(t["aggregate_determiners"]),
        tuple(t["count_exclusions"]), tuple(t["period_markers"]), tuple(t["toll_period_markers"]),
        tuple(t["killing_phrases"]), frozenset(t["passive_only_arrests"]), frozenset(t["ambiguous_arrests"]),
        frozenset(t["not_detention"]), tuple(t["death_participles"]),
        frozenset(t["target_nouns"]), frozenset(t["repel_verbs"]),
    )


def _entity(tok, name: str, kind: str) -> Entity:
    return Entity(tok.text, tok.idx, tok.idx + len(tok.text), kind, name)


def role_entity(tok, actors: list[Entity]) -> Entity | None:
    """The actor a force word names ("police" in "police firing"), the actor stage's own when it has one."""
    found = actors_in(actors, (tok.idx, tok.idx + len(tok.text)))
    if found:
        return found[0]
    # "by the paramilitary Rapid Support Forces" parsed with the adjective as the agent: a word right before
    # a named actor describes that actor.
    text = tok.doc.text
    end = tok.idx + len(tok.text)
    named = [e for e in actors if e.start > end and not text[end:e.start].strip()] if tok.pos_ == "ADJ" else []
    if named:
        return named[0]
    table = get_table()
    word = tok.lower_
    # "security forces", "riot police": the compound before the head word.
    prev = [c for c in tok.children if c.dep_ in ("compound", "amod") and c.i == tok.i - 1]
    if prev and f"{prev[0].lower_} {word}" in table.force_words:
        name, kind = table.force_words[f"{prev[0].lower_} {word}"]
        return _entity(tok, name, kind)
    if word in table.force_words:
        name, kind = table.force_words[word]
        return _entity(tok, name, kind)
    return None


def modifier_agent(head, actors: list[Entity]) -> Entity | None:
    """'police firing', 'the army's shelling', 'firing by the police': a force word on the event noun."""
    for ch in head.children:
        if ch.dep_ in ("compound", "amod", "nmod", "poss") and ch.i < head.i:
            e = role_entity(ch, actors)
            if e is not None:
                return e
    for p in prep_objects(head, ("by",)):
        e = role_entity(p, actors)
        if e is not None:
            return e
    return None


def governing_agent(head, actors: list[Entity]) -> Entity | None:
    """The doer of the verb a weapon noun is used with: 'police lobbed tear gas shells', 'resorted to firing'.

    Only the trigger as the verb's object (or a compound of it: "teargas shells") or the object of
    one of its prepositions; never further up ("in the wake of the attack, police ..." is no attack
    by the police). A subject the actor stage missed may still be a force word ("police").
    """
    tok = head
    if tok.dep_ == "compound":
        tok = tok.head
    if tok.dep_ == "pobj" and tok.head.dep_ == "prep":
        tok = tok.head
    elif tok.dep_ not in ("dobj", "nsubjpass"):
        return None
    verb = tok.head
    if verb.pos_ not in ("VERB", "AUX"):
        return None
    subj = children(verb, "nsubj") + [p for a in children(verb, "agent") for p in a.children]
    if not subj and verb.dep_ in ("xcomp", "conj", "advcl"):
        subj = children(verb.head, "nsubj")  # "police had to resort to firing"
    for s in subj:
        found = actors_in(actors, span_of(s)) or [e for e in (role_entity(s, actors),) if e]
        if found:
            return found[0]
    return None


def passive_agent(head, actors: list[Entity]) -> Entity | None:
    """'killed in police firing', 'injured during a police lathi-charge': the force names the doer."""
    for p in prep_objects(head, ("in", "during", "after")):
        e = modifier_agent(p, actors)
        if e is None and any(c.dep_ in ("acl", "compound") for c in p.children):
            e = role_entity(p, actors)  # "killed in police firing" parsed as "police" with "firing" on it
        if e is None and p.lemma_.lower() in CLASH_NOUNS:
            # "killed in clashes with police": the other side of the clash did the killing.
            e = next((x for w in prep_objects(p, ("with",)) for x in (role_entity(w, actors),) if x), None)
        if e is not None:
            return e
    return None


def implicit_arrester() -> Entity:
    name, kind = get_table().implicit_arrester
    return Entity("", 0, 0, kind, name)


def is_detainee(tok, actors: list[Entity], lex) -> bool:
    """A person, a named or counted group, or a pronoun: someone who can be arrested."""
    table = get_table()
    if actors_in(actors, span_of(tok)) or tok.ent_type_ in ("PERSON", "NORP", "ORG"):
        return True
    if tok.lower_ in table.detainee_nouns or tok.lemma_.lower() in lex.victim_nouns or tok.lower_ in lex.victim_nouns:
        return True
    if any(c.dep_ == "nummod" and c.tag_ == "CD" for c in tok.children) or tok.tag_ == "CD":
        return True  # "50 persons", "the three" (not "the first meeting")
    return tok.pos_ == "PROPN"


def arrest_has_detainee(head, obj_toks, actors: list[Entity], lex) -> bool:
    """An arrest names whom it took, or counts its arrests ('made 30 arrests', 'the arrest of X').

    The verbs that only arrest ("arrest", "detain", "nab") take anyone as their object; the verbs
    that also mean other things ("hold", "pick up": 'ambiguous_arrests') a person only.
    """
    table = get_table()
    if head.pos_ == "VERB":
        passive = any(c.dep_ == "auxpass" for c in head.children)
        lemma = head.lemma_.lower()
        if lemma in table.passive_only_arrests and (
                not passive or any(t.lower_ in table.not_detention for t in head.subtree)):
            return False  # "50 persons were held", not "they held a meeting", "held hostage", "held responsible"
        # Lower-cased text misparses: "workers were taken into custody" with "workers" as nsubj,
        # "rounded up 1,740 activists headed for X" with "activists" the subject of "headed".
        taken = list(obj_toks) + (children(head, "nsubj") if passive else [])
        taken += [s for c in children(head, "ccomp", "auxpass") for s in children(c, "nsubj")]
        if head.dep_ == "amod":
            taken.append(head.head)  # "the arrested workers"
        if any(nobody(o) for o in taken):
            return False  # "nobody was arrested", "not a single activist was arrested"
        if lemma not in table.ambiguous_arrests:
            return bool(taken) and not any(t.lower_ in table.not_detention for o in taken for t in o.subtree)
        return any(is_detainee(t, actors, lex) for o in taken for t in [o, *o.conjuncts])
    if any(c.dep_ == "nummod" or c.like_num for c in head.children):
        return True
    if any(is_detainee(t, actors, lex) for t in prep_objects(head, ("of",))):
        return True
    if head.dep_ == "pobj" and head.head.lower_ == "under":
        return True  # "placed under (house) arrest"
    gov = head.head
    return head.dep_ in ("dobj", "nsubjpass") and gov.lemma_.lower() in table.arrest_light_verbs


def nobody(tok) -> bool:
    """'nobody', 'no one', 'no activist', 'not a single activist': the arrest of no one."""
    if tok.lower_ in ("nobody", "none", "noone") or tok.lower_ == "one" and tok.i and tok.nbor(-1).lower_ == "no":
        return True
    dets = [c for c in tok.children if c.dep_ in ("det", "neg", "advmod", "amod", "preconj")]
    return any(c.lower_ in ("no", "not") for c in dets) or any(
        c.lower_ == "single" and c.i >= 2 and tok.doc[c.i - 2].lower_ == "not" for c in dets)


def fires_shots(head) -> bool:
    """The verb 'fire' sends rounds, or at/on someone, or in the air; it does not dismiss anyone."""
    table = get_table()
    if head.lower_ == "firing" and head.pos_ == "NOUN":
        # "the firing of the chief executive" is a dismissal; "firing of rounds" is not.
        return not any(t.lower_ not in table.shot_objects for t in prep_objects(head, ("of",)))
    if head.lemma_.lower() != "fire":
        return True
    if head.pos_ != "VERB":
        return False  # "a fire broke out"; "opened fire" is its own phrase
    if any(t.lower_ in table.shot_objects or t.lemma_.lower() in table.shot_objects
           for o in children(head, "dobj") for t in o.subtree):
        return True
    if any(p.ent_type_ not in ("DATE", "TIME") for p in prep_objects(head, ("at", "on", "upon", "into", "towards"))):
        return True  # "fired at the mob", not "fired ... on Monday"
    if any(p.lower_ == "air" for p in prep_objects(head, ("in", "into"))):
        return True  # "fired in the air"
    return not children(head, "dobj")  # "police fired", "troops fired, killing two"


def _kind_of(tok) -> str | None:
    table = get_table()
    for t in tok.subtree:
        kind = table.target_kind.get(t.lower_) or table.target_kind.get(t.lemma_.lower())
        if kind:
            return kind
    return None


def force_target(head, sent) -> tuple[str | None, object]:
    """(protest | riot | armed | None, the target token) of a force trigger.

    The target is the object of the trigger or of its governing verb ("fired at the mob", "lobbed
    tear gas at protesters"), or of a purpose clause ("to disperse the crowd"); else the first
    crowd word of the sentence.
    """
    table = get_table()
    verb = head
    while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i and verb.dep_ != "ROOT":
        verb = verb.head
    candidates = []
    for tok in (head, verb):
        candidates += list(prep_objects(tok, ("at", "on", "upon", "against", "towards", "into")))
        candidates += [o for o in children(tok, "dobj") if o.i != head.i]
        for cl in children(tok, "advcl", "xcomp", "acl", "conj"):
            if cl.lemma_.lower() in table.disperse_verbs:
                candidates += children(cl, "dobj")
    for t in candidates:
        kind = _kind_of(t)
        if kind:
            return kind, t
    for t in sent:
        kind = table.target_kind.get(t.lower_)
        if kind:
            return kind, t
    return None, None


def resolve_force(head, sent, actor1: Entity | None, actor2: Entity | None, actors: list[Entity],
                  rank: int) -> tuple[Rule, Entity | None, Entity | None, bool]:
    """A force trigger's ACLED type from its target, and the actors in ACLED's order.

    Returns (rule, actor1, actor2, is_protest). A protest crowd met with force is a protest with
    intervention (the crowd actor1, the force actor2; excessive force when someone is killed); a mob
    a riot; armed men an armed clash; anyone else violence against civilians. The police use
    batons, lathis and tear gas, and they disperse crowds: they are the unnamed user then.
    """
    table = get_table()
    kind, target = force_target(head, sent)
    if actor1 is None:
        # "the mobs fired at each other": a crowd firing is a riot, its own doer.
        subj = [t for t in children(head, "nsubj") if _kind_of(t) in ("riot", "protest")]
        if subj:
            name, ck = table.crowd_names["riot"]
            crowd = actors_in(actors, span_of(subj[0]))
            return Rule(head.text, "Riots", "Violent demonstration", None, rank), (
                crowd[0] if crowd else _entity(subj[0], name, ck)), actor2, False
    words = {t.lower_ for t in head.subtree} | {head.lower_}
    police_only = bool(words & table.police_weapons) or head.lemma_.lower() in table.police_weapons
    if actor1 is None and (police_only or kind in ("protest", "riot")):
        actor1 = implicit_arrester()
    crowd = None
    if kind is not None and target is not None:
        crowd = actors_in(actors, span_of(target))
        crowd = crowd[0] if crowd else None
        if crowd is None or crowd == actor1:
            name, ck = table.crowd_names[kind]
            crowd = _entity(target, name, ck)
    if kind == "protest":
        return Rule(head.text, "Protests", "Peaceful protest", None, rank), crowd, actor1, True
    if kind == "riot":
        sub = "Mob violence" if target is not None and target.lower_ in table.mob_words else "Violent demonstration"
        return Rule(head.text, "Riots", sub, None, rank), actor1, actor2 or crowd, False
    if kind == "armed":
        return Rule(head.text, "Battles", "Armed clash", None, rank), actor1, actor2 or crowd, False
    return Rule(head.text, "Violence against civilians", "Attack", None, rank), actor1, actor2, False


def is_aggregate(head, has_day: bool) -> bool:
    """'Other teacher protests were held last year': a plural event noun speaking of several events."""
    if head.pos_ != "NOUN" or head.tag_ not in ("NNS", "NNPS") or has_day:
        return False
    table = get_table()
    return any(c.lower_ in table.aggregate_determiners for c in head.children if c.dep_ in ("amod", "det"))
