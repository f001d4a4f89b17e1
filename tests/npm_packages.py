"""node_modules installed from a folder's package-lock.json, for the tests that need npm packages
(docs/codegen's GraphQL Code Generator, server/graphiql's browser files).

`npm ci` runs only when package-lock.json (or the node version) changed since the last install:
a stamp inside node_modules remembers the lock it installed. Without node and npm the test skips
with a loud reason; CI installs them (.ci/run).
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path

import pytest

STAMP_NAME = ".gatehouse-installed"
MIN_NODE_MAJOR = 20


def run_in(folder: Path, *args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, cwd=folder, capture_output=True, text=True, timeout=timeout, check=False
    )


def assert_ok(result: subprocess.CompletedProcess[str], folder: Path) -> None:
    command = " ".join(result.args)
    assert result.returncode == 0, (
        f"`{command}` in {folder} exited {result.returncode}\n"
        f"--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}"
    )


def npm_installed(folder: Path, *, needed: Iterable[str], what: str) -> Path:
    """`folder`/node_modules, installed with `npm ci` unless it is fresh and holds every `needed`
    path; skips (naming `what` did not run) when node or npm is missing or too old."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip(
            f"node and npm not found on PATH: {what} DID NOT RUN. Install them with "
            f"`apt-get install -y nodejs npm` (Node.js >= {MIN_NODE_MAJOR}; CI does)."
        )
    version = run_in(folder, "node", "--version").stdout.strip()
    match = re.fullmatch(r"v(\d+)\.\d+\.\d+.*", version)
    if match is None or int(match.group(1)) < MIN_NODE_MAJOR:
        pytest.skip(
            f"node {version or '(unknown version)'} is too old: {what} DID NOT RUN. "
            f"It needs Node.js >= {MIN_NODE_MAJOR} (e.g. `apt-get install -y nodejs npm` on Debian 13)."
        )
    node_modules = folder / "node_modules"
    stamp = node_modules / STAMP_NAME
    wanted = f"{hashlib.sha256((folder / 'package-lock.json').read_bytes()).hexdigest()} node {version}\n"
    fresh = (
        stamp.is_file() and stamp.read_text() == wanted
        and all((node_modules / path).exists() for path in needed)
    )
    if not fresh:
        assert_ok(run_in(folder, "npm", "ci", "--no-audit", "--no-fund", timeout=900), folder)
        stamp.write_text(wanted)
    return node_modules
