"""Loading the curated data tables shipped under eventwire/data (once per process)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources


@cache
def load_table(name: str) -> dict:
    """A JSON data file of the package, by file name."""
    return json.loads(resources.files("eventwire").joinpath("data", name).read_text("utf-8"))
