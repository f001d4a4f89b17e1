"""What a query selects below the field being resolved, read before its children run."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from strawberry.types.nodes import SelectedField, Selection

from schema.context import GatehouseInfo


def _fields(selections: Iterable[Selection]) -> Iterator[SelectedField]:
    """The fields among `selections`, those inside fragments (named or inline) included."""
    for selection in selections:
        if isinstance(selection, SelectedField):
            yield selection
        else:
            yield from _fields(selection.selections)


def selected_on_nodes(info: GatehouseInfo) -> frozenset[str]:
    """The fields a connection's `edges { node { … } }` selects, two levels deep, as dotted
    GraphQL names (`answers`, `shopUser`, `shopUser.contact`), across fragments and aliases.
    `@skip` and `@include` are not weighed: a field they leave out is still named, which costs
    its loading, never its answer."""
    paths: set[str] = set()
    for edges in (f for root in info.selected_fields for f in _fields(root.selections)):
        if edges.name != "edges":
            continue
        for node in (f for f in _fields(edges.selections) if f.name == "node"):
            for field in _fields(node.selections):
                paths.add(field.name)
                paths.update(f"{field.name}.{below.name}" for below in _fields(field.selections))
    return frozenset(paths)
