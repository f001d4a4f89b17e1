"""What a costly document costs: graphql-core's validation of it, and Gatehouse refusing it.

    python -m bench.query_cost [--quick]

The document is the one measured in production: `{ viewer { __typename } }` 488 times
in one selection, plus a random alias (inside the token limit and the body limit). It
prints, in-process and on the event loop's own thread:

- its validation by graphql-core with the schema's rules (what every request of it cost
  before schema/query_cost.py), parsed once, uncached;
- Gatehouse refusing it through `schema.execute` (token limit, parsing, the cost check),
  with a new alias each time so no cache answers;
- the yardsticks: an ordinary dashboard query's and the introspection query's validation,
  and the costliest document the budget still lets through;
- a `{ __typename }` probe's latency while four refusals share the event loop.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import statistics
import time
from collections.abc import Callable

import graphql
from graphql import DocumentNode
from strawberry.schema.schema import validate_document

from auth.error_codes import GraphQLErrorCode
from schema import schema
from schema.limits import LIMIT_RULES, MAX_COMPARISONS, MAX_TOKENS
from schema.query_cost import comparisons, refusal

COPIES = 488
# The review queue of docs/dashboard.md: a page of pending requests with their answers.
DASHBOARD = """
query Queue($shop: String, $after: String) {
  registrationRequests(shop: $shop, status: PENDING, first: 50, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges {
      node {
        id
        name
        email
        company
        language
        submittedAt
        answers { key label value }
        matchingDebtors { id number name priceListTags }
      }
    }
  }
}"""


def costly(copies: int = COPIES) -> str:
    # A new alias each time: neither the parser's cache nor the verdict's can answer it.
    return "{ " + "viewer { __typename } " * copies + f"a{secrets.token_hex(4)}: __typename }}"


def median_ms(run: Callable[[], object], times: int) -> float:
    samples = []
    for _ in range(times):
        started = time.perf_counter()
        run()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000


def validation_ms(document: DocumentNode, times: int) -> float:
    """graphql-core's validation with every rule the schema validates with, as Strawberry calls it."""
    rules = (*graphql.specified_rules, *LIMIT_RULES)
    return median_ms(lambda: validate_document(schema._schema, document, rules), times)


async def refusal_ms(times: int) -> float:
    samples = []
    for _ in range(times):
        document = costly()
        started = time.perf_counter()
        result = await schema.execute(document)
        samples.append(time.perf_counter() - started)
        codes = [(error.extensions or {}).get("code") for error in result.errors or ()]
        if codes != [GraphQLErrorCode.QUERY_TOO_COMPLEX]:
            raise RuntimeError(f"the costly document was not refused: {result.errors}")
    return statistics.median(samples) * 1000


async def probe_ms_during_refusals(parallel: int) -> float:
    """How long `{ __typename }` waits when it arrives just after `parallel` costly documents."""
    started = time.perf_counter()
    costly_ones = [schema.execute(costly()) for _ in range(parallel)]
    *_, probe = await asyncio.gather(*costly_ones, schema.execute("{ __typename }"))
    if probe.errors:
        raise RuntimeError(f"the probe failed: {probe.errors}")
    return (time.perf_counter() - started) * 1000


def most_copies_within_budget() -> int:
    count = 1
    while comparisons(graphql.parse(costly(count + 1)), MAX_COMPARISONS) <= MAX_COMPARISONS:
        count += 1
    return count


async def run(quick: bool) -> None:
    times = 3 if quick else 15
    before = validation_ms(graphql.parse(costly()), 1 if quick else 3)
    await schema.execute("{ __typename }")  # build what the first request builds
    refused = await refusal_ms(times)
    parsing = median_ms(lambda: graphql.parse(costly(), max_tokens=MAX_TOKENS), times)
    texts = [graphql.parse(costly()) for _ in range(times)]
    checking = median_ms(lambda: refusal(texts.pop(), MAX_COMPARISONS), times)
    dashboard = graphql.parse(DASHBOARD)
    if validate_document(schema._schema, dashboard, (*graphql.specified_rules, *LIMIT_RULES)):
        raise RuntimeError("the dashboard query no longer fits the schema")
    ordinary = validation_ms(dashboard, times * 4)
    introspection = validation_ms(graphql.parse(graphql.get_introspection_query(descriptions=True)), times)
    allowed = most_copies_within_budget()
    worst = validation_ms(graphql.parse(costly(allowed)), times)
    probe = statistics.median([await probe_ms_during_refusals(4) for _ in range(times)])

    print(f"Query cost ({COPIES} copies of `viewer {{ __typename }}` + a random alias; "
          f"budget {MAX_COMPARISONS:,} comparisons):")
    print(f"  before: graphql-core validating it            {before:9.1f} ms  "
          f"({before / ordinary:,.0f}x the dashboard query)")
    print(f"  now: Gatehouse refusing it (schema.execute)   {refused:9.2f} ms  "
          f"({refused / ordinary:.1f}x; {before / refused:,.0f}x faster than before)")
    print(f"    of which parsing its 2,000 tokens           {parsing:9.2f} ms")
    print(f"    of which the cost check                     {checking:9.2f} ms")
    print(f"  yardstick: dashboard query validated          {ordinary:9.2f} ms")
    print(f"  yardstick: introspection query validated      {introspection:9.2f} ms  "
          f"({introspection / ordinary:.1f}x)")
    print(f"  costliest accepted ({allowed} copies), validated {worst:9.2f} ms  "
          f"({worst / ordinary:.1f}x)")
    print(f"  `{{ __typename }}` beside 4 refusals          {probe:9.2f} ms  "
          f"(before: 4 validations in a row, {4 * before / 1000:.1f} s)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args(argv)
    asyncio.run(run(args.quick))


if __name__ == "__main__":
    main()
