// Starts GraphiQL on Gatehouse's /graphql page. A file of its own, not an inline <script>:
// the page's Content-Security-Policy allows scripts from this server only.
(function () {
  "use strict";

  var DEFAULT_QUERY = [
    "# Gatehouse's GraphiQL, in debug mode only.",
    "#",
    "# Ctrl-Enter runs the operation; the first icon",
    "# on the left shows the schema's documentation.",
    "# adminLogin and login set a session cookie: what",
    "# you run next from this page is signed in. Other",
    "# clients send \"Authorization: Bearer <token>\"",
    "# (the Headers tab below takes one too).",
    "",
    "{",
    "  __typename",
    "}",
    "",
  ].join("\n");

  // The page is served at the endpoint itself; queries go back to the same address.
  var endpoint = window.location.origin + window.location.pathname;
  // No subscriptionUrl: Gatehouse serves GraphQL over HTTP only.
  var fetcher = GraphiQL.createFetcher({ url: endpoint });

  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: DEFAULT_QUERY,
      defaultEditorToolsVisibility: true,
      inputValueDeprecation: true,
      isHeadersEditorEnabled: true,
    })
  );
})();
