"""GraphiQL in debug mode works offline: headless Chromium, resolving no host but loopback, renders
it from Gatehouse's own files under its Content-Security-Policy; without the npm files, browsers
get a plain fallback page that says how to install them and how to query without GraphiQL."""

from __future__ import annotations

import base64
import hashlib
import html.parser
import logging
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import httpx
import pytest

from server.app import create_app
from server.graphiql import GRAPHIQL_PACKAGE, IMMUTABLE, NPM_FILES
from server.settings import Settings
from tests import npm_packages
from tests.live_server import LiveServer

NO_CHROMIUM = (
    "chromium not found (looked on PATH and at /usr/bin/chromium): the GraphiQL browser test "
    "DID NOT RUN. Install it with `apt-get install -y chromium` (CI does)."
)
# Chromium's console messages, written to stderr with --enable-logging=stderr.
CONSOLE_LINE = re.compile(r":CONSOLE(?:\(\d+\))?:?\d*\] (.*)$")
# What a blocked asset or a refused inline script says in the console.
TROUBLE = ("Content Security Policy", "integrity", "net::ERR", "Failed to load")


def find_chromium() -> str | None:
    return shutil.which("chromium") or (
        "/usr/bin/chromium" if Path("/usr/bin/chromium").is_file() else None
    )


@dataclass(frozen=True)
class Visit:
    dom: str
    console: list[str]

    def trouble(self) -> list[str]:
        return [line for line in self.console if any(word in line for word in TROUBLE)]


def visit(chromium: str, url: str, profile: Path) -> Visit:
    """The DOM after up to 10 s of the page's own time, and what its console said.

    Only loopback resolves: a page that reached for a CDN would stay "Loading...".
    """
    profile.mkdir()
    result = subprocess.run(
        [
            chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", f"--user-data-dir={profile}",
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
            "--enable-logging=stderr", "--v=0",
            "--virtual-time-budget=10000", "--dump-dom", url,
        ],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, f"chromium exited {result.returncode}:\n{result.stderr[-4000:]}"
    console = [m.group(1) for line in result.stderr.splitlines() if (m := CONSOLE_LINE.search(line))]
    return Visit(result.stdout, console)


class ClassNames(html.parser.HTMLParser):
    """Every class name used in a document."""

    def __init__(self, document: str) -> None:
        super().__init__()
        self.names: set[str] = set()
        self.feed(document)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "class" and value:
                self.names.update(value.split())


class Loads(html.parser.HTMLParser):
    """What a page loads: each script's and stylesheet's address and integrity attribute."""

    def __init__(self, document: str) -> None:
        super().__init__()
        self.found: list[tuple[str, str | None]] = []
        self.inline_scripts = 0
        self.feed(document)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        given = dict(attrs)
        if tag == "script":
            if given.get("src"):
                self.found.append((str(given["src"]), given.get("integrity")))
            else:
                self.inline_scripts += 1
        elif tag == "link" and given.get("rel") != "icon":
            self.found.append((str(given["href"]), given.get("integrity")))


def sha384(body: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(body).digest()).decode("ascii")


@pytest.fixture(scope="module")
def chromium() -> str:
    found = find_chromium()
    if found is None:
        pytest.skip(NO_CHROMIUM)
    return found


@pytest.fixture(scope="module")
def graphiql_npm_files() -> Path:
    return npm_packages.npm_installed(
        GRAPHIQL_PACKAGE,
        needed=[path for path, _ in NPM_FILES.values()],
        what="the GraphiQL browser test",
    )


@pytest.fixture
def debug_server(tmp_path: Path, graphiql_npm_files: Path) -> Iterator[LiveServer]:
    server = LiveServer(
        f"sqlite://{tmp_path / 'gatehouse.sqlite3'}", tmp_path / "serve.log",
        environment={"GATEHOUSE_DEBUG": "1", "GATEHOUSE_LOG_FORMAT": "text", "GATEHOUSE_ACCESS_LOG": "1"},
    ).start()
    try:
        yield server
    finally:
        server.stop()


def test_graphiql_renders_offline_from_gatehouses_own_files(chromium, debug_server, tmp_path):
    served = httpx.get(debug_server.graphql_url, headers={"Accept": "text/html"}).text
    # Only GraphiQL, run by the browser, makes these.
    assert "graphiql-container" not in served
    assert "CodeMirror" not in served

    page = visit(chromium, debug_server.graphql_url, tmp_path / "profile")

    classes = ClassNames(page.dom).names
    assert "graphiql-container" in classes, f"GraphiQL did not render:\n{page.dom[:2000]}\n{page.console}"
    assert {"CodeMirror", "graphiql-query-editor"} <= classes, sorted(classes)
    assert "Loading GraphiQL" not in page.dom
    assert page.trouble() == [], page.console
    # GraphiQL's first request, the introspection of the schema, reached Gatehouse and was answered.
    assert '"POST /graphql HTTP/1.1" 200' in debug_server.log()


def test_the_console_check_sees_a_policy_violation(chromium, tmp_path):
    """The check above can fail: a refused inline script does show in what `visit` reads."""
    refused = tmp_path / "refused.html"
    refused.write_text(
        '<meta http-equiv="Content-Security-Policy" content="script-src \'self\'">'
        "<script>document.title = 'ran'</script>",
        encoding="utf-8",
    )

    page = visit(chromium, refused.as_uri(), tmp_path / "profile")

    assert any("Content Security Policy" in line for line in page.trouble()), page.console


# Without a browser: the page and its files in-process, from a node_modules of the test's making.


def debug_client(node_modules: Path, *, debug: bool = True) -> httpx.AsyncClient:
    settings = replace(Settings(), debug=debug, cookie_secure=False, database_url="sqlite://:memory:")
    application = create_app(settings, manage_database=False, graphiql_node_modules=node_modules)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=application), base_url="http://testserver")


def fake_npm_files(folder: Path) -> dict[str, bytes]:
    """Small stand-ins at the paths npm would fill, each with different bytes."""
    written = {}
    for name, (path, _) in NPM_FILES.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        written[name] = f"/* {name} */\n".encode()
        (folder / path).write_bytes(written[name])
    return written


async def test_the_page_loads_only_gatehouses_files_each_pinned_by_its_sha384(tmp_path):
    fake_npm_files(tmp_path)
    async with debug_client(tmp_path) as http:
        page = await http.get("/graphql", headers={"Accept": "text/html"})
        loads = Loads(page.text)
        assets = {src: await http.get(src) for src, _ in loads.found}

    assert page.status_code == 200
    assert loads.inline_scripts == 0
    assert len(loads.found) == len(NPM_FILES) + 2  # and the page's own stylesheet and bootstrap
    for src, integrity in loads.found:
        assert src.startswith("/graphql/assets/"), src
        answer = assets[src]
        assert answer.status_code == 200, src
        assert integrity == sha384(answer.content), src
        assert answer.headers["cache-control"] == IMMUTABLE
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["content-type"].startswith(
            "text/css" if src.split("?")[0].endswith(".css") else "text/javascript"
        )


async def test_only_the_listed_files_are_served_and_only_in_debug_mode(tmp_path):
    fake_npm_files(tmp_path)
    (tmp_path / "secret.txt").write_text("not for browsers", encoding="utf-8")
    async with debug_client(tmp_path) as http:
        listed = await http.get("/graphql/assets/graphiql.min.js")
        unversioned = listed.headers["cache-control"]
        revalidated = await http.get(
            "/graphql/assets/graphiql.min.js", headers={"If-None-Match": listed.headers["etag"]}
        )
        unlisted = [
            (await http.get(f"/graphql/assets/{name}")).status_code
            for name in (
                "secret.txt", "package.json", "..%2Fsecret.txt", "react%2Fumd%2Freact.production.min.js",
            )
        ]
    async with debug_client(tmp_path, debug=False) as http:
        off = await http.get("/graphql/assets/graphiql.min.js")

    assert listed.content == b"/* graphiql.min.js */\n"
    assert unversioned == "no-cache"  # immutable only at the address that names its hash
    assert revalidated.status_code == 304
    assert unlisted == [404, 404, 404, 404]
    assert off.status_code == 404


async def test_without_the_npm_files_browsers_get_a_fallback_page_that_helps(tmp_path, caplog):
    caplog.set_level(logging.WARNING, logger="gatehouse.graphiql")
    async with debug_client(tmp_path / "no-node-modules") as http:
        page = await http.get("/graphql", headers={"Accept": "text/html"})
        asset = await http.get("/graphql/assets/graphiql.min.js")
        # The page's form: a query sent by GET, which needs no JavaScript.
        answer = await http.get("/graphql", params={"query": "{ __typename }"})

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    text = page.text
    assert "GraphiQL is not installed" in text
    assert "npm ci" in text
    assert "server/graphiql" in text
    assert "apt-get install -y nodejs npm" in text
    assert '<form method="get" action="/graphql">' in text
    assert 'name="query"' in text
    assert "curl http://127.0.0.1:8000/graphql -H &#x27;Content-Type: application/json&#x27;" in text
    assert "<script" not in text  # nothing to hang on
    assert str(tmp_path) not in text  # no path of the server's disk reaches the browser
    assert asset.status_code == 404
    assert answer.json() == {"data": {"__typename": "Query"}}
    assert "GraphiQL's files are not installed" in caplog.text
