"""Quote stage: direct and reported speech with speaker, speaker description and cue.

Works on an already parsed spaCy ``Doc`` (no second parse): quotation marks give the
direct quotes, reporting verbs with a clausal complement (or "according to") give the
reported ones, and the dependency tree links both to a speaker. The cue lexicon lives in
``data/speech_cues.json``. The rule throughout is *never guess*: when the text does not
say who spoke, ``speaker`` is ``None``.

Conventions (measured on PolNeAR, see benchmarks/quotes_approaches.md):

* A quoted fragment inside the writer's own sentence ('X called him a "liar"') is not a
  quotation of its own: it is part of the reported clause of its cue, and a quoted title or
  term with no cue is no quote at all.
* Besides speech verbs, stance, evaluation and intention verbs attribute their object or
  complement to their subject ('X criticized the plan', 'X wants to ...', 'X called for ...');
  those are kept only when the subject names a source.
* ``speaker_start``/``speaker_end`` mark the mention that is the cue's subject in the text:
  the name, or the pronoun of 'he said' / the relative pronoun of 'X, who said'; ``speaker``
  then holds the name that mention refers to. A personal pronoun is resolved only when one
  person of agreeing gender (given-name and honorific table ``data/quote_gender.json``) is
  the clear antecedent; otherwise both stay ``None``.
* The pieces of an interrupted or multi-paragraph quotation are separate records that share
  the speaker span of the frame that attributes them.
* Transcripts: a paragraph opening with an upper-case label ('PENCE: ...') is that speaker's.

Modules, in the order the data flows: ``cues`` (the lexicon), ``marks`` (quotation marks),
``candidates``, ``direct`` and ``reported`` (the two kinds of quote), ``pronouns`` and ``speakers``
(attribution). This module runs them in turn.
"""

from __future__ import annotations

from collections.abc import Iterable

from spacy.tokens import Doc

from ..models import Entity, Quote
from ..nlp import text_of
from .candidates import Candidate, Context
from .cues import get_lexicon
from .direct import cue_for_direct, embedding_clauses, is_embedded
from .marks import Mark, covered_by_quotes, direct_spans, is_scare_quote, token_quote_index
from .pronouns import person_genders, person_mentions
from .reported import TURN, clip_to_paragraph, object_content, reported_clauses, transcript_turns
from .speakers import attribute


def find_quotes(doc: Doc, entities: Iterable[Entity] = ()) -> list[Quote]:
    """Direct and reported quotes of ``doc`` in text order, each with speaker and cue when stated."""
    text = text_of(doc)
    if not text.strip():
        return []
    lex = get_lexicon()
    ents = sorted(entities, key=lambda e: e.start)
    marks = [m for m in direct_spans(text) if not is_scare_quote(text, m)]
    tok_quote = token_quote_index(doc, marks)

    cands: list[Candidate] = []
    prev_mark: Mark | None = None
    prev_cand: Candidate | None = None
    embedded: dict[int, list[Mark]] = {}  # cue token -> quoted fragments it governs
    for qi, m in enumerate(marks):
        cand = Candidate(m.start, m.end, True)
        turn = TURN.match(text, m.start) if m.at_para_start else None
        if turn and turn.group(1) not in lex.labels and len(turn.group(1)) > 1 and turn.end() < m.end:
            # A quoted transcript: '"PENCE: Well, look, ..."' is PENCE's turn.
            cand.start, cand.cue_text = turn.end(), ":"
            cand.sp_start, cand.sp_end, cand.speaker = turn.start(1), turn.end(1), turn.group(1)
            prev_mark, prev_cand = m, cand
            cands.append(cand)
            continue
        cue = cue_for_direct(doc, m, qi, tok_quote, lex)
        if is_embedded(doc, text, m, lex):
            # A fragment quoted inside the writer's own sentence ('X called him a "liar"') is
            # part of that sentence's reported speech, not a quotation of its own.
            if cue is not None:
                embedded.setdefault(cue.i, []).append(m)
            continue
        if cue is not None:
            cand.cue = cue
        elif prev_mark is not None and prev_cand is not None and (
                prev_mark.para == m.para
                or (m.at_para_start and prev_mark.unclosed and prev_mark.para == m.para - 1)):
            # Newswire conventions: '"A," X said. "B."' continues X's words within a paragraph,
            # and a quote running over paragraphs leaves each but the last one unclosed.
            cand.inherit = prev_cand
        prev_mark, prev_cand = m, cand
        cands.append(cand)

    reported = reported_clauses(doc, marks, tok_quote, lex)
    reported += object_content(doc, tok_quote, lex, {c.cue.i for c in reported if c.cue is not None})
    clipped = (clip_to_paragraph(text, c) for c in reported)
    cands.extend(c for c in clipped if c is not None and not covered_by_quotes(text, c.start, c.end, marks))
    cands.extend(transcript_turns(text, marks, lex))
    cands.extend(embedding_clauses(doc, embedded, reported))
    persons = person_mentions(doc, ents, marks)
    ctx = Context(doc, lex, ents, marks, tok_quote, persons, person_genders(doc, persons))
    cands.sort(key=lambda c: (c.start, c.end))

    done: list[Candidate] = []
    for c in cands:
        if c.speaker is not None:
            pass  # attributed when found (transcript turns)
        elif c.inherit is not None:
            src = c.inherit
            c.speaker, c.description, c.sp_start, c.sp_end, c.person = (
                src.speaker, src.description, src.sp_start, src.sp_end, src.person)
            c.cue_text = src.cue_text
        elif c.cue is not None:
            attribute(ctx, c, done)
            if c.needs_speaker and c.speaker is None:
                continue
        done.append(c)

    return [
        Quote(text=text[c.start:c.end], start=c.start, end=c.end, direct=c.direct, speaker=c.speaker,
              speaker_description=c.description, cue=c.cue_text, speaker_start=c.sp_start,
              speaker_end=c.sp_end)
        for c in done
    ]


__all__ = ["find_quotes"]
