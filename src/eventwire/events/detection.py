"""Trigger words in a sentence, and the candidate event each one names with its arguments."""

from __future__ import annotations

import re
from dataclasses import replace

from ..document import Document
from ..models import Place, Time
from .agents import (
    arrest_has_detainee,
    fires_shots,
    get_table,
    governing_agent,
    implicit_arrester,
    is_aggregate,
    modifier_agent,
    passive_agent,
    resolve_force,
    role_entity,
)
from .arguments import (
    LOCATIVE,
    actors_from,
    fatalities,
    has_place_noun,
    localise_actors,
    national_forces,
    pick_place,
    pick_time,
    restated_time,
    state_forces,
)
from .candidates import VIOLENT, Candidate
from .lexicon import Lexicon, Rule
from .modality import implied_agents, modality, reports_no_event, threat_venue
from .syntax import children, clause_span, prep_objects, span_of


def match_triggers(sent, lex: Lexicon, times: list[Time] = ()):
    """(head token, rule, phrase text) for each trigger in the sentence, longest phrases first."""
    toks = list(sent)
    # Words inside a time expression name no event ("in March").
    used: set[int] = {i for i, t in enumerate(toks) if any(x.start <= t.idx < x.end for x in times)}
    for n in range(lex.max_len, 0, -1):
        for i in range(len(toks) - n + 1):
            if any(j in used for j in range(i, i + n)):
                continue
            window = toks[i:i + n]
            for key in (tuple(t.lemma_.lower() for t in window), tuple(t.lower_ for t in window)):
                rule = lex.phrases.get(key)
                if rule:
                    break
            else:
                continue
            if n == 1 and window[0].pos_ not in ("VERB", "NOUN") and not (
                window[0].pos_ == "PROPN" and window[0].is_sent_start
            ):
                continue
            ids = {t.i for t in window}
            head = next((t for t in window if t.head.i not in ids or t.head.i == t.i), window[-1])
            used.update(range(i, i + n))
            yield head, rule, " ".join(t.text for t in window)



def candidate(head, rule: Rule, phrase: str, sent, doc: Document, actors, places, dominant, lex,
              supported: bool = False) -> Candidate | None:
    """The event one trigger names, with its arguments; None when it names none.

    ``supported``: the detector is sure the sentence reports an event, so a trigger whose usual
    argument (an actor, a detainee, a place) is missing still names it.
    """
    if reports_no_event(head, doc.article.published) is not None:
        return None  # "did not attack", "failed to arrest", "killed so far this year": no event (factuality.py)
    if head.dep_ in ("compound", "amod", "nmod") and head.head.lemma_.lower() in lex.non_event_heads:
        return None  # "rape allegation", "missile defence", "protest movement"
    if rule.needs == "attack_context" and not any(
        t.lower_ in lex.attack_context or t.lemma_.lower() in lex.attack_context for t in sent if t.i != head.i
    ):
        return None  # a rocket on a launch pad is no attack
    if head.pos_ == "NOUN" and any(c.dep_ == "det" and c.lower_ == "no" for c in head.children):
        return None  # "no arrests were made", "no firing took place"
    if rule.needs == "force" and not fires_shots(head):
        return None  # "fired the minister", "a fire broke out"
    c = Candidate(rule, sent.start_char, sent.end_char, phrase, head_i=head.i)
    if head.dep_ == "advcl" and head.tag_ == "VBG" and head.i > head.head.i:
        c.result_of = head.head.i  # "seized the town, killing 12 fighters": the seizure's toll
    is_verb = head.pos_ == "VERB"
    subj_toks, obj_toks = [], []
    if is_verb:
        subj_toks = children(head, "nsubj") + [p for a in children(head, "agent") for p in a.children]
        obj_toks = children(head, "dobj", "nsubjpass", "attr")
        if head.dep_ in ("xcomp", "conj", "advcl") and not subj_toks:
            subj_toks = children(head.head, "nsubj")
        if head.dep_ == "conj" and not obj_toks and not subj_toks:
            obj_toks = children(head.head, "nsubjpass")  # "were burnt alive and two killed"
        if head.tag_ == "VBN" and head.dep_ == "acl" and head.head.pos_ in ("NOUN", "PROPN"):
            obj_toks = obj_toks + [head.head]  # "demonstrators killed in clashes": the noun is its object
        if rule.type in VIOLENT and head.tag_ in ("VBN", "VBD") and not children(head, "dobj", "aux", "auxpass"):
            # "4 policemen and 4 civilians also killed": a counted subject of a bare participle is
            # its victim (the headline and list style drops "were").
            counted = [t for t in subj_toks if t.like_num or any(x.dep_ == "nummod" for x in t.children)]
            subj_toks = [t for t in subj_toks if t not in counted]
            obj_toks = obj_toks + counted
    else:
        # "the massacre of 22 civilians by ADF terrorists": by names the doer, of the victims;
        # "the shelling carried out by the militia": so does the agent of a participle.
        subj_toks = children(head, "poss", "compound", "nmod") + list(prep_objects(head, ("by",)))
        subj_toks += [p for acl in children(head, "acl") for a in children(acl, "agent") for p in a.children]
        obj_toks = list(prep_objects(head, ("against", "on", "targeting", "of")))
        obj_toks += target_of(head)
        # "launched an attack", "carried out strikes": the doer is the light verb's subject.
        if head.dep_ in ("dobj", "nsubj", "pobj") and not actors_from(subj_toks, actors, dominant, lex):
            gov = head.head if head.dep_ != "pobj" else head.head.head
            if head.dep_ == "dobj":
                subj_toks = subj_toks + children(gov, "nsubj")
    if not actors_from(subj_toks, actors, dominant, lex):
        subj_toks = subj_toks + implied_agents(head)  # "X claimed responsibility for shooting down" (modality.py)
    between = list(prep_objects(head, ("between",))) or (
        list(prep_objects(head.head, ("between",))) if head.dep_ == "nsubj" else []
    )
    if between:
        ents = actors_from(between, actors, dominant, lex, every=True)
        if ents:
            c.actor1 = ents[0]
            c.actor2 = ents[1] if len(ents) > 1 else None
    with_objs = list(prep_objects(head, ("with",)))
    from_objs = list(prep_objects(head, ("from",)))

    if is_verb and head.dep_ == "relcl" and not actors_from(subj_toks, actors, dominant, lex):
        # "protesters who marched": the antecedent does what the clause says.
        if any(t.dep_ == "nsubj" and t.tag_ in ("WP", "WDT") for t in head.children):
            subj_toks = subj_toks + [head.head]
    if c.actor1 is None:
        found = actors_from(subj_toks, actors, dominant, lex)
        c.actor1 = found[0] if found else None
    if c.actor1 is None:
        c.actor1 = implied_agent(head, is_verb, subj_toks, actors, rule.needs == "force")
    if c.actor1 is None and not is_verb:
        c.actor1 = national_forces(head, doc)
    # Who held the place taken: "captured neighbourhoods outside the Islamic State's capital".
    subj_ids = {t.i for s in subj_toks for t in s.subtree}
    held = [t for t in head.subtree if t.i not in subj_ids and t.i != head.i
            and t.dep_ in ("poss", "compound", "pobj", "npadvmod")] if rule.sub == "TERRITORY" else []
    if c.actor2 is None:
        for group in (obj_toks, with_objs, from_objs if rule.sub == "TERRITORY" else [], held):
            found = [e for e in actors_from(group, actors, dominant, lex, enemy=True) if e != c.actor1]
            if found:
                c.actor2 = found[0]
                break
    if c.actor2 is None and rule.type in VIOLENT:
        c.actor2 = owner_of_target(head, obj_toks, actors, c.actor1)
    force = rule.needs == "force"
    if force:
        rule, c.actor1, c.actor2, c.intervention = resolve_force(head, sent, c.actor1, c.actor2, actors, rule.rank)
        c.rule = rule
        c.killing = bool(re.search(r"\b(?:killed|shot dead|died|dead|killing)\b", sent.text.lower()))
    if rule.sub == "Arrests" and c.actor1 is None:
        c.actor1 = implicit_arrester()  # "30 people were arrested": by the police, as ACLED codes it
    if c.actor2 is None and rule.type in VIOLENT and any(
        t.lemma_.lower() in lex.military_targets for o in obj_toks for t in o.subtree
    ):
        # "attacked an army checkpoint": the state's forces are the other side.
        c.actor2 = state_forces(c, doc, places)
    if rule.type == "Violence against civilians" and c.actor1 is not None and (c.actor1.actor or "").startswith(
        "Civilians"
    ):
        c.actor1 = None  # civilians are the victims of violence against civilians, not its authors
        c.victim = True
    c.victim = c.victim or any(t.lemma_.lower() in lex.victim_nouns or t.lower_ in lex.victim_nouns
                   for g in (obj_toks,) for tok in g for t in tok.subtree)
    # "two killed", "killed 5": a counted object of a killing is its victims.
    c.victim = c.victim or rule.type in VIOLENT and any(t.like_num for t in obj_toks)

    # Relative clauses: "Raqqa, which IS seized in 2014" -> the antecedent is the object/place.
    antecedent = None
    if head.dep_ == "relcl" and any(t.tag_ in ("WDT", "WP", "WRB") or t.lower_ in ("which", "that", "where")
                                    for t in head.children):
        antecedent = head.head
    clause = clause_span(head)
    # Places inside an actor's own phrase ("forces tied to Iran") are not where it happened.
    own = span_of(head)

    def in_actor_phrase(p: Place) -> bool:
        for t in subj_toks + between + [x for b in between for x in b.conjuncts]:
            a, b = span_of(t)
            if a <= p.start and p.end <= b:
                # An antecedent's phrase holds the trigger itself ("protesters who marched in X").
                if t.is_ancestor(head) and own[0] <= p.start and p.end <= own[1]:
                    continue
                return True
        return False

    venues = [p for p in places if not in_actor_phrase(p)]
    c.place, c.near = pick_place(head, obj_toks, antecedent, venues, clause, doc)
    if c.place is None:
        # "an attack by armed groups in the Gao region": a locative phrase the parse hung on the actor.
        text = doc.article.text
        located = [p for p in places if p not in venues and LOCATIVE.search(text[max(0, p.start - 40):p.start])]
        c.place, c.near = pick_place(head, obj_toks, antecedent, located, clause, doc)
    if c.place is None:
        c.place = anaphoric_place(head, clause, sent, places)  # "residents of Beni marched through the city"
    if c.place is None:
        # "the hospital in El Fasher received 11 dead after shells struck the camp": a when/after clause
        # happened where its main clause is.
        main = told_in(head)
        if main is not None:
            c.place, c.near = pick_place(main, [], None, venues, clause_span(main), doc)
    if c.place is None:
        # "an attack on a neighbourhood of Beni that the army said had killed 19 people": the clause tells
        # of the event the noun it modifies names, and that noun's phrase says where.
        noun = modified_noun(head)
        if noun is not None:
            c.place, c.near = pick_place(noun, [], None, venues, span_of(noun), doc)
    if rule.needs == "place_object":
        # What was taken must be a place: in the object, its "of"/"over" phrase or the antecedent.
        spans = [span_of(t) for t in obj_toks + list(prep_objects(head, ("of", "over")))]
        if antecedent is not None:
            spans.append((antecedent.idx, antecedent.idx + len(antecedent.text)))
        for o in obj_toks:
            spans += [span_of(t) for t in prep_objects(o, ("of", "over"))]
        if not any(a <= p.start and p.end <= b for p in venues for a, b in spans) and not has_place_noun(
            obj_toks, lex
        ):
            return None
    if rule.needs == "detainee" and not arrest_has_detainee(head, obj_toks, actors, lex):
        return None  # "arrest warrant", "held a meeting", "nobody was arrested": no one taken
    if not arguments_suffice(c, rule, head, sent, actors, supported):
        return None

    c.time = pick_time(head, clause, sent, doc.times) or restated_time(head, sent, doc.times)
    if c.time is not None and "T" in (c.time.value or "")[:11]:
        c.time = replace(c.time, value=c.time.value[:10])  # the event's day, not the hour of one report
    # A date outside the trigger's own clause ("said on Thursday that ... had been killed")
    # may be the day of the report rather than of the event.
    c.time_soft = c.time is not None and not (clause[0] <= c.time.start < clause[1])
    if is_aggregate(head, c.time is not None and len(c.time.value or "") >= 10):
        return None  # "other protests were held last year": several past events, none of them told
    c.background = (head.dep_ in ("relcl", "acl", "advcl", "pcomp") or head.tag_ == "VBN" and head.dep_ == "amod"
                    ) and not told_here(head, force)
    c.modality, c.attributed_to = modality(head, doc.quotes, doc, lex, c.actor1, rule.type)
    if c.modality == "denied" and c.time_soft:
        c.time = None  # "On Saturday, the government denied that civilians had been killed": the denial's day
    if c.background and implied_agents(head):
        c.background = False  # "claimed responsibility for shooting down": what the sentence is about
    if c.modality == "threatened":
        c.place = threat_venue(head, c.place)  # a threat against Europe is no event in Europe (modality.py)
    if rule.type in VIOLENT:
        # The toll in the trigger's own clause (the sentence's is taken after merging, below).
        c.fatalities = fatalities(doc.article.text[clause[0]:clause[1]], lex)
    localise_actors(c, doc, places)
    if c.actor2 is not None and c.actor1 is not None and c.actor2.actor == c.actor1.actor:
        c.actor2 = None  # one actor found twice ("protesters ... protesters") is not both sides
    if rule.type == "Protests":
        low = sent.text.lower()
        c.intervention = c.intervention or any(sig in low for sig in lex.protest_signals)
        c.killing = bool(re.search(r"\b(?:killed|shot dead|died|dead|killing)\b", low))
    return c


_TOWN_NOUNS = frozenset({"city", "town", "village"})


def told_in(head):
    """The main clause's verb of a trigger in a time clause ("... after shells struck the camp"), or None."""
    tok = head
    while tok.pos_ not in ("VERB", "AUX") and tok.head.i != tok.i:
        tok = tok.head
    if tok.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in ("after", "when", "as", "while", "before")
                                   for m in tok.children):
        main = tok.head
        while main.dep_ == "conj" and main.head.i != main.i:
            main = main.head  # "received 11 dead and 40 wounded after ...": the first of the coordinated verbs
        return main
    return None


def anaphoric_place(head, clause, sent, places):
    """"Residents of Beni marched through the city": "the city" of the event's clause is the town named last
    before it, in its sentence or the one before."""
    doc = sent.doc
    start = doc[sent.start - 1].sent.start_char if sent.start > 0 else sent.start_char
    for tok in doc[sent.start:sent.end]:
        if not (clause[0] <= tok.idx < clause[1]) or tok.lemma_.lower() not in _TOWN_NOUNS or tok.dep_ != "pobj":
            continue
        if not any(c.dep_ == "det" and c.lower_ == "the" for c in tok.children) or any(
                c.dep_ in ("prep", "compound", "appos") for c in tok.children):
            continue  # "the city of Gao", "the town Dikwa": named there
        before = [p for p in places if start <= p.start and p.end <= tok.idx and p.feature in ("city", "locality")]
        if before:
            return max(before, key=lambda p: p.start)
    return None


def owner_of_target(head, obj_toks, actors, doer):
    """"troops repelled an attack by terrorists on their location": the group a possessive pronoun on the
    target stands for (the nearest armed actor named before the event word in its sentence, not the doer)."""
    for o in obj_toks:
        for t in o.subtree:
            if t.dep_ != "poss" or t.lower_ not in ("their", "its"):
                continue
            before = [e for e in actors if t.sent.start_char <= e.start and e.end <= head.idx
                      and e.kind in ("state_force", "armed_group") and (doer is None or e.actor != doer.actor)]
            return before[-1] if before else None
    return None


def target_of(head) -> list:
    """"A FAMa unit was the target of an attack", "the convoy came under attack", "soldiers repelled an attack":
    who the event was aimed at (data/event_arguments.json)."""
    table = get_table()
    gov = head.head
    if head.dep_ == "dobj" and gov.pos_ == "VERB" and gov.lemma_.lower() in table.repel_verbs:
        return children(gov, "nsubj")  # "soldiers repelled an attack"
    if head.dep_ == "pobj" and gov.dep_ == "prep" and gov.lower_ == "of" and gov.head.lemma_.lower() in \
            table.target_nouns:
        noun = gov.head
        if noun.dep_ == "attr":
            return children(noun.head, "nsubj")  # "X was the target of"
        if noun.dep_ == "pobj" and noun.head.head.lemma_.lower() == "become":
            return children(noun.head.head, "nsubj")
    if head.dep_ == "pobj" and gov.lower_ == "under" and gov.head.lemma_.lower() in ("come", "be"):
        return children(gov.head, "nsubj")  # "the convoy came under attack"
    return []


def modified_noun(head):
    """The noun a trigger's clause modifies, through reported speech: "an attack ... that the army said had
    killed 19" gives "attack"; None when the trigger's clause modifies no noun."""
    tok = head
    for _ in range(4):
        if tok.dep_ in ("relcl", "acl") and tok.head.pos_ in ("NOUN", "PROPN"):
            return tok.head
        if tok.dep_ not in ("ccomp", "xcomp", "conj") or tok.head.i == tok.i:
            return None
        tok = tok.head
    return None


def implied_agent(head, is_verb: bool, subj_toks, actors, force: bool):
    """A doer the actor stage did not name: a force word as subject, on the event noun, or on its light verb."""
    for tok in subj_toks:
        e = role_entity(tok, actors)
        if e is not None:
            return e
    if is_verb:
        if head.dep_ == "acl" and force:
            return role_entity(head.head, actors)  # "police firing" read as "police" with a participle
        passive = head.tag_ == "VBN" and head.dep_ == "acl" or any(c.dep_ in ("nsubjpass", "auxpass")
                                                                 for c in head.children)
        return passive_agent(head, actors) if passive else None
    # The doer of the verb a weapon is used with ("lobbed tear gas shells"); other event nouns keep
    # the light-verb rule above ("launched an attack").
    return modifier_agent(head, actors) or (governing_agent(head, actors) if force else None)


def arguments_suffice(c: Candidate, rule: Rule, head, sent, actors, supported: bool = False) -> bool:
    """The arguments the trigger needs to name an event (its 'needs' in the lexicon) are there.

    With the detector's support one of two suffices ("fighting on the outskirts of Mosul": a place,
    no actor), and a lone needed actor may be missing.
    """
    if supported:
        return rule.needs != "actor_and_place" or c.place is not None or c.actor1 is not None or c.actor2 is not None
    if rule.needs in ("actor", "actor_and_place") and c.actor1 is None and c.actor2 is None:
        return False
    if rule.needs == "actor_and_place" and c.place is None:
        return False
    if rule.needs == "actor_or_victim" and c.actor1 is None and c.actor2 is None and not c.victim:
        return False
    if rule.needs == "protest" and head.lemma_.lower() not in ("protest", "demonstration", "demonstrate"):
        # "rally", "march": only with protesters named ("Trump spoke at a rally" is no protest).
        in_sent = [e for e in actors if sent.start_char <= e.start < sent.end_char]
        if c.actor1 is None and not any(e.actor and e.actor.startswith("Protesters") for e in in_sent):
            return False
    return True


def told_here(head, force: bool) -> bool:
    """A subordinate trigger that still tells the sentence's event, not a background fact.

    "four persons were killed when police opened fire" (a when/while/as clause), "one person killed
    in police firing" (a counted noun's participle, the headline style), "police firing" (read as
    "police" with a participle on it).
    """
    if head.dep_ == "advcl":
        return any(c.dep_ == "mark" and c.lower_ in ("when", "while", "as", "after") for c in head.children)
    if head.dep_ == "acl" and head.tag_ == "VBN":
        return head.head.like_num or any(c.dep_ == "nummod" for c in head.head.children)
    return head.dep_ == "acl" and force
