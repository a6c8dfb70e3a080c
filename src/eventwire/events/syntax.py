"""Small walks over the dependency parse shared by the event stage's modules."""

from __future__ import annotations

from ..models import Entity


def span_of(tok) -> tuple[int, int]:
    sub = list(tok.subtree)
    return sub[0].idx, sub[-1].idx + len(sub[-1].text)



def actors_in(ents: list[Entity], span: tuple[int, int]) -> list[Entity]:
    a, b = span
    return [e for e in ents if a <= e.start and e.end <= b]



def children(tok, *deps: str):
    return [c for c in tok.children if c.dep_ in deps]



def prep_objects(tok, preps: tuple[str, ...]):
    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ in preps:
            yield from (p for p in c.children if p.dep_ == "pobj")



def clause_span(head) -> tuple[int, int]:
    """The smallest verb clause around the trigger (for dates and places that belong to it)."""
    tok = head
    while tok.pos_ not in ("VERB", "AUX") and tok.head.i != tok.i:
        tok = tok.head
    return span_of(tok)
