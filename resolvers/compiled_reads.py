"""Rows whose column is one of some keys, with the SQL built once per shape, not per request.

A loader's batch is always the same query: `SELECT … FROM table WHERE column IN (…)`, with
the same joins. Tortoise builds its SQL afresh on every call, and on a small read that
building (pypika's copies and quoting) costs more than the statement itself. Here the SQL
of each shape (model, column, joins, engine, number of keys) is built once by Tortoise and
kept; later reads only bind the keys and hand the rows to Tortoise's own executor, so the
models come back exactly as a queryset makes them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from tortoise.models import Model
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
