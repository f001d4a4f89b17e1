"""CPU affinity for benchmarks that stand in for several hosts on one machine.

A benchmark whose load generator, database and peers share the cores of the process it
measures measures the machine: any busy neighbour delays the process, whatever it does
itself. Pinning the process measured to cores of its own, and everything else to the rest,
leaves in its figures what the process itself does, as separate hosts would.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable

from bench.peers.processes import PROC, process_tree


def all_cores() -> set[int]:
    return set(os.sched_getaffinity(0))


def can_split() -> bool:
    """Whether there are two cores or more to share out."""
    return len(all_cores()) >= 2


def pin(pid: int, cores: Iterable[int], *, descendants: bool = True) -> None:
    """Every thread of `pid`, and of its descendants unless told otherwise, to `cores`. Threads
    and processes started later inherit it from the one that starts them (a PostgreSQL backend
    from the postmaster)."""
    wanted = set(cores)
    for member in process_tree(pid) if descendants else [pid]:
        with contextlib.suppress(OSError):  # gone meanwhile
            for thread in (PROC / str(member) / "task").iterdir():
                with contextlib.suppress(OSError):
                    os.sched_setaffinity(int(thread.name), wanted)
