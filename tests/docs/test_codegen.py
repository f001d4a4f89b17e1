"""docs/codegen: partners' GraphQL Code Generator setup builds, maps the custom scalars, and type-checks.

Needs Node.js >= 20 and npm. `npm ci` runs only when package-lock.json (or the node version)
changed since the last install: a stamp inside node_modules remembers the lock it installed.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CODEGEN_DIR = ROOT / "docs" / "codegen"
LOCK_FILE = CODEGEN_DIR / "package-lock.json"
NODE_MODULES = CODEGEN_DIR / "node_modules"
STAMP = NODE_MODULES / ".gatehouse-installed"
GENERATED = CODEGEN_DIR / "generated" / "graphql.ts"
MIN_NODE_MAJOR = 20

NO_NODE = (
    "node and npm not found on PATH: the docs/codegen check (GraphQL Code Generator + tsc) "
    "DID NOT RUN. Install them with `apt-get install -y nodejs npm` (Node.js >= 20)."
)


def run(*args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args,
        cwd=CODEGEN_DIR,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def assert_ok(result: subprocess.CompletedProcess[str]) -> None:
    command = " ".join(result.args)
    assert result.returncode == 0, (
        f"`{command}` in docs/codegen exited {result.returncode}\n"
        f"--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}"
    )


@pytest.fixture(scope="module")
def node_modules() -> Path:
    """docs/codegen/node_modules installed from package-lock.json, reused while the lock is unchanged."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip(NO_NODE)
    version = run("node", "--version").stdout.strip()
    match = re.fullmatch(r"v(\d+)\.\d+\.\d+.*", version)
    if match is None or int(match.group(1)) < MIN_NODE_MAJOR:
        pytest.skip(
            f"node {version or '(unknown version)'} is too old: the docs/codegen check DID NOT RUN. "
            f"It needs Node.js >= {MIN_NODE_MAJOR} (e.g. `apt-get install -y nodejs npm` on Debian 13)."
        )
    wanted = f"{hashlib.sha256(LOCK_FILE.read_bytes()).hexdigest()} node {version}\n"
    bins = [NODE_MODULES / ".bin" / name for name in ("graphql-codegen", "tsc")]
    fresh = STAMP.is_file() and STAMP.read_text() == wanted and all(b.exists() for b in bins)
    if not fresh:
        assert_ok(run("npm", "ci", "--no-audit", "--no-fund", timeout=900))
        STAMP.write_text(wanted)
    return NODE_MODULES


@pytest.fixture(scope="module")
def generated(node_modules: Path) -> str:
    """Runs the codegen afresh and returns the generated TypeScript."""
    GENERATED.unlink(missing_ok=True)
    assert_ok(run("npx", "--no-install", "graphql-codegen", "--config", "codegen.ts"))
    assert GENERATED.is_file(), f"graphql-codegen exited 0 but wrote no {GENERATED.relative_to(ROOT)}"
    return GENERATED.read_text(encoding="utf-8")


def scalar_types(generated: str, name: str) -> tuple[str, str]:
    match = re.search(rf"^\s*{name}: \{{ input: ([^;]+); output: ([^;]+); \}}$", generated, re.MULTILINE)
    assert match, f"no `{name}: {{ input: ...; output: ... }}` entry in Scalars of the generated file"
    return match.group(1), match.group(2)


def test_decimal_and_datetime_are_strings(generated: str) -> None:
    # Decimal travels as a JSON string ("1250.50"): a number would round money.
    assert scalar_types(generated, "Decimal") == ("string", "string")
    assert scalar_types(generated, "DateTime") == ("string", "string")


def test_json_is_a_json_value(generated: str) -> None:
    assert scalar_types(generated, "JSON") == ("JsonValue", "JsonValue")
    assert "export type JsonValue = string | number | boolean | null | " in generated


def test_example_operations_are_typed(generated: str) -> None:
    variables = "export type OrderPolicyQueryVariables = Exact<{\n  amount: Scalars['Decimal']['input'];"
    assert variables in generated
    assert "minimumOrderAmount?: string | null" in generated


def test_example_typechecks(generated: str) -> None:
    assert_ok(run("npx", "--no-install", "tsc", "--noEmit"))


def test_an_unmapped_scalar_fails_the_build(node_modules: Path, tmp_path: Path) -> None:
    """strictScalars: a new scalar in the schema must be mapped before the codegen succeeds."""
    extra = tmp_path / "extra.graphql"
    extra.write_text("scalar Money\nextend type Query { probe: Money }\n", encoding="utf-8")
    output = tmp_path / "out.ts"
    config = tmp_path / "probe.codegen.ts"
    config.write_text(
        f"import base from {json.dumps(str(CODEGEN_DIR / 'codegen.ts'))};\n"
        "const [target] = Object.values(base.generates);\n"
        "export default { ...base, schema: [...[base.schema].flat(), "
        f"{json.dumps(str(extra))}], generates: {{ {json.dumps(str(output))}: target }} }};\n",
        encoding="utf-8",
    )
    result = run("npx", "--no-install", "graphql-codegen", "--config", str(config))
    log = result.stdout + result.stderr
    assert result.returncode != 0, f"codegen accepted the unmapped scalar Money:\n{log}"
    assert "Unknown scalar type Money" in log, log
    assert not output.exists()
