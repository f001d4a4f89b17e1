"""docs/codegen: partners' GraphQL Code Generator setup builds, maps the custom scalars, and type-checks.

Needs Node.js >= 20 and npm; `npm ci` runs only when package-lock.json (or the node version)
changed since the last install (tests/npm_packages.py).
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from tests import npm_packages

ROOT = Path(__file__).resolve().parents[2]
CODEGEN_DIR = ROOT / "docs" / "codegen"
GENERATED = CODEGEN_DIR / "generated" / "graphql.ts"


def run(*args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    return npm_packages.run_in(CODEGEN_DIR, *args, timeout=timeout)


def assert_ok(result: subprocess.CompletedProcess[str]) -> None:
    npm_packages.assert_ok(result, CODEGEN_DIR)


@pytest.fixture(scope="module")
def node_modules() -> Path:
    """docs/codegen/node_modules installed from package-lock.json, reused while the lock is unchanged."""
    return npm_packages.npm_installed(
        CODEGEN_DIR,
        needed=[".bin/graphql-codegen", ".bin/tsc"],
        what="the docs/codegen check (GraphQL Code Generator + tsc)",
    )


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
