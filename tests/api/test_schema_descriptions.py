"""Partners learn the API by introspection: every part of the schema says what it is.

Each type, field, argument, input field and enum value carries a non-empty
description; only GraphQL's own introspection types and built-in scalars are
left out, since graphql-core describes those itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TypeVar

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLScalarType,
    specified_scalar_types,
)

from auth.error_codes import GraphQLErrorCode
from resolvers.errors import ErrorCode
from schema import schema

T = TypeVar("T", bound=GraphQLNamedType)


def elements(named: GraphQLNamedType) -> Iterator[tuple[str, str | None]]:
    """(path, description) of a type and of everything declared inside it."""
    yield named.name, named.description
    if isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
        for field_name, field in named.fields.items():
            yield f"{named.name}.{field_name}", field.description
            for arg_name, arg in field.args.items():
                yield f"{named.name}.{field_name}({arg_name}:)", arg.description
    elif isinstance(named, GraphQLInputObjectType):
        for field_name, input_field in named.fields.items():
            yield f"{named.name}.{field_name}", input_field.description
    elif isinstance(named, GraphQLEnumType):
        for value_name, value in named.values.items():
            yield f"{named.name}.{value_name}", value.description


def named(name: str, kind: type[T]) -> T:
    found = schema._schema.type_map[name]
    assert isinstance(found, kind), found
    return found


def schema_elements() -> list[tuple[str, str | None]]:
    return [
        element
        for named in schema._schema.type_map.values()
        if not named.name.startswith("__") and named.name not in specified_scalar_types
        for element in elements(named)
    ]


def test_every_type_field_argument_input_field_and_enum_value_is_described():
    found = schema_elements()

    undescribed = [path for path, description in found if not (description or "").strip()]

    assert len(found) > 400  # the walk reaches the whole schema, not a corner of it
    assert undescribed == [], f"{len(undescribed)} of {len(found)} without a description:\n" + "\n".join(
        undescribed
    )


def test_the_walk_sees_the_parts_it_claims_to_check():
    paths = {path for path, _ in schema_elements()}

    assert {"Query", "Query.viewer", "Query.debtors(search:)", "ApproveInput.ids"} <= paths
    assert {"UserErrorCode.RATE_LIMITED", "Decimal", "DateTime", "JSON"} <= paths
    assert not any(path.startswith("__") or path in {"String", "Boolean", "Int"} for path in paths)


def test_every_user_error_code_says_when_it_comes():
    values = named("UserErrorCode", GraphQLEnumType).values

    assert set(values) == {code.name for code in ErrorCode}
    assert all(len(value.description or "") > 20 for value in values.values())


def test_graphql_error_codes_are_in_the_schema_and_listed_on_both_roots():
    values = named("GraphQLErrorCode", GraphQLEnumType).values
    roots = [named(name, GraphQLObjectType).description or "" for name in ("Query", "Mutation")]

    assert set(values) == {code.name for code in GraphQLErrorCode}
    for code in GraphQLErrorCode:
        assert values[code.name].description == code.description
        assert all(f"`{code.value}`" in root for root in roots)


def test_scalars_state_their_wire_format_and_specification():
    scalars = {name: named(name, GraphQLScalarType) for name in ("Decimal", "DateTime", "JSON")}

    assert all(scalar.specified_by_url for scalar in scalars.values())
    assert '"1250.50"' in (scalars["Decimal"].description or "")
    assert "offset" in (scalars["DateTime"].description or "")
    assert scalars["DateTime"].specified_by_url == "https://scalars.graphql.org/andimarek/date-time"
