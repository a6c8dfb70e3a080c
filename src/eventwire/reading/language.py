"""Language identification of the cleaned text (py3langid: offline, fast)."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path


def _model_path() -> Path:
    from py3langid.langid import MODEL_DIR, MODEL_FILE

    p = Path(MODEL_FILE)
    return p if p.is_absolute() else MODEL_DIR / p


def _from_npz(path: Path):
    """py3langid's identifier from its model, uncompressed (the layout py3langid 0.4's loader reads)."""
    import numpy as np
    from py3langid.langid import LanguageIdentifier
    from py3langid.modelio import _to_array

    with np.load(path, allow_pickle=False) as d:
        return LanguageIdentifier(np.asarray(d["ptc"]), np.asarray(d["pc"]), d["classes"].tolist(),
                                  _to_array(d["nextmove"]), d["out_feat"].tolist(), norm_probs=True,
                                  tk_row=_to_array(d["nextmove_row"]))


@lru_cache(maxsize=1)
def _identifier():
    # The packaged model is xz-compressed: decompressing it took about half a second of every run's
    # start-up, so the plain file is kept in the user cache and read from there next time.
    import lzma
    import shutil

    from ..cache import cache_paths, write_cached

    model = _model_path()
    try:
        stat = model.stat()
        tag = hashlib.sha1(f"{model}:{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest()[:16]
        paths = cache_paths(f"langid-{tag}.npz")
        for p in paths:
            try:
                return _from_npz(p)
            except Exception:  # missing or unreadable: try the next, then rebuild
                continue

        def unpack(f) -> None:
            with lzma.open(model) as src:
                shutil.copyfileobj(src, f, length=1 << 20)

        written = write_cached(paths, unpack)
        if written is not None:
            return _from_npz(written)
    except Exception:  # any surprise in the fast path: py3langid's own loader decides
        pass
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None when too short or unsure."""
    sample = text[:5000]
    if len(sample.split()) < 5:
        return None
    lang, prob = _identifier().classify(sample)
    return lang if prob >= 0.5 else None
