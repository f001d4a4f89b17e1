"""shopUsers(shop, status, search, first, after): staff list shop users, newest first.

Given shop users of two shops in every status, when staff filter by shop,
status and search text and page through the result, then they get exactly
the matching users, newest first, each reaching its contact, debtor and shop.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from models import ContactPerson, Debtor, Shop, ShopUser
from tests.api.sign_in import customer_token, staff_token
from tests.case_folding import expect_failure_where_upper_folds_ascii_only
from tests.factories import CUSTOMER_PASSWORD, make_contact, make_debtor, make_shop, password_hash
from tests.graphql_answers import refusal

# One real hash for every active user: status only asks whether there is one.
A_HASH = password_hash(CUSTOMER_PASSWORD)

SHOP_USERS = """
query($shop: String, $status: ShopUserStatus, $search: String, $first: Int, $after: String) {
  shopUsers(shop: $shop, status: $status, search: $search, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges {
      cursor
      node {
        username status excluded
        contact { firstName }
        debtor { number }
        shop { handle }
      }
    }
  }
}"""


# --- helpers ---------------------------------------------------------------------------------


async def user(
    shop: Shop,
    username: str,
    *,
    debtor: Debtor | None = None,
    first_name: str = "Anna",
    last_name: str = "de Vries",
    email: str | None = None,
    active: bool = True,
    **values,
) -> ShopUser:
    """A shop user with its own contact (and debtor, unless one is given)."""
    debtor = debtor or await make_debtor(f"Debtor of {username}")
    contact: ContactPerson = await make_contact(debtor, first_name, last_name=last_name, email=email)
    return await ShopUser.create(
        shop=shop, contact=contact, username=username, language="nl",
        password_hash=A_HASH if active else None, **values,
    )


async def shop_users(client, token: str, **arguments) -> dict:
    return (await client.data(SHOP_USERS, arguments, token=token))["shopUsers"]


def usernames(connection: dict) -> list[str]:
    return [edge["node"]["username"] for edge in connection["edges"]]


# --- listing and shop filter -----------------------------------------------------------------


async def test_staff_see_every_user_newest_first_with_contact_debtor_and_shop(client):
    flora, tulip = await make_shop("flora"), await make_shop("tulip")
    bloem = await make_debtor("Bloemenhal", number="D-100")
    await user(flora, "anna", debtor=bloem, first_name="Anna")
    await user(tulip, "bram", debtor=bloem, first_name="Bram")
    await user(flora, "cor", debtor=await make_debtor("Cor BV", number="D-200"), first_name="Cor")
    staff = await staff_token(client)

    connection = await shop_users(client, staff)

    assert [edge["node"] for edge in connection["edges"]] == [
        {"username": "cor", "status": "ACTIVE", "excluded": False, "contact": {"firstName": "Cor"},
         "debtor": {"number": "D-200"}, "shop": {"handle": "flora"}},
        {"username": "bram", "status": "ACTIVE", "excluded": False, "contact": {"firstName": "Bram"},
         "debtor": {"number": "D-100"}, "shop": {"handle": "tulip"}},
        {"username": "anna", "status": "ACTIVE", "excluded": False, "contact": {"firstName": "Anna"},
         "debtor": {"number": "D-100"}, "shop": {"handle": "flora"}},
    ]
    assert connection["totalCount"] == 3
    assert connection["pageInfo"]["hasNextPage"] is False


async def test_the_shop_filter_keeps_only_that_shops_users(client):
    flora, tulip = await make_shop("flora"), await make_shop("tulip")
    await make_shop("empty")
    await user(flora, "anna")
    await user(tulip, "bram")
    await user(flora, "cor")
    await user(tulip, "dirk")
    staff = await staff_token(client)

    in_flora = await shop_users(client, staff, shop="flora")
    in_tulip = await shop_users(client, staff, shop="tulip")
    in_empty = await shop_users(client, staff, shop="empty")

    assert usernames(in_flora) == ["cor", "anna"]
    assert in_flora["totalCount"] == 2
    assert usernames(in_tulip) == ["dirk", "bram"]
    assert {edge["node"]["shop"]["handle"] for edge in in_tulip["edges"]} == {"tulip"}
    assert in_empty == {"totalCount": 0, "pageInfo": {"hasNextPage": False, "endCursor": None}, "edges": []}


async def test_an_unknown_shop_is_a_not_found_error(client):
    await user(await make_shop("flora"), "anna")
    staff = await staff_token(client)

    for handle in ["tulip", "FLORA", "", "f" * 65]:
        body = await client.execute(SHOP_USERS, {"shop": handle}, token=staff)

        assert refusal(body) == "NOT_FOUND", handle
        assert body["errors"][0]["extensions"]["field"] == ["shop"]


# --- status ---------------------------------------------------------------------------------


async def users_in_every_status(shop: Shop) -> None:
    now = datetime.now(UTC)
    await user(shop, "invited", active=False)
    await user(shop, "active")
    await user(
        shop, "excluded", excluded=True, exclusion_reason="unpaid", excluded_since=now - timedelta(days=3)
    )
    await user(shop, "excluded-until-next-week", excluded=True, excluded_until=now + timedelta(days=7))
    await user(shop, "exclusion-lifted", excluded=True, excluded_until=now - timedelta(hours=1))
    await user(
        shop, "invited-exclusion-lifted", active=False, excluded=True, excluded_until=now - timedelta(hours=1)
    )
    await user(shop, "invited-excluded", active=False, excluded=True)


BY_STATUS = {
    "INVITED": ["invited-exclusion-lifted", "invited"],
    "ACTIVE": ["exclusion-lifted", "active"],
    "EXCLUDED": ["invited-excluded", "excluded-until-next-week", "excluded"],
}


async def test_the_status_filter_follows_the_status_and_an_exclusion_in_the_past_is_over(client):
    await users_in_every_status(await make_shop("flora"))
    staff = await staff_token(client)

    everyone = usernames(await shop_users(client, staff))
    for status, expected in BY_STATUS.items():
        connection = await shop_users(client, staff, status=status)

        assert usernames(connection) == expected, status
        assert {edge["node"]["status"] for edge in connection["edges"]} == {status}
        assert connection["totalCount"] == len(expected)
    assert sorted(name for names in BY_STATUS.values() for name in names) == sorted(everyone)


async def test_shop_status_and_search_filters_combine(client):
    flora, tulip = await make_shop("flora"), await make_shop("tulip")
    await user(flora, "anna.flora.invited", active=False)
    await user(flora, "anna.flora")
    await user(tulip, "anna.tulip", active=False)
    await user(flora, "bram.flora", first_name="Bram")
    staff = await staff_token(client)

    invited_in_flora = await shop_users(client, staff, shop="flora", status="INVITED")
    annas_active_in_flora = await shop_users(client, staff, shop="flora", status="ACTIVE", search="ANNA")

    assert usernames(invited_in_flora) == ["anna.flora.invited"]
    assert invited_in_flora["totalCount"] == 1
    assert usernames(annas_active_in_flora) == ["anna.flora"]
    assert annas_active_in_flora["totalCount"] == 1


async def test_an_exclusion_end_given_in_another_time_zone_is_filed_by_the_instant(client):
    new_york = timezone(timedelta(hours=-5))
    until = (datetime.now(UTC) + timedelta(hours=2)).astimezone(new_york)  # still two hours to go
    await user(await make_shop("flora"), "bram", excluded=True, excluded_until=until)
    staff = await staff_token(client)

    excluded = await shop_users(client, staff, status="EXCLUDED")
    active = await shop_users(client, staff, status="ACTIVE")

    assert usernames(excluded) == ["bram"]
    assert usernames(active) == []


# --- search ---------------------------------------------------------------------------------


async def searchable_users() -> None:
    flora = await make_shop("flora")
    await user(flora, "anna.devries", first_name="Anna", last_name="de Vries", email="anna@devries.test",
               debtor=await make_debtor("Kwekerij Zonnebloem", number="K-1001"))
    await user(flora, "bram", first_name="Bram", last_name="Jansen", email="inkoop@tuin.test",
               debtor=await make_debtor("Tuincentrum Oost", number="T-2002"))
    await user(flora, "cor_99", first_name="Cornelis", last_name="Visser", email="cor@visser.test",
               debtor=await make_debtor("Visser & Zn", number="V-3003"))


SEARCHES = [
    # Each of these is found in one field only.
    ("ANNA.DEV", ["anna.devries"]),  # username, other case
    ("cornelis", ["cor_99"]),  # contact first name
    ("JANSEN", ["bram"]),  # contact last name
    ("@Visser.TEST", ["cor_99"]),  # contact email
    ("zonnebloem", ["anna.devries"]),  # debtor name
    ("t-2002", ["bram"]),  # debtor number
    ("visser", ["cor_99"]),  # last name, email and debtor name: listed once
    ("  bram  ", ["bram"]),  # trimmed
    ("R", ["cor_99", "bram", "anna.devries"]),  # every one of them: newest first
    ("nobody", []),
    ("   ", ["cor_99", "bram", "anna.devries"]),  # blank: everyone
    # LIKE wildcards are plain characters
    ("_", ["cor_99"]),
    ("%", []),
    ("&", ["cor_99"]),
]


async def test_search_looks_in_username_contact_and_debtor_ignoring_case(client):
    await searchable_users()
    staff = await staff_token(client)

    for search, expected in SEARCHES:
        connection = await shop_users(client, staff, search=search)

        assert usernames(connection) == expected, search
        assert connection["totalCount"] == len(expected), search


async def accented_users() -> None:
    flora = await make_shop("flora")
    await user(flora, "em", first_name="Élodie", last_name="Müller")
    await user(flora, "other", first_name="Elodie", last_name="Muller")


async def test_search_finds_accented_names_typed_with_the_same_accented_letters(client):
    await accented_users()
    staff = await staff_token(client)

    for search in ["ÉLODIE", "Élodie", "müller"]:
        assert usernames(await shop_users(client, staff, search=search)) == ["em"], search


async def test_search_ignores_the_case_of_accented_letters(client, db, request):
    await expect_failure_where_upper_folds_ascii_only(db, request)
    await accented_users()
    staff = await staff_token(client)

    found = {
        search: usernames(await shop_users(client, staff, search=search)) for search in ["élodie", "MÜLLER"]
    }

    assert found == {"élodie": ["em"], "MÜLLER": ["em"]}


# --- pagination -----------------------------------------------------------------------------


async def test_pages_follow_each_other_newest_first_with_total_count(client):
    flora = await make_shop("flora")
    for name in ["u1", "u2", "u3", "u4", "u5"]:
        await user(flora, name)
    staff = await staff_token(client)

    first = await shop_users(client, staff, first=2)
    second = await shop_users(client, staff, first=2, after=first["pageInfo"]["endCursor"])
    third = await shop_users(client, staff, first=2, after=second["pageInfo"]["endCursor"])

    assert [usernames(page) for page in (first, second, third)] == [["u5", "u4"], ["u3", "u2"], ["u1"]]
    assert [page["pageInfo"]["hasNextPage"] for page in (first, second, third)] == [True, True, False]
    assert [page["totalCount"] for page in (first, second, third)] == [5, 5, 5]
    assert first["pageInfo"]["endCursor"] == first["edges"][-1]["cursor"]
    exactly_all = await shop_users(client, staff, first=5)
    assert usernames(exactly_all) == ["u5", "u4", "u3", "u2", "u1"]
    assert exactly_all["pageInfo"]["hasNextPage"] is False


async def test_a_filtered_list_pages_within_the_filter(client):
    flora = await make_shop("flora")
    for index in range(5):
        await user(flora, f"invited{index}", active=False)
        await user(flora, f"active{index}")
    staff = await staff_token(client)

    first = await shop_users(client, staff, status="INVITED", first=3)
    rest = await shop_users(client, staff, status="INVITED", first=3, after=first["pageInfo"]["endCursor"])

    assert usernames(first) + usernames(rest) == [f"invited{i}" for i in (4, 3, 2, 1, 0)]
    assert (first["pageInfo"]["hasNextPage"], rest["pageInfo"]["hasNextPage"]) == (True, False)
    assert first["totalCount"] == rest["totalCount"] == 5


# --- who may call it ------------------------------------------------------------------------


async def test_a_customer_is_forbidden(client):
    token = await customer_token(client, "flora", "anna")

    body = await client.execute(SHOP_USERS, {}, token=token)

    assert refusal(body) == "FORBIDDEN"


async def test_an_anonymous_caller_must_sign_in(client):
    await user(await make_shop("flora"), "anna")

    body = await client.execute(SHOP_USERS, {"shop": "flora"})

    assert refusal(body) == "UNAUTHENTICATED"
