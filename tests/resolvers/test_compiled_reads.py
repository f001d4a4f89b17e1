"""Reads by keys with SQL built once per shape give what Tortoise's own querysets give.

Each case compares against the queryset it stands for, on both engines: same rows, same
field values, the related row joined, and the statement built once then reused.
"""

from __future__ import annotations

from decimal import Decimal

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from models import ContactPerson, Debtor, ShopUser
from resolvers import compiled_reads
from resolvers.compiled_reads import MOST_KEYS_KEPT, rows_where_in
from tests.factories import make_contact, make_debtor, make_shop, make_shop_user
from tests.query_counter import count_queries


def values_of(rows: list) -> list[dict]:
    return [{name: getattr(row, name) for name in row._meta.fields_db_projection} for row in rows]


async def test_rows_by_id_are_the_rows_a_queryset_reads(db):
    debtors = [await make_debtor(f"Kwekerij {n}", email=f"k{n}@example.com",
                                 minimum_order_amount=Decimal("12.50"), price_list_tags=["a", f"t{n}"])
               for n in range(3)]
    keys = [debtors[2].id, debtors[0].id, 999_999]

    compiled = await rows_where_in(Debtor, "id", keys)
    again = await rows_where_in(Debtor, "id", [debtors[1].id, debtors[2].id, debtors[0].id])

    assert values_of(compiled) == values_of(await Debtor.filter(id__in=keys))
    assert [row.name for row in again] == ["Kwekerij 0", "Kwekerij 1", "Kwekerij 2"]
    assert compiled[0].minimum_order_amount == Decimal("12.50")
    assert compiled[0].price_list_tags == ["a", "t0"]


async def test_a_contact_comes_with_its_debtor_joined_in_one_statement(db):
    debtor = await make_debtor("Bloemen BV", number="B1")
    anna = await make_contact(debtor, "Anna")
    bert = await make_contact(await make_debtor("Tulp BV", number="T1"), "Bert")

    with count_queries() as statements:
        rows = await rows_where_in(ContactPerson, "id", [anna.id, bert.id], related=("debtor",))

    assert len(statements) == 1
    assert [(row.first_name, row.debtor.number) for row in rows] == [("Anna", "B1"), ("Bert", "T1")]
    assert [row.debtor_id for row in rows] == [anna.debtor_id, bert.debtor_id]


async def test_rows_by_a_foreign_key_are_every_row_of_each_key(db):
    shop = await make_shop("flora")
    debtor = await make_debtor()
    first, second = await make_contact(debtor, "Anna"), await make_contact(debtor, "Bert")
    await make_shop_user(shop, first, username="anna")
    await make_shop_user(shop, second, username="bert")

    rows = await rows_where_in(ShopUser, "contact_id", [second.id, first.id])

    assert sorted(row.username for row in rows) == ["anna", "bert"]


async def test_a_shape_is_built_once_and_reused(db):
    debtors = [await make_debtor(f"D {n}") for n in range(4)]
    compiled_reads._BUILT.clear()

    await rows_where_in(Debtor, "id", [debtors[0].id, debtors[1].id])
    await rows_where_in(Debtor, "id", [debtors[2].id, debtors[3].id])
    await rows_where_in(Debtor, "id", [debtors[0].id])

    assert sorted(shape.keys for shape in compiled_reads._BUILT) == [1, 2]


async def test_a_batch_beyond_the_kept_sizes_is_read_without_keeping_it(db):
    debtor = await make_debtor()
    compiled_reads._BUILT.clear()
    keys = [debtor.id, *range(10_000_000, 10_000_000 + MOST_KEYS_KEPT)]

    rows = await rows_where_in(Debtor, "id", keys)

    assert [row.id for row in rows] == [debtor.id]
    assert compiled_reads._BUILT == {}


async def test_no_keys_read_nothing(db):
    with count_queries() as statements:
        assert await rows_where_in(Debtor, "id", []) == []
    assert statements == []


async def test_inside_a_transaction_it_reads_through_the_transaction(db):
    async with in_transaction():
        debtor = await make_debtor("Not yet committed")

        rows = await rows_where_in(Debtor, "id", [debtor.id])

        assert [row.name for row in rows] == ["Not yet committed"]


# --- rows where any of several columns is one of its keys (matching) ---------------------------


async def test_rows_where_any_term_matches_are_the_rows_a_queryset_reads(db):
    for n in range(6):
        await make_debtor(f"Kwekerij {n}", number=f"K{n}", email=f"k{n}@example.com",
                          vat_number=f"NL00000000{n}B01")
    terms = {"email": ["k0@example.com", "k3@example.com", "nobody@example.com"],
             "vat_number": ["NL000000005B01"], "name_key": []}

    compiled = await compiled_reads.rows_where_any(Debtor, terms, order_by="id")
    queryset = await Debtor.filter(
        Q(email__in=terms["email"]) | Q(vat_number__in=terms["vat_number"])
    ).order_by("id")

    assert values_of(compiled) == values_of(queryset)
    assert [row.number for row in compiled] == ["K0", "K3", "K5"]


async def test_lists_of_keys_padded_to_one_size_share_one_statement(db):
    for n in range(5):
        await make_debtor(f"Kwekerij {n}", number=f"K{n}", email=f"k{n}@example.com")
    compiled_reads._BUILT_ANY.clear()

    three = await compiled_reads.values_where_any(
        Debtor, {"email": [f"k{n}@example.com" for n in (0, 1, 2)]}, ("number", "email"), order_by="email"
    )
    four = await compiled_reads.values_where_any(
        Debtor, {"email": [f"k{n}@example.com" for n in (4, 3, 2, 1)]}, ("number", "email"), order_by="email"
    )

    assert three == [("K0", "k0@example.com"), ("K1", "k1@example.com"), ("K2", "k2@example.com")]
    assert [number for number, _ in four] == ["K1", "K2", "K3", "K4"]
    assert len(compiled_reads._BUILT_ANY) == 1


async def test_no_keys_read_nothing_and_too_many_are_read_the_ordinary_way(db):
    await make_debtor("Kwekerij", number="K1", email="k1@example.com")
    compiled_reads._BUILT_ANY.clear()

    with count_queries() as statements:
        nothing = await compiled_reads.rows_where_any(Debtor, {"email": [], "vat_number": []})
    many = [f"x{n}@example.com" for n in range(MOST_KEYS_KEPT)] + ["k1@example.com"]
    found = await compiled_reads.rows_where_any(Debtor, {"email": many})

    assert (nothing, statements) == ([], [])
    assert [row.number for row in found] == ["K1"]
    assert compiled_reads._BUILT_ANY == {}
