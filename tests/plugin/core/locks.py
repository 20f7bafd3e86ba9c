"""Looking at the foreground lock files from outside (``plugin.core.foreground``)."""

from __future__ import annotations

import fcntl
import os


def lock_held(path: str) -> bool:
    """Whether some foreground transaction holds its shared lock on ``path``."""
    probe = os.open(path, os.O_RDWR)
    try:
        fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return False
    except BlockingIOError:
        return True
    finally:
        os.close(probe)
