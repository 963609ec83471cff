"""Putting a restored index in place: a new data directory swapped for the old one in one step,
and (with a chroma server) a new collection renamed into place beside it.

Why atomic: a server keeps reading the data directory while a restore runs; it must see the
old index or the new one, never a directory half moved.
"""

from __future__ import annotations

import ctypes
import errno
import os
import time
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import PolicyKBError
from core.layout import CHROMA, INDEX_ENTRIES, KEY_ENTRIES

if TYPE_CHECKING:
    from index.vector_store import Collections


def swap_dirs(data_dir: Path, new: Path, with_keys: bool) -> None:
    """Carry what is not index over from ``data_dir`` into ``new``, then exchange the two."""
    from index.vector_store import forget_embedded

    keep_out = INDEX_ENTRIES | (KEY_ENTRIES if with_keys else set())
    moved: list[str] = []
    try:
        for entry in sorted(os.listdir(data_dir)) if data_dir.is_dir() else []:
            if entry not in keep_out and not (new / entry).exists():
                os.rename(data_dir / entry, new / entry)
                moved.append(entry)
        exchange(new, data_dir)
    except BaseException:
        for entry in moved:
            os.rename(new / entry, data_dir / entry)
        raise
    forget_embedded(data_dir / CHROMA)  # this process must not reuse the replaced files


def swap_collection(collections: Collections, name: str, fill: Callable[[str], None],
                    swap_dirs: Callable[[], None]) -> None:
    """Fill a new collection (``fill(its name)``) beside the live one ``name``, rename it into
    place and swap the data directory with it; the old collection is dropped only once both
    are in place, and put back if the directory swap fails."""
    stamp = time.strftime("%Y%m%d%H%M%S")
    incoming, retired = f"{name}.import-{stamp}", f"{name}.replaced-{stamp}"
    try:
        fill(incoming)
        if name in collections.names():
            collections.rename(name, retired)
        collections.rename(incoming, name)
    except BaseException:
        with suppress(PolicyKBError):
            collections.drop(incoming)  # best effort: the first error is the news
        raise
    try:
        swap_dirs()
    except BaseException:
        with suppress(PolicyKBError):
            collections.rename(name, incoming)
            if retired in collections.names():
                collections.rename(retired, name)
            collections.drop(incoming)
        raise
    if retired in collections.names():
        collections.drop(retired)


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def exchange(a: Path, b: Path) -> None:
    """Swap two directories in one step (Linux renameat2 RENAME_EXCHANGE), so the data
    directory is never missing; where the filesystem cannot, two renames."""
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is not None and b.exists():
        renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                              ctypes.c_uint]
        if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
            return
        code = ctypes.get_errno()
        if code not in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
            raise OSError(code, os.strerror(code), str(b))
    if not b.exists():
        os.rename(a, b)
        return
    aside = a.with_name(a.name + ".previous")
    os.rename(b, aside)
    os.rename(a, b)
    os.rename(aside, a)
