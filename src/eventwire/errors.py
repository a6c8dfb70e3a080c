"""Errors a user sees as one clear line."""


class EventwireError(Exception):
    """A problem with the user's input or setup, reported without a traceback."""


class UsageError(EventwireError):
    """Bad command-line use: exit code 2."""


class InputError(EventwireError):
    """One input could not be read; others go on."""
