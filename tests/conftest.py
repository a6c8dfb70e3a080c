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


def extract_texts(tmp_path_factory, texts: dict[str, str]) -> dict[str, dict]:
    """Records of short texts written as files and read by `eventwire extract`, by file stem."""
    import json
    import subprocess
    import sys

    folder = tmp_path_factory.mktemp("texts")
    for name, text in texts.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "eventwire", "extract", str(folder)],
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    recs = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
    return {Path(r["article"]["input"]).stem: r for r in recs}
