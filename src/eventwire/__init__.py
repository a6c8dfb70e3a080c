"""eventwire: read news like a conflict analyst; emit sourced, geocoded event records."""

__version__ = "0.1.0"
