"""GraphiQL in debug mode, served by Gatehouse itself so that it works without internet.

Strawberry's own GraphiQL page loads React and GraphiQL from a CDN and, offline,
shows "Loading..." for ever. Gatehouse's page loads the same kind of files from
`/graphql/assets/`: npm packages pinned in server/graphiql/package-lock.json
(`make run` installs them with `npm ci`), plus the page's own stylesheet and the
script that starts GraphiQL (a file, since the page's Content-Security-Policy
forbids inline scripts). Every file is read once, at start: the page names each
with the sha384 of the bytes served (Subresource Integrity), and only those files
are ever served. When the npm files are missing, browsers get a plain page instead
that says what GraphiQL is, how to install it, and how to send a query without it.
"""

from __future__ import annotations

import base64
import hashlib
import html
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route

logger = logging.getLogger("gatehouse.graphiql")

GRAPHIQL_PACKAGE = Path(__file__).with_name("graphiql")
# Where `npm ci` in GRAPHIQL_PACKAGE puts the packages; create_app takes another folder.
NODE_MODULES = GRAPHIQL_PACKAGE / "node_modules"
ASSETS_PATH = "/graphql/assets"
JAVASCRIPT = "text/javascript; charset=utf-8"
CSS = "text/css; charset=utf-8"

# Served name: (path inside node_modules, media type). GraphiQL 4.1 is the newest release
# that ships a UMD build (one file, globals, no bundler); 5.x is ES modules only. React 18
# is the newest that ships UMD builds (19 has none), and GraphiQL 4 supports it.
NPM_FILES: Mapping[str, tuple[str, str]] = {
    "graphiql.min.css": ("graphiql/graphiql.min.css", CSS),
    "react.production.min.js": ("react/umd/react.production.min.js", JAVASCRIPT),
    "react-dom.production.min.js": ("react-dom/umd/react-dom.production.min.js", JAVASCRIPT),
    "graphiql.min.js": ("graphiql/graphiql.min.js", JAVASCRIPT),
}
# Gatehouse's own files, kept in the repository beside package.json.
OWN_FILES: Mapping[str, str] = {
    "gatehouse-graphiql.css": CSS,
    "gatehouse-graphiql.js": JAVASCRIPT,
}
STYLESHEETS = ("graphiql.min.css", "gatehouse-graphiql.css")
# In the order they must run: GraphiQL's UMD build needs the React and ReactDOM globals.
SCRIPTS = (
    "react.production.min.js", "react-dom.production.min.js", "graphiql.min.js", "gatehouse-graphiql.js",
)

# A year: an asset's address carries its hash, so a changed file gets a new address.
IMMUTABLE = "public, max-age=31536000, immutable"


@dataclass(frozen=True)
class Asset:
    """One file served under ASSETS_PATH, its bytes read at start."""

    name: str
    body: bytes
    media_type: str

    @property
    def integrity(self) -> str:
        """The `integrity` attribute's value: the sha384 of exactly these bytes."""
        return "sha384-" + base64.b64encode(hashlib.sha384(self.body).digest()).decode("ascii")

    @property
    def version(self) -> str:
        return hashlib.sha384(self.body).hexdigest()[:16]

    @property
    def url(self) -> str:
        return f"{ASSETS_PATH}/{self.name}?v={self.version}"


class AssetsMissing(Exception):
    """npm's files are not (all) in the folder: `npm ci` has not run there."""

    def __init__(self, node_modules: Path, missing: list[str]) -> None:
        super().__init__(f"missing in {node_modules}: {', '.join(missing)}")
        self.missing = missing


def read_assets(node_modules: Path) -> dict[str, Asset]:
    """Every served file by name; AssetsMissing names the npm files not installed."""
    missing = [path for path, _ in NPM_FILES.values() if not (node_modules / path).is_file()]
    # A wheel (`pip install .`) carries neither these nor npm's: a checkout's `make run` has both.
    missing += [name for name in OWN_FILES if not (GRAPHIQL_PACKAGE / name).is_file()]
    if missing:
        raise AssetsMissing(node_modules, missing)
    assets = {
        name: Asset(name, (node_modules / path).read_bytes(), media_type)
        for name, (path, media_type) in NPM_FILES.items()
    }
    for name, media_type in OWN_FILES.items():
        assets[name] = Asset(name, (GRAPHIQL_PACKAGE / name).read_bytes(), media_type)
    return assets


def graphiql_page(assets: Mapping[str, Asset]) -> str:
    """The page that starts GraphiQL from Gatehouse's own files, each pinned by its hash."""
    links = "\n".join(
        f'    <link rel="stylesheet" href="{assets[name].url}" integrity="{assets[name].integrity}">'
        for name in STYLESHEETS
    )
    scripts = "\n".join(
        f'    <script src="{assets[name].url}" integrity="{assets[name].integrity}"></script>'
        for name in SCRIPTS
    )
    return f"""<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Gatehouse GraphiQL</title>
    <link rel="icon" href="data:,">
{links}
  </head>
  <body>
    <div id="graphiql">Loading GraphiQL…</div>
    <noscript>GraphiQL needs JavaScript. Without it, POST queries to this address as JSON.</noscript>
{scripts}
  </body>
</html>
"""


EXAMPLE_QUERY = "{ __typename }"


def fallback_page(graphql_url: str, missing: list[str]) -> str:
    """What a browser gets at /graphql in debug mode while GraphiQL's files are not installed."""
    url = html.escape(graphql_url)
    files = ", ".join(f"<code>{html.escape(path)}</code>" for path in missing)
    curl = html.escape(
        f"curl {graphql_url} -H 'Content-Type: application/json' "
        f"-d '{{\"query\": \"{EXAMPLE_QUERY}\"}}'"
    )
    return f"""<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>Gatehouse: GraphiQL is not installed</title>
    <link rel="icon" href="data:,">
  </head>
  <body>
    <h1>GraphiQL is not installed</h1>
    <p>This is Gatehouse's GraphQL endpoint, <code>{url}</code>. In debug mode it shows
    GraphiQL here: an editor for GraphQL queries in the browser, with completion, error
    highlighting and the schema's documentation. GraphiQL's files come from npm and are
    not installed on this machine (missing: {files}).</p>

    <h2>Installing GraphiQL</h2>
    <p>Install Node.js and npm (on Debian or Ubuntu: <code>apt-get install -y nodejs npm</code>),
    then run <code>make run</code> again: it runs <code>npm ci</code> in <code>server/graphiql</code>.
    Or run <code>npm ci</code> there yourself and restart Gatehouse.</p>

    <h2>Without GraphiQL</h2>
    <form method="get" action="/graphql">
      <p><label for="query">A query (sent by GET, so queries only):</label></p>
      <p><textarea id="query" name="query" rows="6" cols="72">{EXAMPLE_QUERY}</textarea></p>
      <p><button type="submit">Run the query</button></p>
    </form>
    <p>Mutations, the sign-ins among them, go by POST with a JSON body, for example:</p>
    <pre>{curl}</pre>
  </body>
</html>
"""


class GraphiQLSite:
    """The /graphql page for browsers in debug mode and the files it loads."""

    def __init__(self, page: str, assets: Mapping[str, Asset]) -> None:
        self.page_html = page
        self.assets = dict(assets)

    @classmethod
    def load(cls, node_modules: Path, graphql_url: str) -> GraphiQLSite:
        """GraphiQL from the files in `node_modules`, or the fallback page when they are missing."""
        try:
            assets = read_assets(node_modules)
        except AssetsMissing as missing:
            logger.warning(
                "GraphiQL's files are not installed (%s): /graphql shows browsers a fallback page. "
                "Run `npm ci` in server/graphiql (make run does, when npm is installed).",
                missing,
            )
            return cls(fallback_page(graphql_url, missing.missing), {})
        return cls(graphiql_page(assets), assets)

    def page(self) -> HTMLResponse:
        return HTMLResponse(self.page_html)

    def routes(self) -> list[Route]:
        """The one static route: only the files read at start, by name, never a path on disk."""
        return [Route(f"{ASSETS_PATH}/{{name}}", self.serve_asset, methods=["GET"])]

    async def serve_asset(self, request: Request) -> Response:
        asset = self.assets.get(request.path_params["name"])
        if asset is None:
            return PlainTextResponse("Not Found", status_code=404)
        etag = f'"{asset.version}"'
        # Immutable only at the address that names these bytes; elsewhere, ask again each time.
        cache = IMMUTABLE if request.query_params.get("v") == asset.version else "no-cache"
        headers = {"ETag": etag, "Cache-Control": cache}
        if request.headers.get("if-none-match") == etag:
            return Response(status_code=304, headers=headers)
        return Response(asset.body, media_type=asset.media_type, headers=headers)
