"""The git-ignored work folder: Vendure's node_modules, seeded databases kept between runs, and
the copies each run serves (the runs write: registrations, sessions)."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Iterable
from pathlib import Path

PEERS = Path(__file__).parent
WORK = PEERS / ".work"
SEEDED = WORK / "seeded"
RUN = WORK / "run"
LOGS = WORK / "logs"


def fingerprint(files: Iterable[Path], *facts: str) -> str:
    """A short hash of the files' contents and `facts`: a seeded database is reused while it holds."""
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(str(path.relative_to(PEERS.parent.parent)).encode())
        digest.update(path.read_bytes())
    for fact in facts:
        digest.update(fact.encode())
    return digest.hexdigest()[:16]


def _remove_database(path: Path) -> None:
    for suffix in ("", "-journal", "-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)


def seeded(stem: str, key: str, suffix: str, seed: Callable[[Path], None]) -> tuple[Path, bool]:
    """SEEDED/<stem>-<key><suffix>, made by `seed` unless it exists (older keys of `stem` are
    removed); the path, and whether it was seeded now."""
    SEEDED.mkdir(parents=True, exist_ok=True)
    path = SEEDED / f"{stem}-{key}{suffix}"
    if path.exists():
        return path, False
    for stale in SEEDED.glob(f"{stem}-*{suffix}"):
        _remove_database(stale)
    making = path.with_name(f"making-{path.name}")
    _remove_database(making)
    seed(making)
    # Through SQLite's backup, so a WAL not yet merged into the file comes along.
    copy_database(making, path)
    _remove_database(making)
    return path, True


def copy_database(source: Path, target: Path) -> Path:
    """A consistent copy of SQLite file `source` at `target` (replacing it)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_database(target)
    with sqlite3.connect(source) as origin, sqlite3.connect(target) as copy:
        origin.backup(copy)
    origin.close()
    copy.close()
    return target
