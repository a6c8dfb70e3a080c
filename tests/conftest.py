"""Shared fixtures: the spaCy pipeline is loaded once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEED = SHARED / "acceptance" / "seed"
DATA = SHARED / "data"


@pytest.fixture(scope="session")
def nlp():
    from eventwire.nlp import load_spacy

    return load_spacy()


def need(path: Path) -> Path:
    """Skip cleanly when a piece of ../shared is absent."""
    if not path.exists():
        pytest.skip(f"{path} is not here")
    return path
