"""What validating a document would cost, counted on the parsed document before any rule runs.

The one validation rule whose work is not linear in the document is graphql-core's
OverlappingFieldsCanBeMergedRule (the spec's "field selection merging"). For every
selection set it collects the fields, inline fragments flattened into it, and then:

(1) compares every two fields that answer to the same response name: names, then each
    argument, then types; for two fields that both have selection sets it compares
    those two sub-selections the same way, at every depth, and first looks each
    response name of one sub-selection up in the other;
(2) compares its fields with the fields of every fragment spread into it, directly or
    through other fragments (one lookup per field per fragment), and so the fields of
    each of the sub-selections of (1) with the fragments of the other;
(3) compares every two fragments spread into it with each other, and each with the
    fragments the other spreads (the pairs of fragments are remembered per document).

Nothing of this is bounded by the document's size: `k` copies of `viewer { __typename }`
make k(k-1)/2 pairs of `viewer`, each comparing two sub-selections (488 copies fit in
2,000 tokens and took over a second). So before validation this module counts the
comparisons on the document the same way, only merged: a *merged selection* is every
selection set that answers at one place of the response (the sub-selections of the
fields of one response name, merged; fragments and inline fragments expanded into
it). A merged selection holding n selections (fields, spreads, inline fragments) of
which f are fields and s fragment spreads, merged from k fields (1 at the top of an
operation or fragment), is charged

    n·k  +  4·f·s  +  s²  +  Σ over its response names with r ≥ 2 fields:  r(r-1)/2 · (1 + a)

comparisons: n·k walks it and covers the lookups of (1) (each of its fields is looked
up once for each of the k-1 other fields it is merged with); 4·f·s bounds the lookups of
(2) and (3) (each field against each fragment, from either side); s² the fragment pairs
of (3) and their recursion; the last term the field pairs of (1), a being the most
arguments (a directive's included) one of those fields has, each compared. Each pair
the rule compares lies in one merged selection, and a fragment counts at every place it
is spread, so the count errs high, never low. A fragment no operation spreads is
counted on its own (the rule still checks it); a spread that closes a cycle is not
expanded again (validation refuses the cycle).

The walk is charged as it goes and stops when the budget is spent, so the check itself
costs at most about the budget in steps whatever the document (fragments each spreading
the next twice, twenty deep, would expand to a million fields); ordinary documents cost a
few dozen comparisons, the introspection query 434.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass, field

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)

from auth.error_codes import GraphQLErrorCode

# A selection set, and the fragments expanded on the way to it: spreading one of them again closes a cycle.
Part = tuple[SelectionSetNode, frozenset[str]]


@dataclass
class MergedSelection:
    """Every selection set of the document that answers at one place of the response."""

    definition: str  # "query Dashboard", "fragment User": for messages
    path: tuple[str, ...]  # response names from the top of the definition
    parts: list[Part]
    merged_fields: int


@dataclass
class Collected:
    """What a merged selection holds once its fragments are expanded."""

    selections: int = 0
    fields: int = 0
    spreads: int = 0
    fields_by_name: dict[str, list[FieldNode]] = field(default_factory=dict)
    sub_parts_by_name: dict[str, list[Part]] = field(default_factory=dict)


class OverBudget(Exception):
    def __init__(self, reason: str, node: FieldNode | None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.node = node


@dataclass
class Meter:
    budget: int
    spent: int = 0
    expanded: set[str] = field(default_factory=set)  # fragments whose selections were walked

    def spend(self, comparisons: int) -> bool:
        """Add `comparisons`; True when the budget is exceeded."""
        self.spent += comparisons
        return self.spent > self.budget


def refusal(document: DocumentNode, budget: int) -> GraphQLError | None:
    """A QUERY_TOO_COMPLEX error when validating `document` would take more than `budget` comparisons."""
    try:
        measure(document, Meter(budget))
    except OverBudget as over:
        return GraphQLError(
            f"Query too complex to validate: {over.reason}; that is more than the {budget:,} "
            "field comparisons a document may need. Ask for each field, and spread each fragment, "
            "once per selection.",
            nodes=over.node,
            extensions={"code": GraphQLErrorCode.QUERY_TOO_COMPLEX},
        )
    return None


def comparisons(document: DocumentNode, budget: int) -> int:
    """The comparisons `document` is charged, counted up to just past `budget` (for bench/ and tests)."""
    meter = Meter(budget)
    with suppress(OverBudget):
        measure(document, meter)
    return meter.spent


def measure(document: DocumentNode, meter: Meter) -> None:
    fragments = {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
    for operation in document.definitions:
        if isinstance(operation, OperationDefinitionNode):
            walk(top_of(operation), fragments, meter)
    # The rule checks fragments no operation reaches too (validation refuses them after).
    for fragment in fragments.values():
        if fragment.name.value not in meter.expanded:
            meter.expanded.add(fragment.name.value)
            walk(top_of(fragment), fragments, meter)


def top_of(definition: OperationDefinitionNode | FragmentDefinitionNode) -> MergedSelection:
    if isinstance(definition, FragmentDefinitionNode):
        name = definition.name.value
        return MergedSelection(f"fragment {name}", (), [(definition.selection_set, frozenset({name}))], 1)
    kind = definition.operation.value
    title = f"{kind} {definition.name.value}" if definition.name else f"the {kind}"
    return MergedSelection(title, (), [(definition.selection_set, frozenset())], 1)


def walk(top: MergedSelection, fragments: dict[str, FragmentDefinitionNode], meter: Meter) -> None:
    pending = [top]
    while pending:
        merged = pending.pop()
        collected = collect(merged, fragments, meter)
        charge(merged, collected, meter)
        pending.extend(children(merged, collected))


def collect(merged: MergedSelection, fragments: dict[str, FragmentDefinitionNode], meter: Meter) -> Collected:
    collected = Collected()
    stack = list(merged.parts)
    while stack:
        selection_set, chain = stack.pop()
        for selection in selection_set.selections:
            collected.selections += 1
            # Charged as it is walked, so expanding fragments cannot run away.
            if meter.spend(1):
                raise OverBudget(
                    f"{describe(merged)} collects more than {collected.selections:,} fields "
                    "and fragment spreads once its fragments are expanded",
                    selection if isinstance(selection, FieldNode) else None,
                )
            if isinstance(selection, FieldNode):
                collected.fields += 1
                name = (selection.alias or selection.name).value
                collected.fields_by_name.setdefault(name, []).append(selection)
                if selection.selection_set is not None:
                    collected.sub_parts_by_name.setdefault(name, []).append((selection.selection_set, chain))
            elif isinstance(selection, InlineFragmentNode):
                stack.append((selection.selection_set, chain))
            elif isinstance(selection, FragmentSpreadNode):
                collected.spreads += 1
                spread = selection.name.value
                fragment = fragments.get(spread)
                if fragment is not None and spread not in chain:
                    meter.expanded.add(spread)
                    stack.append((fragment.selection_set, chain | {spread}))
    return collected


def charge(merged: MergedSelection, collected: Collected, meter: Meter) -> None:
    # The walk (n) is paid already: add the lookups of the other merged fields and the fragments.
    n, f, s = collected.selections, collected.fields, collected.spreads
    if meter.spend(n * (merged.merged_fields - 1) + 4 * f * s + s * s):
        merged_from = f", merged from {merged.merged_fields:,} fields" if merged.merged_fields > 1 else ""
        raise OverBudget(
            f"{describe(merged)} collects {f:,} fields and {s:,} fragment spreads once its "
            f"fragments are expanded{merged_from}",
            None,
        )
    for name, fields in collected.fields_by_name.items():
        if len(fields) > 1 and meter.spend(pair_comparisons(fields)):
            raise OverBudget(
                f"{len(fields):,} fields answer to `{name}` in {describe(merged)} (fragments "
                "expanded), and each two of them are compared",
                fields[0],
            )


def pair_comparisons(fields: list[FieldNode]) -> int:
    # Each pair compares names, then each argument (a directive's too: @stream's are compared).
    arguments = max(
        len(node.arguments or ()) + sum(len(d.arguments or ()) for d in node.directives or ())
        for node in fields
    )
    return len(fields) * (len(fields) - 1) // 2 * (1 + arguments)


def children(merged: MergedSelection, collected: Collected) -> Iterator[MergedSelection]:
    for name, parts in collected.sub_parts_by_name.items():
        yield MergedSelection(merged.definition, (*merged.path, name), parts, merged_fields=len(parts))


def describe(merged: MergedSelection) -> str:
    if not merged.path:
        return f"the top selection of {merged.definition}"
    return f"the selection of `{'.'.join(merged.path)}` in {merged.definition}"
