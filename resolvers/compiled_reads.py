"""Rows whose column is one of some keys, with the SQL built once per shape, not per request.

A loader's batch is always the same query: `SELECT … FROM table WHERE column IN (…)`, with
the same joins. Tortoise builds its SQL afresh on every call, and on a small read that
building (pypika's copies and quoting) costs more than the statement itself. Here the SQL
of each shape (model, column, joins, engine, number of keys) is built once by Tortoise and
kept; later reads only bind the keys and hand the rows to Tortoise's own executor, so the
models come back exactly as a queryset makes them.
"""

from __future__ import annotations

import operator
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import reduce
from typing import Any, TypeVar

from tortoise.expressions import Q
from tortoise.models import Model
from tortoise.queryset import QuerySet
from tortoise.router import router

M = TypeVar("M", bound=Model)

# Beyond this many keys a batch is built the ordinary way: such batches are rare (a page
# holds at most 100 rows) and each count would keep a statement of its own.
MOST_KEYS_KEPT = 128


@dataclass(frozen=True)
class _Shape:
    model: type[Model]
    column: str
    related: tuple[str, ...]
    dialect: str
    keys: int


@dataclass(frozen=True)
class _Built:
    sql: str
    select_related_idx: list[Any]


_BUILT: dict[_Shape, _Built] = {}


async def rows_where_in(
    model: type[M], column: str, keys: Sequence[Any], *, related: tuple[str, ...] = ()
) -> list[M]:
    """The rows of `model` whose `column` is one of `keys`, each with its `related` rows joined."""
    if not keys:
        return []
    # Where a queryset would read now: inside a transaction, its connection.
    db = router.db_for_read(model) or model._meta.db
    shape = _Shape(model, column, related, db.capabilities.dialect, len(keys))
    built = _BUILT.get(shape)
    if built is None:
        built = _build(model, column, list(keys), related)
        if built is None or shape.keys > MOST_KEYS_KEPT:
            return await model.filter(**{f"{column}__in": list(keys)}).select_related(*related)
        _BUILT[shape] = built
    executor = db.executor_class(
        model=model, db=db, prefetch_map={}, prefetch_queries={},
        select_related_idx=built.select_related_idx,
    )
    return await executor.execute_select(built.sql, list(keys))


def _build(model: type[M], column: str, keys: list[Any], related: tuple[str, ...]) -> _Built | None:
    """Tortoise's own SQL for the read; None where its parameters are not exactly the keys
    (so binding new keys to it would not be the same read)."""
    queryset = model.filter(**{f"{column}__in": keys}).select_related(*related)
    queryset._db = queryset._choose_db(False)
    queryset._make_query()
    sql, values = queryset.query.get_parameterized_sql()
    if list(values) != keys:
        return None
    return _Built(sql=sql, select_related_idx=list(queryset._select_related_idx))


@dataclass(frozen=True)
class _AnyShape:
    model: type[Model]
    terms: tuple[tuple[str, int], ...]  # column, padded number of keys
    fields: tuple[str, ...]  # () for whole rows
    order_by: str | None
    dialect: str


_BUILT_ANY: dict[_AnyShape, str] = {}


async def rows_where_any(
    model: type[M], terms: Mapping[str, Sequence[Any]], *, order_by: str | None = None
) -> list[M]:
    """The rows of `model` where any column of `terms` is one of its keys, in `order_by`'s order;
    a column without keys is left out of the condition."""
    if not any(terms.values()):
        return []
    db = router.db_for_read(model) or model._meta.db
    padded = _padded(terms)
    if padded is None:
        return await _where_any(model, terms, order_by)
    shape = _AnyShape(model, tuple((column, len(keys)) for column, keys in padded.items()), (), order_by,
                      db.capabilities.dialect)
    sql = _BUILT_ANY.get(shape) or _kept(shape, _where_any(model, padded, order_by), padded)
    if sql is None:
        return await _where_any(model, terms, order_by)
    executor = db.executor_class(model=model, db=db, prefetch_map={}, prefetch_queries={})
    return await executor.execute_select(sql, _bound(padded))


async def values_where_any(
    model: type[Model], terms: Mapping[str, Sequence[Any]], fields: tuple[str, ...], *,
    order_by: str | None = None,
) -> list[tuple[Any, ...]]:
    """`fields` of the same rows as rows_where_any, as tuples of the values as stored (for
    columns whose stored and Python values are alike: integers and text)."""
    if not any(terms.values()):
        return []
    db = router.db_for_read(model) or model._meta.db
    padded = _padded(terms)
    if padded is None:
        return list(await _where_any(model, terms, order_by).values_list(*fields))
    shape = _AnyShape(model, tuple((column, len(keys)) for column, keys in padded.items()), fields, order_by,
                      db.capabilities.dialect)
    sql = _BUILT_ANY.get(shape) or _kept(
        shape, _where_any(model, padded, order_by).values_list(*fields), padded
    )
    if sql is None:
        return list(await _where_any(model, terms, order_by).values_list(*fields))
    _, rows = await db.execute_query(sql, _bound(padded))
    return [tuple(row.values()) if isinstance(row, dict) else tuple(row) for row in rows]


def _where_any(model: type[M], terms: Mapping[str, Sequence[Any]], order_by: str | None) -> QuerySet[M]:
    kwargs: list[dict[str, Any]] = [{f"{column}__in": list(keys)} for column, keys in terms.items() if keys]
    given = [Q(**term) for term in kwargs]
    rows = model.filter(reduce(operator.or_, given))
    return rows.order_by(order_by) if order_by else rows


def _padded(terms: Mapping[str, Sequence[Any]]) -> dict[str, list[Any]] | None:
    """Each column's keys repeated up to the next power of two; None beyond MOST_KEYS_KEPT
    (such a read is built the ordinary way, as rows_where_in does)."""
    padded: dict[str, list[Any]] = {}
    for column, keys in terms.items():
        if not keys:
            continue
        size = 1 << (len(keys) - 1).bit_length()
        if size > MOST_KEYS_KEPT:
            return None
        padded[column] = [*keys, *[keys[-1]] * (size - len(keys))]
    return padded


def _bound(padded: Mapping[str, list[Any]]) -> list[Any]:
    return [key for keys in padded.values() for key in keys]


def _kept(shape: _AnyShape, query: Any, padded: Mapping[str, list[Any]]) -> str | None:
    """The query's SQL, kept for its shape; None where its parameters are not the keys in order."""
    query._db = query._choose_db(False)
    query._make_query()
    sql, values = query.query.get_parameterized_sql()
    if list(values) != _bound(padded):
        return None
    _BUILT_ANY[shape] = sql
    return str(sql)
