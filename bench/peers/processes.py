"""What a server process and its children cost, read from /proc: CPU time and resident memory."""

from __future__ import annotations

import os
import time
from pathlib import Path

PROC = Path("/proc")
TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")


def _stat_fields(pid: int) -> list[str]:
    """/proc/<pid>/stat after the command name (which may hold spaces): field 3 is index 0."""
    return (PROC / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()


def process_tree(pid: int) -> list[int]:
    """`pid` and every live descendant."""
    children: dict[int, list[int]] = {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int(_stat_fields(int(entry.name))[1])
        except (OSError, IndexError, ValueError):
            continue  # gone meanwhile
        children.setdefault(parent, []).append(int(entry.name))
    found, waiting = [], [pid]
    while waiting:
        current = waiting.pop()
        found.append(current)
        waiting.extend(children.get(current, []))
    return found


def process_cpu_seconds(pid: int) -> float:
    """User and system time of one process so far (all its threads); 0 once it has gone."""
    try:
        fields = _stat_fields(pid)
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS_PER_SECOND


def cpu_seconds(pid: int) -> float:
    """User and system time of the tree so far (utime + stime, all threads included)."""
    return sum(process_cpu_seconds(member) for member in process_tree(pid))


def wait_idle(pid: int, *, limit: float = 60.0) -> float:
    """Waits until the tree uses under a tenth of a core (or `limit` seconds pass); the seconds
    waited. wrk stops with requests in flight, which the server still works out: a round that
    followed at once would share the machine with them."""
    started = time.monotonic()
    before = cpu_seconds(pid)
    while time.monotonic() - started < limit:
        time.sleep(0.25)
        now = cpu_seconds(pid)
        if now - before < 0.025:
            break
        before = now
    return time.monotonic() - started


def resident_kib(pid: int) -> int:
    """VmRSS of the tree, in KiB."""
    total = 0
    for member in process_tree(pid):
        try:
            status = (PROC / str(member) / "status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total
