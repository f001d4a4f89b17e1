"""Large blocks of memory given back to the system once freed, so a burst of sign-ins does not
stay resident.

glibc's malloc serves a block above its mmap threshold with its own mapping and unmaps it when
freed; but freeing such a block raises the threshold to that block's size (up to 32 MiB), so
the next blocks of that size come from the heap arenas and stay with the process. An argon2id
hash (auth/passwords.py) takes a 19 MiB block in one of the hashing threads: after a burst of
sign-ins each thread's arena kept one, some 117 MiB for six threads (measured). Setting the
threshold once (mallopt M_MMAP_THRESHOLD) switches the rise off: every hash's block is mapped
and unmapped again, at the cost of one mapping per hash, nothing beside 19 ms of hashing. The
trim threshold is set with it (see TRIM_THRESHOLD_BYTES).
"""

from __future__ import annotations

import ctypes
import sys

# mallopt's parameter numbers for the two thresholds (malloc.h).
M_MMAP_THRESHOLD = -3
M_TRIM_THRESHOLD = -1
# Fixing the mmap threshold also fixes the trim threshold at its 128 KiB default, and the heap's
# top is then given back and taken again request after request (page faults: the customer read's
# CPU per request rose by about a third in `make bench-peers`). Freed heap up to this much stays
# with the process, as glibc's own adjustment would have let it.
TRIM_THRESHOLD_BYTES = 32 << 20
# Blocks from 1 MiB up get a mapping of their own; Python's own objects live in its arenas and
# are not affected.
MMAP_THRESHOLD_BYTES = 1 << 20


def large_blocks_returned() -> bool:
    """Fixes glibc's mmap threshold; False where there is no glibc `mallopt` (macOS, musl's does
    nothing), which leaves the process as it was."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)) and bool(
        mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES)
    )
