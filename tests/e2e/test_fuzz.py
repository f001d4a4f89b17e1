"""Fuzzing a real server's /graphql: no 5xx, no leaked exception, SQL or library text, no INTERNAL.

How it is wired
---------------
- Cases come from schemathesis: `schemathesis.graphql.from_path` on the
  repository's `schema.graphql` (tests/test_schema_file.py keeps it equal to
  the served schema), one strategy per root field (`operation.as_strategy()`),
  each drawing random arguments and a random selection set.
- Hypothesis runs each root field in turn, for a fixed number of examples
  with a fixed seed (`@seed`), generation only: no shrinking, no example
  database. Two passes over the schema, so that every field also meets the
  data the others left behind. `GATEHOUSE_FUZZ_SCALE` / `GATEHOUSE_FUZZ_SEED`
  make a longer or different hunt by hand.
- Every case goes to a real `gatehouse serve` (own process, the test's empty
  database, SQLite and PostgreSQL, mail to a real SMTP server, rate limits
  off) as one of three callers: anonymous, a shop user (bearer token from
  `login`) and staff (bearer token from `adminLogin`).
- Input scalars (`ID`, `String`, `Int`, `Decimal`, `DateTime`) have our own
  strategies: random values, edge cases (NUL, lone surrogates, huge numbers,
  impossible dates...), and values the seeded database knows. `as_sent` then
  swaps some arguments for plausible ones by name (shop handles, emails,
  passwords, ids of the right type, live invitation and reset tokens) so that
  cases get past "not found" into the real code paths, makes every mutation
  select its `userErrors`, and for half the cases turns every argument into a
  variable sent as JSON (a variable carries what a literal cannot, such as a
  lone surrogate). Ids seen in responses join the pool as the run goes.
- Every response is checked by `leaks_in`: status below 500, a GraphQL JSON
  body, no error that is INTERNAL, and no error (GraphQL error or
  `userErrors` entry) that carries a traceback, a Python exception's name or
  text, SQL, or a database, ORM or library name. Problems are collected over
  the whole run and reported together: query, variables, response, request
  id and the server log's traceback for it.
- A second, smaller fuzz sends malformed HTTP requests (bodies that are not
  GraphQL requests, odd content types, GET parameters): no 5xx, no leak.

Bugs found are pinned as plain regression tests marked
`xfail(strict=True)` at the end of this file; the fuzz tests count the
problems that are one of them (`KNOWN_BUGS`) instead of failing on them.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import random
import re
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import graphql
import httpx
import pytest
import requests
import schemathesis
from argon2 import PasswordHasher
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from schemathesis.core.result import Ok
from schemathesis.graphql import nodes

from auth import one_time_tokens
from models import AdminUser, ShopUser, TokenPurpose
from server.app import create_app
from server.settings import Settings
from tests.factories import (
    ADMIN_PASSWORD,
    CUSTOMER_PASSWORD,
    make_contact,
    make_debtor,
    make_field,
    make_shop,
    make_shop_user,
)
from tests.graphql_answers import error_codes
from tests.live_server import LiveServer
from tests.mail.smtp_server import SmtpServer

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = schemathesis.graphql.from_path(ROOT / "schema.graphql")


def _operations() -> list[Any]:
    """Every root field of the schema as a schemathesis operation; a field it cannot read fails here."""
    operations = []
    for result in SCHEMA.get_all_operations():
        assert isinstance(result, Ok), result
        operations.append(result.ok())
    return operations


OPERATIONS = _operations()
STRATEGIES = {operation.label: operation.as_strategy() for operation in OPERATIONS}

# Examples of each root field per caller and database: (fields open to the
# caller, staff-only fields). Anonymous callers and shop users are refused at
# the door of the staff fields (after argument coercion, which is fuzzed all
# the same), so those get a few; staff reach everything.
ROUNDS = {"anonymous": (16, 3), "customer": (16, 3), "staff": (14, 14)}
OPEN_TO_ALL = {
    "viewer", "node", "registrationForm", "adminLogin", "login", "logout", "changePassword",
    "acceptInvitation", "requestPasswordReset", "resetPassword", "submitRegistration",
}
RAW_EXAMPLES = 300
# By hand, for a longer or another hunt: GATEHOUSE_FUZZ_SCALE=8 GATEHOUSE_FUZZ_SEED=100 pytest ...
SCALE = float(os.environ.get("GATEHOUSE_FUZZ_SCALE", "1"))
FIRST_SEED = int(os.environ.get("GATEHOUSE_FUZZ_SEED", "0"))

ADMIN_EMAIL = "staff@example.com"
CUSTOMER_USERNAME = "anna"
CUSTOMER_EMAIL = "anna@bloemen.example"
SHOP = "flora"

# ---------------------------------------------------------------------------
# What no error may carry
# ---------------------------------------------------------------------------

LEAK_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # Strawberry appends the parser's own exception text to a scalar it cannot
    # parse ("Expected a string." is Strawberry's own words, not a parser's).
    (
        "parser's exception text",
        re.compile(r'Value cannot represent a \w+: ".*"\. (?!Expected a string\.$)[^"]+$', re.DOTALL),
    ),
    ("traceback", re.compile(r"Traceback|File \"|line \d+, in ")),
    ("exception class", re.compile(r"\b(?!UserError\b)[A-Z][A-Za-z]*(?:Error|Exception|Warning)\b")),
    ("Python repr", re.compile(r"<class '|<built-in|object at 0x|NoneType|\bself\.")),
    (
        "Python exception text",
        re.compile(
            r"invalid literal for int|object has no attribute|not subscriptable|unsupported operand"
            r"|codec can't|is not JSON serializable|must be in \d+\.\.\d+|out of range for month"
            r"|is out of range|Invalid isoformat string|strictly between|takes \d+ positional"
            r"|unexpected keyword argument|missing \d+ required|ISO string|ISO components"
            r"|timedelta|tzinfo|Decimal\(|ConversionSyntax|InvalidOperation|overflow",
            re.IGNORECASE,
        ),
    ),
    ("SQL", re.compile(
        r"SELECT |INSERT |UPDATE |DELETE FROM|\bWHERE\b|constraint|duplicate key|violates|relation \""
    )),
    ("database library", re.compile(r"psycopg|asyncpg|sqlite|aiosqlite|postgres", re.IGNORECASE)),
    ("ORM", re.compile(r"tortoise|pypika", re.IGNORECASE)),
    ("library", re.compile(
        r"argon2|dateutil|strawberry|aiosmtplib|jinja2|zxcvbn|email_validator|site-packages"
    )),
]


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _user_errors(data: Any) -> Iterator[dict]:
    """Every `userErrors` entry anywhere in `data`."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "userErrors" and isinstance(value, list):
                yield from (e for e in value if isinstance(e, dict))
            else:
                yield from _user_errors(value)
    elif isinstance(data, list):
        for item in data:
            yield from _user_errors(item)


def leaks_in_text(texts: list[str], sent: str) -> list[str]:
    """The leak patterns in `texts`. A pattern counts only when the request (`sent`)
    did not contain it itself: GraphQL's own messages may quote the caller's input
    back, and fuzzed input may well say "SELECT " or "ValueError"."""
    found = []
    for text in texts:
        for name, pattern in LEAK_PATTERNS:
            match = pattern.search(text)
            if match and not pattern.search(sent):
                found.append(f"{name} ({match.group(0)!r}) in error: {text[:300]!r}")
    return found


def leaks_in(status: int, text: str, sent: str) -> list[str]:
    """What is wrong with one response to a GraphQL request (`sent`); empty: nothing."""
    if status >= 500:
        return [f"status {status}"]
    try:
        body = json.loads(text)
    except ValueError:
        return [f"status {status}, body is not JSON"]
    if not isinstance(body, dict) or not ("data" in body or "errors" in body):
        return [f"status {status}, body is not a GraphQL response"]
    found = [
        f"INTERNAL error at {error.get('path')}"
        for error in body.get("errors") or []
        if (error.get("extensions") or {}).get("code") == "INTERNAL"
    ]
    texts = [s for e in body.get("errors") or [] for s in _strings([e.get("message"), e.get("extensions")])]
    texts += [e.get("message") or "" for e in _user_errors(body.get("data"))]
    return found + leaks_in_text(texts, sent)


# ---------------------------------------------------------------------------
# Input values: random, edge cases, and what the seeded database knows
# ---------------------------------------------------------------------------


@dataclass
class Pool:
    """Values worth sending; `ids` and `strings` grow during a run."""

    ids: list[str] = field(default_factory=list)
    strings: list[str] = field(default_factory=list)
    tokens: list[str] = field(default_factory=list)

    def add_id(self, value: str) -> None:
        if value not in self.ids and len(self.ids) < 300:
            self.ids.append(value)

    def add_string(self, value: str) -> None:
        if value not in self.strings and len(self.strings) < 300:
            self.strings.append(value)

    def clear(self) -> None:
        self.ids.clear()
        self.strings.clear()
        self.tokens.clear()


POOL = Pool()

TYPE_NAMES = [
    "Shop", "Debtor", "ContactPerson", "ShopUser", "AdminUser", "RegistrationField",
    "RegistrationRequest", "AuditEvent", "OutboxMessage", "RegistrationAnswer", "Session", "Nope", "",
]

EDGE_STRINGS = [
    "", " ", "\x00", "a\x00b", "\t", "\r\n", "%", "_", "\\", "'", '"', "' OR '1'='1", "1; DROP TABLE shop",
    # Look-alikes on purpose: the server must fold or refuse them, never trip over them.
    "İ", "ß", "ﬀ", "Σ", "𝔘𝔫𝔦", "\u202egnp.exe", "🌷", "ｆｌｏｒａ", "FLORA", " flora ", "ANNA",  # noqa: RUF001
    "a" * 65, "a" * 151, "a" * 201, "a" * 255, "a" * 2001, "x" * 20000,
    "a@b", "a@b.c", "ANNA@BLOEMEN.EXAMPLE", "anna@bloemen.example ", "x@" + "y" * 250 + ".com",
    "nl", "en", "de", "fr", "xx", "EUR", "usd", "€€€",
    "vat_number", "kvk", "Vat_Number", "1st", "a-b",
    "https://shop.example", "javascript:alert(1)", "http://", "ftp://x",
    "password1", "12345678", "Lilac-Garden-2027", "Short1", "x" * 129 + "1",
    "0", "-1", "1e3", "NaN", "Infinity", "null", "true", "{}", "[]",
    "YWZ0ZXI6MQ==", "YWZ0ZXI6MA==", "YWZ0ZXI6OTk5OTk5OTk5OTk5OQ==", "YWZ0ZXI6LTE=", "not a cursor", "=",
]


def _from(values: list[str]) -> st.SearchStrategy[str]:
    """One of `values` as they are when drawn (the list grows during the run)."""
    return st.integers(min_value=0, max_value=10**6).map(lambda i: values[i % len(values)] if values else "")


def _global_id(type_name: str, key: object) -> str:
    return base64.b64encode(f"{type_name}:{key}".encode()).decode()


ID_VALUES = st.one_of(
    *[_from(POOL.ids).map(nodes.String)] * 3,
    st.builds(
        _global_id,
        st.sampled_from(TYPE_NAMES),
        st.one_of(
            st.integers(min_value=-3, max_value=40),
            st.sampled_from([0, -1, 2**31 - 1, 2**31, 2**63, 10**40, "", "x", "1.5", " 1", "1 ", "0x1", "١"]),  # noqa: RUF001
        ),
    ).map(nodes.String),
    st.sampled_from(["", " ", "\x00", "=", "Shop:1", "U2hvcDox\n", "U2hvcDo" + "x" * 1000]).map(nodes.String),
    st.text(max_size=20).map(nodes.String),
    st.integers(min_value=-(2**70), max_value=2**70).map(nodes.Int),
)

STRING_VALUES = st.one_of(
    st.text().map(nodes.String),
    # A lone surrogate: refused by the lexer in a literal, but valid JSON in a variable.
    st.builds(
        lambda text, code: text + chr(code), st.text(max_size=3), st.integers(0xD800, 0xDFFF)
    ).map(nodes.String),
    st.sampled_from(EDGE_STRINGS).map(nodes.String),
    # Known values three times as often: a mutation passes its checks only when all its fields do.
    *[_from(POOL.strings).map(nodes.String)] * 3,
)

INT_VALUES = st.one_of(
    st.integers(min_value=-(2**31), max_value=2**31 - 1),
    st.integers(min_value=-2, max_value=120),  # page sizes, positions, hours
    st.sampled_from([0, 1, 100, 101, 2**31 - 1, -(2**31)]),
).map(nodes.Int)

DECIMAL_VALUES = st.one_of(
    st.decimals(places=2, min_value=-(10**13), max_value=10**13).map(str).map(nodes.String),
    st.decimals().map(str).map(nodes.String),
    st.sampled_from([
        "0", "-0", "-0.00", "0.001", "0.005", "1.999", "-1", "999999999999.99", "1000000000000",
        "99999999999999999999", "1E+2", "1e-2", "1E+999999999", "1E-999999999", "NaN", "-NaN", "sNaN",
        "Infinity", "-Infinity", "inf", "1_000", " 1", "1 ", "1,5", "0x10", "", "abc", "١٢",
    ]).map(nodes.String),
    st.integers(min_value=-(10**30), max_value=10**30).map(nodes.Int),
    st.floats(allow_nan=False, allow_infinity=False).map(nodes.Float),
)

DATETIME_VALUES = st.one_of(
    st.datetimes().map(lambda d: d.isoformat()).map(nodes.String),
    st.builds(
        lambda d, hours, minutes: (
            f"{d.isoformat()}{'+' if hours >= 0 else '-'}{abs(hours):02d}:{minutes:02d}"
        ),
        st.datetimes(),
        st.integers(min_value=-26, max_value=26),
        st.sampled_from([0, 30, 59, 60]),
    ).map(nodes.String),
    st.sampled_from([
        "2030-01-01T00:00:00Z", "2030-01-01T00:00:00", "2000-01-01T00:00:00+00:00",
        "0001-01-01T00:00:00+14:00", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59-14:00",
        "9999-12-31T23:59:59.999999Z", "2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z",
        "2026-01-01T24:00:00Z", "2026-01-01T25:00:00Z", "2026-01-01", "2026-01-01T00:00:00+24:00",
        "2026-01-01T00:00:00+99:99", "2026-W01", "2026-001", "20260101T000000Z", "T", "", "now", "0",
        "2026-01-01T00:00:00.1234567891Z", "+12026-01-01T00:00:00Z",
    ]).map(nodes.String),
    st.text(max_size=30).map(nodes.String),
    st.integers().map(nodes.Int),
)

# schemathesis' registry is process-wide; no other test uses schemathesis. A
# registered scalar takes precedence over the built-in strategy of the same name.
schemathesis.graphql.scalar("ID", ID_VALUES)
schemathesis.graphql.scalar("String", STRING_VALUES)
schemathesis.graphql.scalar("Int", INT_VALUES)
schemathesis.graphql.scalar("Decimal", DECIMAL_VALUES)
schemathesis.graphql.scalar("DateTime", DATETIME_VALUES)

# Plausible values by argument or input field name.
PASSWORDS = [CUSTOMER_PASSWORD, ADMIN_PASSWORD, "Lilac-Garden-2027"]
BY_NAME: dict[str, list[str]] = {
    "shop": [SHOP, "tulip", "closed"],
    "handle": [SHOP, "tulip", "closed", "new-shop"],
    "email": [CUSTOMER_EMAIL, "bert@bloemen.example", ADMIN_EMAIL, "carla@new.example", "new@example.com"],
    "username": [CUSTOMER_USERNAME, "bert", "Anna", "new-user"],
    "password": PASSWORDS,
    "passwordConfirmation": PASSWORDS,
    "currentPassword": PASSWORDS,
    "newPassword": PASSWORDS,
    "newPasswordConfirmation": PASSWORDS,
    "language": ["nl", "en", "de"],
    "key": ["vat_number", "kvk", "new_field"],
    "currency": ["EUR", "USD"],
    "token": POOL.tokens,  # valid invitation and reset tokens, issued by `seed_data`
    "storefrontUrl": ["https://flora.example"],
    "notificationEmail": ["orders@flora.example"],
    "vatNumber": ["NL123456789B01"],
    "company": ["Bloemen BV"],
}
# Id arguments and input fields by name, and the type of object they name.
ID_OF_TYPE = {
    "ids": "RegistrationRequest", "debtorId": "Debtor", "contactPersonId": "ContactPerson",
    "shopUserId": "ShopUser",
}


def ids_of(type_name: str) -> list[str]:
    """The global ids in the pool of objects of `type_name`."""
    prefix = f"{type_name}:".encode()
    found = []
    for value in POOL.ids:
        try:
            if base64.b64decode(value, validate=True).startswith(prefix):
                found.append(value)
        except ValueError:
            pass
    return found


def harvest(value: Any, key: str = "") -> None:
    """Ids, cursors and names in a response, for later cases."""
    if isinstance(value, dict):
        for k, v in value.items():
            harvest(v, k)
    elif isinstance(value, list):
        for item in value:
            harvest(item, key)
    elif isinstance(value, str) and key:
        if key == "id" or key.endswith(("Id", "Ids")):
            POOL.add_id(value)
        elif key in {"cursor", "endCursor", "handle", "key", "username", "email", "number"}:
            POOL.add_string(value)


# ---------------------------------------------------------------------------
# A case as it is sent
# ---------------------------------------------------------------------------

_USER_ERRORS_QUERY = graphql.parse("{ userErrors { field message code } }").definitions[0]
assert isinstance(_USER_ERRORS_QUERY, graphql.OperationDefinitionNode)
USER_ERRORS = _USER_ERRORS_QUERY.selection_set.selections[0]

# Lone surrogates are parked in a private-use plane while the query is parsed
# here (the lexer refuses them), and put back in what is sent.
_PARK = {code: 0xF0000 + code - 0xD800 for code in range(0xD800, 0xE000)}
_UNPARK = {parked: code for code, parked in _PARK.items()}


def _unpark(value: Any) -> Any:
    if isinstance(value, str):
        return value.translate(_UNPARK)
    if isinstance(value, dict):
        return {key: _unpark(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_unpark(item) for item in value]
    return value


def replaced(node: Any, **changes: Any) -> Any:
    """A copy of an AST node with some fields changed (nodes are frozen since graphql-core 3.3)."""
    return type(node)(**{**{key: getattr(node, key) for key in node.keys}, **changes})


def as_sent(query: str, hoist: bool, rnd: random.Random) -> tuple[str, dict[str, Any] | None]:
    """A schemathesis case's query as it is sent, and its variables (None: none).

    Some arguments are swapped (`rnd`) for plausible values by name (`BY_NAME`,
    `ID_OF_TYPE`); a mutation always selects its `userErrors` (so that they are
    checked too); with `hoist`, every argument becomes a variable.
    """
    document = graphql.parse(query.translate(_PARK))

    class Plausible(graphql.Visitor):
        def enter_argument(self, node: Any, *_: Any) -> Any:
            name = node.name.value
            if rnd.random() >= 0.6:
                return None
            if (values := BY_NAME.get(name)) and isinstance(node.value, graphql.StringValueNode):
                return replaced(node, value=graphql.StringValueNode(value=rnd.choice(values)))
            if name in ID_OF_TYPE and (ids := ids_of(ID_OF_TYPE[name])):
                if isinstance(node.value, graphql.ListValueNode):
                    chosen = [
                        graphql.StringValueNode(value=rnd.choice(ids)) for _ in range(rnd.randint(1, 3))
                    ]
                    return replaced(node, value=graphql.ListValueNode(values=tuple(chosen)))
                return replaced(node, value=graphql.StringValueNode(value=rnd.choice(ids)))
            return None

        enter_object_field = enter_argument

    document = graphql.visit(document, Plausible())
    schema = SCHEMA.client_schema
    operation = document.definitions[0]
    root = operation.selection_set.selections[0]
    is_mutation = operation.operation == graphql.OperationType.MUTATION
    root_type = schema.mutation_type if is_mutation else schema.query_type
    assert root_type is not None, operation.operation
    payload = graphql.get_named_type(root_type.fields[root.name.value].type)
    if (
        isinstance(payload, graphql.GraphQLObjectType)
        and "userErrors" in payload.fields
        and not any(
            getattr(s, "name", None) and s.name.value == "userErrors" for s in root.selection_set.selections
        )
    ):
        root = replaced(root, selection_set=replaced(
            root.selection_set, selections=(*root.selection_set.selections, USER_ERRORS)
        ))
        operation = replaced(operation, selection_set=replaced(operation.selection_set, selections=(root,)))
        document = replaced(document, definitions=(operation,))
    if not hoist:
        return graphql.print_ast(document).translate(_UNPARK), None

    type_info = graphql.TypeInfo(schema)
    variables: dict[str, Any] = {}
    definitions: list[graphql.VariableDefinitionNode] = []

    class Hoist(graphql.Visitor):
        def enter_argument(self, node: graphql.ArgumentNode, *_: Any) -> Any:
            argument = type_info.get_argument()
            if argument is None:
                return None
            name = f"v{len(variables)}"
            variables[name] = graphql.value_from_ast_untyped(node.value)
            variable = graphql.VariableNode(name=graphql.NameNode(value=name))
            definitions.append(
                graphql.VariableDefinitionNode(variable=variable, type=graphql.parse_type(str(argument.type)))
            )
            return graphql.ArgumentNode(name=node.name, value=variable)

    document = graphql.visit(document, graphql.TypeInfoVisitor(type_info, Hoist()))
    operation = document.definitions[0]
    document = replaced(document, definitions=(replaced(operation, variable_definitions=tuple(definitions)),))
    return graphql.print_ast(document).translate(_UNPARK), _unpark(variables)


# ---------------------------------------------------------------------------
# The server, its data, the callers
# ---------------------------------------------------------------------------

# Cheap argon2 on both sides (the server's settings and the seeded hashes), so
# that hundreds of fuzzed sign-ins cost milliseconds; the hashing is not what is fuzzed.
CHEAP_ARGON2 = {"GATEHOUSE_ARGON2_TIME_COST": "1", "GATEHOUSE_ARGON2_MEMORY_KIB": "1024"}
_cheap_hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def password_hash(password: str) -> str:
    return _cheap_hasher.hash(password)


@pytest.fixture
def fuzz_server(db: str, smtp: SmtpServer, tmp_path: Path) -> Iterator[LiveServer]:
    """Like `live_server`, with rate limits off: fuzzing is a load test, not an abuse test."""
    server = LiveServer(
        db, tmp_path / "serve.log", smtp_port=smtp.port,
        environment={"GATEHOUSE_RATE_LIMITS": "off", **CHEAP_ARGON2},
    ).start()
    try:
        yield server
    finally:
        server.stop()


def post(
    server: LiveServer, query: str, variables: dict | None = None, token: str | None = None
) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.post(
        server.graphql_url, json={"query": query, "variables": variables or {}}, headers=headers, timeout=30
    )


def data_of(response: httpx.Response) -> dict:
    body = response.json()
    assert response.status_code == 200, body
    assert "errors" not in body, body
    return body["data"]


LOGIN = """mutation($shop: String!, $username: String!, $password: String!) {
  login(input: {shop: $shop, username: $username, password: $password}) { token userErrors { code } } }"""
ADMIN_LOGIN = """mutation($email: String!, $password: String!) {
  adminLogin(input: {email: $email, password: $password}) { token userErrors { code } } }"""
SUBMIT = """mutation($input: SubmitRegistrationInput!) {
  submitRegistration(input: $input) { userErrors { code message } } }"""
REJECT = """mutation($id: ID!) { reject(input: {ids: [$id], reason: "Unknown"}) { userErrors { code } } }"""
EVERYTHING = """{ shops { id registrationFields { id } }
  debtors(first: 100) { edges { cursor node { id contacts { id shopUsers { id } } } } }
  registrationRequests(first: 100) { edges { cursor node { id } } }
  auditEvents(first: 5) { edges { cursor node { id } } }
  viewer { ... on AdminUser { id } } }"""


def customer_token(server: LiveServer) -> str:
    credentials = {"shop": SHOP, "username": CUSTOMER_USERNAME, "password": CUSTOMER_PASSWORD}
    answer = data_of(post(server, LOGIN, credentials))
    assert answer["login"]["token"], answer
    return answer["login"]["token"]


def admin_token(server: LiveServer) -> str:
    answer = data_of(post(server, ADMIN_LOGIN, {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}))
    assert answer["adminLogin"]["token"], answer
    return answer["adminLogin"]["token"]


async def seed_data(server: LiveServer) -> None:
    """Shops (manual with two form fields, automatic, closed), a debtor with a shop user
    and an invited one, two pending requests and a rejected one, an invitation and a
    reset link; their ids and tokens in the pool."""
    await AdminUser.create(email=ADMIN_EMAIL, name="Staff", password_hash=password_hash(ADMIN_PASSWORD))
    flora = await make_shop(
        SHOP, registration_enabled=True, notification_email="orders@flora.example",
        languages=["nl", "en"], minimum_order_amount="50.00", checkout_payment_limit="5000.00",
        storefront_url="https://flora.example", default_price_list_tags=["retail"],
    )
    await make_shop("tulip", name="Tulip Trade", registration_enabled=True, approval_mode="AUTOMATIC")
    await make_shop("closed", name="Closed Shop")
    await make_field(flora, "vat_number", "VAT number", position=1)
    await make_field(flora, "kvk", "Chamber of commerce", position=2)
    debtor = await make_debtor(
        "Bloemen BV", email="info@bloemen.example", vat_number="NL123456789B01",
        minimum_order_amount="10.00", price_list_tags=["vip"],
    )
    anna = await make_contact(debtor, email=CUSTOMER_EMAIL)
    anna_user = await ShopUser.create(
        shop=flora, contact=anna, username=CUSTOMER_USERNAME, language="nl",
        password_hash=password_hash(CUSTOMER_PASSWORD),
    )
    bert = await make_contact(debtor, "Bert", email="bert@bloemen.example", language="en")
    bert_user = await make_shop_user(flora, bert, "bert", password=None, language="en", may_be_excluded=False)
    # Links as mailed, issued here rather than read from the mail: the mail arrives
    # whenever the server's delivery loop gets to it, and the run would depend on that.
    now, day = datetime.now(UTC), timedelta(days=1)
    POOL.tokens.append(await one_time_tokens.issue(bert_user, TokenPurpose.INVITATION, now=now, lifetime=day))
    POOL.tokens.append(
        await one_time_tokens.issue(anna_user, TokenPurpose.PASSWORD_RESET, now=now, lifetime=day)
    )
    for number, email in enumerate(["carla@new.example", "info@bloemen.example", "dirk@new.example"]):
        response = post(server, SUBMIT, {"input": {
            "shop": SHOP, "name": f"Requester {number}", "email": email, "company": "Bloemen BV",
            "answers": [
                {"key": "vat_number", "value": "NL123456789B01"}, {"key": "kvk", "value": str(number)},
            ],
        }})
        assert data_of(response)["submitRegistration"]["userErrors"] == []
    staff = admin_token(server)
    everything = data_of(post(server, EVERYTHING, token=staff))
    last_request = everything["registrationRequests"]["edges"][0]["node"]["id"]
    assert data_of(post(server, REJECT, {"id": last_request}, token=staff))["reject"]["userErrors"] == []
    harvest(everything)
    for value in [
        SHOP, "tulip", "closed", CUSTOMER_USERNAME, "bert", CUSTOMER_EMAIL, "bert@bloemen.example",
        "carla@new.example", "info@bloemen.example", ADMIN_EMAIL, *PASSWORDS, "NL123456789B01",
        "Bloemen BV", "retail", "vip",
    ]:
        POOL.add_string(value)


@dataclass
class Caller:
    """Who sends the cases; signs in again after a case that ended its session."""

    kind: str  # anonymous, customer, staff
    server: LiveServer
    loop: asyncio.AbstractEventLoop  # the test's, where the database connection lives
    token: str | None = None

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def sign_in(self) -> None:
        if self.kind == "anonymous":
            return
        sign_in = customer_token if self.kind == "customer" else admin_token
        try:
            self.token = sign_in(self.server)
        except AssertionError:
            # A fuzzed changePassword or resetPassword went through: put the password back.
            asyncio.run_coroutine_threadsafe(self._repair(), self.loop).result()
            self.token = sign_in(self.server)

    async def _repair(self) -> None:
        if self.kind == "customer":
            await ShopUser.filter(username=CUSTOMER_USERNAME).update(
                password_hash=password_hash(CUSTOMER_PASSWORD), excluded=False, must_change_password=False
            )
        else:
            await AdminUser.filter(email=ADMIN_EMAIL).update(password_hash=password_hash(ADMIN_PASSWORD))

    def keep_session(self) -> None:
        if self.kind == "anonymous":
            return
        expected = "ShopUser" if self.kind == "customer" else "AdminUser"
        viewer = post(self.server, "{ viewer { __typename } }", token=self.token).json()["data"]["viewer"]
        if viewer is None or viewer["__typename"] != expected:
            self.sign_in()


# Cases after which the caller's own session may be gone.
SESSION_ENDING = {"logout", "changePassword", "resetPassword", "setExclusion", "acceptInvitation"}

# ---------------------------------------------------------------------------
# Findings
# ---------------------------------------------------------------------------

LOG_RECORD = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d|INFO:|WARNING:|ERROR:")


@dataclass
class Finding:
    caller: str
    operation: str
    query: str
    variables: Any
    status: int
    response: str
    request_id: str | None
    problems: list[str]

    def log_lines(self, log: str) -> list[str]:
        """The server log's records for this request, each with its traceback."""
        lines: list[str] = []
        if not self.request_id:
            return lines
        inside = False
        for line in log.splitlines():
            if self.request_id in line:
                inside = True
            elif LOG_RECORD.match(line):
                inside = False
            if inside:
                lines.append(line)
        return lines

    def describe(self, log: str) -> str:
        lines = self.log_lines(log)
        return (
            f"--- {self.caller} / {self.operation}: {'; '.join(self.problems)}\n"
            f"request:\n{self.query}\n"
            + (f"variables: {json.dumps(self.variables)[:1500]}\n" if self.variables else "")
            + f"response {self.status} (X-Request-Id {self.request_id}):\n{self.response[:1500]}\n"
            + ("server log:\n" + "\n".join(lines)[:4000] + "\n" if lines else "")
        )


# Bugs the fuzzing found, each pinned by an xfail(strict=True) test at the end
# of this file: (the problem as `leaks_in` words it, the server log's records
# for its request) -> whether it is that bug. Such a problem is counted and
# printed, not failed on, so that the fuzzing keeps watching for new ones.
# Fixing a bug makes its xfail test pass, which fails the suite until that
# test's mark and the entry here go.
KNOWN_BUGS: dict[str, Callable[[str, str], bool]] = {}


def report(kind: str, findings: list[Finding], log: str) -> tuple[Counter[str], str]:
    """Known bugs seen (counted), and the description of every other finding ('' when none)."""
    known: Counter[str] = Counter()
    new: list[Finding] = []
    for finding in findings:
        finding_log = "\n".join(finding.log_lines(log))
        names = [
            next((name for name, matches in KNOWN_BUGS.items() if matches(problem, finding_log)), None)
            for problem in finding.problems
        ]
        known.update(name for name in names if name)
        if not all(names):
            new.append(finding)
    described = "\n".join(finding.describe(log) for finding in new)
    return known, f"{len(new)} bad responses as {kind}:\n{described}" if new else ""


def outcome_of(text: str) -> str:
    """What became of a case, for the summary line."""
    try:
        body = json.loads(text)
    except ValueError:
        return "not JSON"
    codes = {(e.get("extensions") or {}).get("code") for e in body.get("errors") or []}
    if codes & {"UNAUTHENTICATED", "FORBIDDEN"}:
        return "refused"
    if body.get("errors"):
        return "errors: " + "/".join(sorted(c or "validation" for c in codes))
    return "userErrors" if any(True for _ in _user_errors(body.get("data"))) else "done"


# ---------------------------------------------------------------------------
# The fuzz tests
# ---------------------------------------------------------------------------

FUZZ_SETTINGS: dict[str, Any] = {
    "deadline": None,
    "database": None,
    "phases": [Phase.generate],
    "suppress_health_check": list(HealthCheck),
}


def fuzz(caller: Caller) -> tuple[list[Finding], Counter[str]]:
    """Schemathesis cases of every root field as `caller`: what went wrong, and what became of them."""
    findings: list[Finding] = []
    outcomes: Counter[str] = Counter()
    session = requests.Session()

    def run(operation: Any, examples: int, pass_seed: int) -> None:
        @seed(pass_seed)
        @settings(max_examples=examples, **FUZZ_SETTINGS)
        @given(case=STRATEGIES[operation.label], hoist=st.booleans(), rnd=st.randoms())
        def send(case: Any, hoist: bool, rnd: random.Random) -> None:
            query, variables = as_sent(case.body, hoist, rnd)
            body: dict[str, Any] = {"query": query}
            if variables is not None:
                body["variables"] = variables
            response = session.post(caller.server.graphql_url, json=body, headers=caller.headers, timeout=30)
            session.cookies.clear()  # a fuzzed login must not sign the caller in as someone else
            problems = leaks_in(response.status_code, response.text, json.dumps(body, ensure_ascii=False))
            if problems:
                findings.append(Finding(
                    caller.kind, operation.label, query, variables, response.status_code, response.text,
                    response.headers.get("x-request-id"), problems,
                ))
            outcomes[outcome_of(response.text)] += 1
            with contextlib.suppress(ValueError, AttributeError):
                harvest(response.json().get("data"))
            if operation.definition.field_name in SESSION_ENDING:
                caller.keep_session()

        send()

    open_rounds, staff_rounds = ROUNDS[caller.kind]
    for pass_number in range(2):
        for operation in OPERATIONS:
            rounds = open_rounds if operation.definition.field_name in OPEN_TO_ALL else staff_rounds
            if examples := round(rounds * SCALE + 1 - pass_number) // 2:
                run(operation, examples, FIRST_SEED + pass_number)
    return findings, outcomes


@pytest.mark.parametrize("caller_kind", ["anonymous", "customer", "staff"])
async def test_no_graphql_request_makes_the_server_fail_or_leak(
    caller_kind: str, fuzz_server: LiveServer
) -> None:
    POOL.clear()
    await seed_data(fuzz_server)
    caller = Caller(caller_kind, fuzz_server, asyncio.get_running_loop())
    caller.sign_in()

    started = time.monotonic()
    # In a thread: the test's event loop stays free for the database repairs `Caller` may need.
    findings, outcomes = await asyncio.to_thread(fuzz, caller)

    known, failures = report(caller_kind, findings, fuzz_server.log())
    print(  # noqa: T201 -- the run's summary, shown with -s
        f"\n{caller_kind}: {outcomes.total()} cases in {time.monotonic() - started:.1f} s, {dict(outcomes)};"
        f" known bugs seen: {dict(known)}"
    )
    assert not failures, failures


# Malformed HTTP requests: bodies that are not GraphQL requests, odd content types, GET parameters.
JSON_SCALARS = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(
        st.sampled_from(["query", "variables", "operationName", "extensions"]) | st.text(max_size=5),
        children, max_size=4,
    ),
    max_leaves=8,
)
RAW_QUERIES = st.sampled_from([
    "{ viewer { __typename } }", "query Q { registrationForm(shop: \"flora\") { open } }",
    "mutation { logout { loggedOut } }", "query($s: String!) { registrationForm(shop: $s) { open } }",
    "query($n: Decimal!) { viewer { ... on ShopUser { orderPolicy(amount: $n) { route } } } }",
    "", "{", "subscription { viewer }", "query A { viewer { __typename } } query B { shops { id } }",
])
DOCUMENTS = st.fixed_dictionaries(
    {"query": RAW_QUERIES},
    optional={
        "variables": JSON_VALUES,
        "operationName": st.none() | st.sampled_from(["Q", "A", "B"]) | st.text(max_size=5),
        "extensions": JSON_VALUES,
    },
)
CONTENT_TYPES = st.one_of(
    st.just("application/json"),  # the one Strawberry reads: most cases get that far
    st.sampled_from([
        "application/json; charset=latin-1", "application/graphql", "application/graphql+json",
        "application/graphql-response+json", "text/plain", "multipart/form-data; boundary=x",
        "application/x-www-form-urlencoded", "",
    ]),
)
RAW_REQUESTS: st.SearchStrategy[tuple[str, str, bytes, dict[str, str]]] = st.one_of(
    st.tuples(
        st.just("POST"), CONTENT_TYPES,
        st.one_of(
            DOCUMENTS.map(lambda d: json.dumps(d).encode()),
            JSON_VALUES.map(lambda v: json.dumps(v).encode()),
            JSON_SCALARS.map(lambda v: json.dumps(v).encode()),
            RAW_QUERIES.map(str.encode),
            st.binary(max_size=40),
        ),
        st.just({}),
    ),
    st.tuples(
        st.just("GET"), st.just(""), st.just(b""),
        st.dictionaries(
            st.sampled_from(["query", "variables", "operationName", "extensions"]),
            st.one_of(RAW_QUERIES, JSON_VALUES.map(json.dumps), st.text(max_size=20)),
            max_size=4,
        ),
    ),
)


async def test_no_malformed_http_request_makes_the_server_fail_or_leak(fuzz_server: LiveServer) -> None:
    findings: list[Finding] = []
    statuses: Counter[int] = Counter()
    session = requests.Session()

    @seed(FIRST_SEED)
    @settings(max_examples=round(RAW_EXAMPLES * SCALE), **FUZZ_SETTINGS)
    @given(request=RAW_REQUESTS)
    def send(request: tuple[str, str, bytes, dict]) -> None:
        method, content_type, body, params = request
        headers = {"Content-Type": content_type} if content_type else {}
        response = session.request(
            method, fuzz_server.graphql_url, data=body, params=params, headers=headers, timeout=30
        )
        statuses[response.status_code] += 1
        sent = body.decode(errors="replace") + json.dumps(params, ensure_ascii=False)
        if response.headers.get("content-type", "").startswith("application/json"):
            problems = leaks_in(response.status_code, response.text, sent)
        else:  # every refusal, Strawberry's own included, must come in GraphQL's shape
            problems = [f"status {response.status_code} answered as {response.headers.get('content-type')!r}"]
        if problems:
            described = f"{method} {content_type!r} body={body[:300]!r} params={params!r}"
            findings.append(Finding(
                "anonymous", "HTTP", described, None, response.status_code, response.text,
                response.headers.get("x-request-id"), problems,
            ))

    await asyncio.to_thread(send)
    known, failures = report("anonymous", findings, fuzz_server.log())
    print(f"\nmalformed HTTP requests: {dict(statuses)}; known bugs seen: {dict(known)}")  # noqa: T201
    assert not failures, failures


# ---------------------------------------------------------------------------
# Regression tests for the bugs found (in-process, as small as they go)
# ---------------------------------------------------------------------------


async def post_raw(http: httpx.AsyncClient, body: dict) -> httpx.Response:
    """POST with ASCII-escaped JSON: httpx's own `json=` cannot encode a lone surrogate."""
    return await http.post("/graphql", content=json.dumps(body), headers={"Content-Type": "application/json"})


@pytest.mark.parametrize(("query", "variables"), [
    # the shop lookup (any String argument that reaches a query does the same)
    ("query($shop: String!) { registrationForm(shop: $shop) { open } }", {"shop": "\ud800"}),
    # argon2 hashing the password
    (
        "mutation($password: String!) {"
        " login(input: {shop: \"flora\", username: \"anna\", password: $password})"
        " { userErrors { code } } }",
        {"password": "\ud800"},
    ),
    # sha256 of the invitation token
    (
        "mutation($token: String!) { acceptInvitation(input: {token: $token, password: \"Lilac-Garden-2027\","
        " passwordConfirmation: \"Lilac-Garden-2027\"}) { userErrors { code } } }",
        {"token": "\ud800"},
    ),
], ids=["registrationForm-shop", "login-password", "acceptInvitation-token"])
async def test_a_lone_surrogate_in_a_variable_is_refused_not_an_internal_error(
    client, query, variables
) -> None:
    response = await post_raw(client.http, {"query": query, "variables": variables})

    assert response.status_code == 400
    assert error_codes(response.json()) == ["INVALID"], response.text


@pytest.fixture
async def pg_http(pg_db: str) -> AsyncIterator[httpx.AsyncClient]:
    """The app in-process on PostgreSQL only (the `client` fixture runs on both databases)."""
    settings = replace(Settings(), database_url=pg_db, cookie_secure=False, rate_limits="off")
    application = create_app(settings, manage_database=False)
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application, client=("203.0.113.7", 4711))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield http


async def test_a_nul_in_a_failed_sign_in_is_refused_not_an_internal_error(pg_http) -> None:
    query = (
        'mutation { login(input: {shop: "flora", username: "anna\\u0000", password: "x"})'
        " { userErrors { code } } }"
    )

    response = await pg_http.post("/graphql", json={"query": query})

    assert response.json() == {"data": {"login": {"userErrors": [{"code": "INVALID_CREDENTIALS"}]}}}


async def test_an_impossible_datetime_is_refused_without_the_parsers_message(client) -> None:
    query = (
        'mutation { setExclusion(input: {shopUserId: "x", excluded: true, until: "2026-02-30T00:00:00Z"})'
        " { userErrors { code } } }"
    )

    body = await client.execute(query)

    [error] = body["errors"]
    assert "out of range" not in error["message"], error


@pytest.mark.parametrize("body", [b"null", b'"{ viewer { __typename } }"', b"1", b"true"])
async def test_a_json_body_that_is_not_an_object_is_a_client_error(client, body) -> None:
    response = await client.http.post("/graphql", content=body, headers={"Content-Type": "application/json"})

    assert 400 <= response.status_code < 500, response.text


async def test_a_body_that_is_not_utf8_is_a_client_error(client) -> None:
    response = await client.http.post(
        "/graphql", content=b"\xff", headers={"Content-Type": "application/json"}
    )

    assert 400 <= response.status_code < 500, response.text
