"""The demo's one failure: it ends the run with a message instead of a traceback."""


class DemoError(Exception):
    """A step failed; the message says which and what to look at."""
