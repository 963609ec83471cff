"""Fault injection for the crash tests: die at the one moment the crash-safety promise is about.

A file's vectors are stored before its catalog rows commit (``ingest/writer.py``); a crash
between the two leaves orphan vectors that search must never show and the next ingest must
sweep. A SIGKILL sent from outside cannot be timed to land there, so the pipeline calls
:func:`after_vectors_stored` at that point.

Off by default. ``POLICYKB_FAULT_AFTER_VECTORS=1`` in the environment of a ``policykb ingest``
or ``policykb serve`` makes the process SIGKILL itself there, at the first file it stores: no
``finally``, no ``atexit``, no flush, as a power cut or the OOM killer would stop it. The
variable is read here and nowhere else (``tests/ingest/test_orphan_crash.py`` sets it); it is
not a setting, so no ``.env`` file or settings object can switch it on by accident.
"""

from __future__ import annotations

import logging
import os
import signal

logger = logging.getLogger(__name__)

FAULT_AFTER_VECTORS = "POLICYKB_FAULT_AFTER_VECTORS"


def after_vectors_stored(source: str) -> None:
    """Kill this process if the fault is switched on; otherwise do nothing."""
    if os.environ.get(FAULT_AFTER_VECTORS) != "1":
        return
    logger.critical("%s=1: killing process %d after storing the vectors of %s, before its "
                    "catalog rows commit", FAULT_AFTER_VECTORS, os.getpid(), source)
    os.kill(os.getpid(), signal.SIGKILL)
