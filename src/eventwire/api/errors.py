"""API errors: one JSON object ``{"error": "..."}`` with a one-line reason, like the CLI's messages."""

from __future__ import annotations

from pydantic import BaseModel


class ApiError(Exception):
    """A request the API refuses: ``status`` 422 (a bad value), 400 (a bad cursor) or 404 (no such id)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class ErrorOut(BaseModel):
    error: str


def responses(*codes: int) -> dict:
    """The OpenAPI ``responses`` entry for the error codes an endpoint can answer with."""
    return {c: {"model": ErrorOut} for c in codes}
