"""The partner guide's signature checks, run as written against deliveries Gatehouse signs."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from webhooks.secrets import new_secret
from webhooks.signing import headers

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "partners.md"
BODY = json.dumps(
    {
        "type": "registration.approved", "timestamp": "2026-12-03T09:20:00+00:00",
        "data": {"email": "eva@jansen.test"},
    },
    separators=(",", ":"),
)


def snippet(heading: str, language: str) -> str:
    """The first `language` code block under `heading` in the guide."""
    section = GUIDE.read_text().split(f"### {heading}\n", 1)[1]
    found = re.search(rf"```{language}\n(.*?)```", section, re.DOTALL)
    assert found, f"no {language} block under {heading!r}"
    return found.group(1)


def python_verifier() -> Callable[[str, dict[str, str], bytes], bool]:
    namespace: dict = {}
    exec(compile(snippet("Verifying in Python", "python"), str(GUIDE), "exec"), namespace)  # noqa: S102
    return namespace["verified"]


def cases(secret: str, other: str) -> list[tuple[str, dict[str, str], str, bool]]:
    """(what, headers, body, should verify) for the guide's verifiers."""
    now = datetime.now(UTC)
    signed = headers("msg_guide", BODY, [secret], now)
    rotating = headers("msg_guide", BODY, [other, secret], now)
    stale = headers("msg_guide", BODY, [secret], now - timedelta(minutes=10))
    return [
        ("signed now", signed, BODY, True),
        ("signed by two secrets while rotating", rotating, BODY, True),
        ("a changed body", signed, BODY.replace("eva", "eve"), False),
        ("another secret", headers("msg_guide", BODY, [other], now), BODY, False),
        ("another message id", {**signed, "webhook-id": "msg_other"}, BODY, False),
        ("ten minutes old", stale, BODY, False),
    ]


def test_the_python_snippet_accepts_what_gatehouse_signs_and_nothing_else():
    verified = python_verifier()
    secret, other = new_secret(), new_secret()
    outcomes = {what: verified(secret, sent, body.encode()) for what, sent, body, _ in cases(secret, other)}
    assert outcomes == {what: expected for what, _, _, expected in cases(secret, other)}


def test_the_javascript_snippet_accepts_what_gatehouse_signs_and_nothing_else(tmp_path):
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the guide's JavaScript verifier cannot run "
                    "(apt-get install nodejs)")
    secret, other = new_secret(), new_secret()
    checks = cases(secret, other)
    (tmp_path / "verify.mjs").write_text(snippet("Verifying in JavaScript", "js"))
    (tmp_path / "cases.json").write_text(json.dumps([[sent, body] for _, sent, body, _ in checks]))
    (tmp_path / "run.mjs").write_text(
        'import { readFileSync } from "node:fs";\n'
        'import { verified } from "./verify.mjs";\n'
        'const cases = JSON.parse(readFileSync(new URL("./cases.json", import.meta.url)));\n'
        f"const secret = {json.dumps(secret)};\n"
        "console.log(JSON.stringify(cases.map(([headers, body]) => verified(secret, headers, body))));\n"
    )
    run = subprocess.run(
        [node, str(tmp_path / "run.mjs")], capture_output=True, text=True, timeout=30, check=False
    )
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == [expected for _, _, _, expected in checks]
