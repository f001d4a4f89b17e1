"""createShopUser (rule 9 of docs/api.md): staff give an existing contact person a login to one shop.

Given a shop, a debtor and a contact person, when staff create a shop user with
a first password or with an invitation, then the user exists with the right
status and the side effects (hash, invitation mail and token, audit event);
and when anything is wrong, every problem is reported with its field and
nothing at all is written (or hashed).
"""

from __future__ import annotations

import asyncio

import pytest

from models import (
    ActorKind,
    AuditEvent,
    ContactPerson,
    OneTimeToken,
    OutboxMessage,
    ShopUser,
    TokenPurpose,
)
from resolvers.errors import ErrorCode
from resolvers.runtime import Pause
from resolvers.shop_users import NewShopUser, create_shop_user
from schema.nodes import global_id
from tests.api.sign_in import customer_token, login, staff_token
from tests.factories import make_contact, make_debtor, make_shop, make_shop_user
from tests.graphql_answers import payload_of, refusal, user_errors
from tests.use_cases import cheap_runtime, refused_with, staff_caller

FIRST_PASSWORD = "Lilac-Branch-8841"

CREATE_SHOP_USER = """
mutation($input: CreateShopUserInput!) {
  createShopUser(input: $input) {
    shopUser {
      id username language status mayBeExcluded mustChangePassword excluded
      contact { firstName } debtor { number } shop { handle }
    }
    userErrors { field message code }
  }
}"""


# --- helpers ---------------------------------------------------------------------------------


async def joost(email: str | None = "Joost@Bakker.test", **values) -> ContactPerson:
    """A contact person of a new debtor."""
    debtor = await make_debtor("Bloemenhal Aalsmeer", number=values.pop("number", "D-4711"))
    return await make_contact(debtor, "Joost", last_name="Bakker", email=email, **values)


def contact_id(contact: ContactPerson) -> str:
    return global_id("ContactPerson", contact.id)


def with_password(contact: ContactPerson, **overrides) -> dict:
    return {
        "contactPersonId": contact_id(contact), "shop": "flora", "username": "joost.bakker",
        "language": "nl", "password": FIRST_PASSWORD, "passwordConfirmation": FIRST_PASSWORD,
        **overrides,
    }


def with_invitation(contact: ContactPerson, **overrides) -> dict:
    return {
        "contactPersonId": contact_id(contact), "shop": "flora", "username": "joost.bakker",
        "language": "nl", "sendInvitation": True, **overrides,
    }


async def create(client, token: str | None, input: dict) -> dict:
    return (await client.data(CREATE_SHOP_USER, {"input": input}, token=token))["createShopUser"]


async def stored_state() -> dict:
    """What a refused call must leave exactly as it was."""
    return {
        "shop_users": await ShopUser.all().order_by("id").values_list(
            "id", "username", "contact_id", "shop_id"
        ),
        "tokens": await OneTimeToken.all().count(),
        "outbox": await OutboxMessage.all().count(),
        "audit": await AuditEvent.all().order_by("id").values_list("action", flat=True),
    }


# --- happy paths ----------------------------------------------------------------------------


async def test_a_password_typed_twice_makes_an_active_user_who_must_change_it_and_can_sign_in(client, hashed):
    await make_shop("flora")
    contact = await joost()
    staff = await staff_token(client)

    payload = await create(client, staff, with_password(contact, username="Joost.Bakker"))

    assert payload["userErrors"] == []
    assert payload["shopUser"] == {
        "id": payload["shopUser"]["id"], "username": "Joost.Bakker", "language": "nl",
        "status": "ACTIVE", "mayBeExcluded": True, "mustChangePassword": True, "excluded": False,
        "contact": {"firstName": "Joost"}, "debtor": {"number": "D-4711"}, "shop": {"handle": "flora"},
    }
    stored = await ShopUser.get(username="Joost.Bakker")
    assert payload["shopUser"]["id"] == global_id("ShopUser", stored.id)
    assert stored.contact_id == contact.id
    assert stored.password_hash is not None
    assert stored.password_hash.startswith("$argon2id$")
    assert FIRST_PASSWORD not in stored.password_hash
    assert hashed == [FIRST_PASSWORD]
    assert await OutboxMessage.all().count() == 0
    assert await OneTimeToken.all().count() == 0

    session = await login(client, "joost.bakker", FIRST_PASSWORD)
    assert session["userErrors"] == []
    assert session["token"]


async def test_send_invitation_makes_an_invited_user_and_mails_one_link_in_the_users_language(client, hashed):
    await make_shop("flora", name="Flora Wholesale", storefront_url="https://shop.flora.test")
    contact = await joost(language="nl")
    staff = await staff_token(client)

    payload = await create(client, staff, with_invitation(contact, language="de"))

    assert payload["userErrors"] == []
    assert payload["shopUser"]["status"] == "INVITED"
    assert payload["shopUser"]["mustChangePassword"] is False
    assert payload["shopUser"]["language"] == "de"
    stored = await ShopUser.get(username="joost.bakker")
    assert stored.password_hash is None
    assert stored.must_change_password is False
    assert hashed == []

    [invitation] = await OutboxMessage.all()
    assert invitation.template == "invitation"
    assert invitation.recipient == "joost@bakker.test"
    assert invitation.language == "de"
    assert invitation.context["invitation_url"].startswith("https://shop.flora.test/account/invitation?")
    assert "token=" in invitation.context["invitation_url"]
    assert invitation.context["shop_name"] == "Flora Wholesale"
    [token] = await OneTimeToken.all()
    assert (token.shop_user_id, token.purpose, token.used_at) == (stored.id, TokenPurpose.INVITATION, None)
    assert (await login(client, "joost.bakker", FIRST_PASSWORD))["token"] is None


async def test_may_be_excluded_false_is_stored_true_is_the_default_and_blanks_are_trimmed(client):
    await make_shop("flora")
    first, second = await joost(), await joost(number="D-4712", email="eva@bakker.test")
    staff = await staff_token(client)

    kept = await create(client, staff, with_invitation(first, username="joost", mayBeExcluded=False))
    default = await create(client, staff, with_invitation(second, username="  eva  ", language=" en "))

    assert kept["shopUser"]["mayBeExcluded"] is False
    assert default["shopUser"]["mayBeExcluded"] is True
    assert (default["shopUser"]["username"], default["shopUser"]["language"]) == ("eva", "en")
    assert (await ShopUser.get(username="joost")).may_be_excluded is False
    assert (await ShopUser.get(username="eva")).may_be_excluded is True


async def test_the_creation_is_audited_as_the_admins_action(client):
    await make_shop("flora")
    contact = await joost()
    staff = await staff_token(client, "lotte@gatehouse.test")

    await create(client, staff, with_invitation(contact))

    user = await ShopUser.get(username="joost.bakker")
    created = await AuditEvent.get(action="shop_user.created")
    admin_id = (await AuditEvent.get(action="admin.login")).actor_id
    assert (created.actor_kind, created.actor_id, created.actor_label) == (
        ActorKind.ADMIN, admin_id, "lotte@gatehouse.test"
    )
    assert (created.object_type, created.object_id) == ("ShopUser", user.id)
    assert created.details["shop"] == "flora"
    assert created.details["invited"] is True
    actions = await AuditEvent.all().order_by("id").values_list("action", flat=True)
    assert actions == ["admin.login", "shop_user.created"]  # type: ignore[comparison-overlap]  # Tortoise types flat=True as tuples


# --- refusals: one problem each, nothing written --------------------------------------------


async def refused(client, hashed, input: dict, staff: str | None = None) -> dict:
    """Calls as staff (signing in unless `staff` is given); checks nothing was written or hashed."""
    staff = staff or await staff_token(client)
    before = await stored_state()

    payload = await create(client, staff, input)

    assert payload["shopUser"] is None, input
    assert await stored_state() == before, input
    assert hashed == [], input
    return payload


async def test_the_confirmation_must_be_given_and_match(client, hashed):
    await make_shop("flora")
    contact = await joost()
    staff = await staff_token(client)
    without = with_password(contact)
    del without["passwordConfirmation"]

    differs = await refused(
        client, hashed, with_password(contact, passwordConfirmation=FIRST_PASSWORD + "!"), staff
    )
    missing = await refused(client, hashed, without, staff)

    assert user_errors(differs) == [(["passwordConfirmation"], "PASSWORD_MISMATCH")]
    assert user_errors(missing) == [(["passwordConfirmation"], "FIELD_REQUIRED")]


WEAK_PASSWORDS = [
    "password1",  # well-known
    "Summer2024",  # season and year
    "Kq7x9z1",  # seven characters
    "kwpzrtnvqbxm",  # letters only
    "8472916305",  # digits only
    "joost.bakker1",  # the username
]


async def test_a_weak_password_is_refused(client, hashed):
    await make_shop("flora")
    contact = await joost()
    staff = await staff_token(client)

    for weak in WEAK_PASSWORDS:
        payload = await refused(
            client, hashed, with_password(contact, password=weak, passwordConfirmation=weak), staff
        )

        assert user_errors(payload) == [(["password"], "PASSWORD_TOO_WEAK")], weak
        assert payload["userErrors"][0]["message"]


async def test_a_password_has_at_most_128_characters_and_a_longer_one_is_never_hashed(client, hashed):
    await make_shop("flora")
    contact = await joost()
    staff = await staff_token(client)
    longest = "Kq7x-trellis-" * 9 + "Zz9" + "w" * 8
    overlong = longest + "q"
    assert (len(longest), len(overlong)) == (128, 129)

    too_long = await refused(
        client, hashed, with_password(contact, password=overlong, passwordConfirmation=overlong), staff
    )
    accepted = await create(
        client, staff, with_password(contact, password=longest, passwordConfirmation=longest)
    )

    assert user_errors(too_long) == [(["password"], "INVALID")]
    assert accepted["userErrors"] == []
    assert hashed == [longest]


async def test_a_username_taken_in_the_shop_in_another_case_is_refused(client, hashed):
    shop = await make_shop("flora")
    await make_shop_user(shop, await joost(number="D-1"), "joost.bakker", password=None)
    contact = await joost(number="D-2", email="other@bakker.test")
    staff = await staff_token(client)

    for taken in ["joost.bakker", "JOOST.bakker", " Joost.Bakker "]:
        payload = await refused(client, hashed, with_invitation(contact, username=taken), staff)

        assert user_errors(payload) == [(["username"], "USERNAME_TAKEN")], taken


async def test_the_same_username_in_another_shop_is_fine(client):
    tulip = await make_shop("tulip")
    await make_shop("flora")
    await make_shop_user(tulip, await joost(number="D-1"), "joost.bakker", password=None)
    contact = await joost(number="D-2", email="other@bakker.test")
    staff = await staff_token(client)

    payload = await create(client, staff, with_invitation(contact, username="Joost.Bakker"))

    assert payload["userErrors"] == []
    assert await ShopUser.filter(username_key="joost.bakker").count() == 2


async def test_a_contact_person_id_that_names_no_contact_is_contact_not_found(client, hashed):
    shop = await make_shop("flora")
    contact = await joost()
    other_user = await make_shop_user(shop, await joost(number="D-9", email=None), "eva", password=None)
    staff = await staff_token(client)
    ids = {
        "unknown": global_id("ContactPerson", 999_999),
        "malformed": "not-a-global-id",
        "empty": "",
        # Ids of other types, with numbers that are also existing contacts' numbers.
        "debtor": global_id("Debtor", contact.debtor_id),
        "shop user": global_id("ShopUser", other_user.id),
        "shop": global_id("Shop", shop.id),
    }

    for kind, wrong_id in ids.items():
        payload = await refused(client, hashed, with_invitation(contact, contactPersonId=wrong_id), staff)

        assert user_errors(payload) == [(["contactPersonId"], "CONTACT_NOT_FOUND")], kind


async def test_a_language_the_shop_does_not_offer_is_refused(client, hashed):
    await make_shop("flora", languages=["nl", "en"])
    contact = await joost()
    staff = await staff_token(client)

    for language in ["de", "fr", "xx", ""]:
        payload = await refused(client, hashed, with_invitation(contact, language=language), staff)

        assert user_errors(payload) == [(["language"], "LANGUAGE_NOT_OFFERED")], language
        assert "nl" in payload["userErrors"][0]["message"]


async def test_a_contact_with_a_user_in_the_shop_already_has_an_account(client, hashed):
    shop = await make_shop("flora")
    contact = await joost()
    await make_shop_user(shop, contact, "joost", password=None)

    payload = await refused(client, hashed, with_password(contact, username="joost.second"))

    assert user_errors(payload) == [(["contactPersonId"], "ALREADY_HAS_ACCOUNT")]


async def test_a_contact_with_a_user_in_another_shop_gets_one_here_too(client):
    tulip = await make_shop("tulip")
    await make_shop("flora")
    contact = await joost()
    await make_shop_user(tulip, contact, "joost", password=None)
    staff = await staff_token(client)

    payload = await create(client, staff, with_invitation(contact, username="joost"))

    assert payload["userErrors"] == []
    assert await ShopUser.filter(contact_id=contact.id).count() == 2


async def test_an_unknown_shop_is_not_found(client, hashed):
    await make_shop("flora")
    contact = await joost()
    staff = await staff_token(client)

    for shop in ["tulip", "FLORA", "", "f" * 65]:
        payload = await refused(client, hashed, with_invitation(contact, shop=shop), staff)

        assert user_errors(payload) == [(["shop"], "NOT_FOUND")], shop


async def test_either_a_password_or_an_invitation_is_needed_not_both(client, hashed):
    await make_shop("flora")
    contact = await joost()
    staff = await staff_token(client)
    neither = {"contactPersonId": contact_id(contact), "shop": "flora", "username": "joost", "language": "nl"}

    nothing = await refused(client, hashed, neither, staff)
    both = await refused(client, hashed, with_password(contact, sendInvitation=True), staff)

    assert user_errors(nothing) == [(["password"], "FIELD_REQUIRED")]
    assert user_errors(both) == [(["password"], "INVALID")]


async def test_an_invitation_for_a_contact_without_email_is_invalid(client, hashed):
    await make_shop("flora")
    contact = await joost(email=None)

    payload = await refused(client, hashed, with_invitation(contact))

    assert user_errors(payload) == [(["sendInvitation"], "INVALID")]


BAD_USERNAMES = [
    ("", "FIELD_REQUIRED"),
    ("   ", "FIELD_REQUIRED"),
    ("joost bakker", "INVALID"),
    ("joost\tbakker", "INVALID"),
    ("joost\nbakker", "INVALID"),
    ("joost\u00a0bakker", "INVALID"),  # a no-break space
    ("j" * 151, "INVALID"),
]


async def test_a_blank_username_is_required_and_one_with_spaces_or_too_long_is_invalid(client, hashed):
    await make_shop("flora")
    contact = await joost()
    staff = await staff_token(client)

    for username, code in BAD_USERNAMES:
        payload = await refused(client, hashed, with_password(contact, username=username), staff)

        assert user_errors(payload) == [(["username"], code)], username


async def test_a_username_of_150_characters_is_fine(client):
    await make_shop("flora")
    contact = await joost()
    staff = await staff_token(client)

    payload = await create(client, staff, with_invitation(contact, username="J" * 150))

    assert payload["userErrors"] == []
    assert (await ShopUser.get(contact_id=contact.id)).username_key == "j" * 150


async def test_a_username_whose_casefold_is_longer_than_the_column_gets_an_answer(client):
    await make_shop("flora")
    contact = await joost()
    staff = await staff_token(client)

    body = await client.execute(
        CREATE_SHOP_USER, {"input": with_invitation(contact, username="ß" * 100)}, token=staff
    )

    payload = payload_of(body, "createShopUser")
    assert payload["userErrors"] == [] or user_errors(payload) == [(["username"], "INVALID")]


# --- several problems at once ---------------------------------------------------------------


async def test_an_unknown_shop_and_a_blank_username_are_both_reported(client, hashed):
    await make_shop("flora")
    contact = await joost()
    staff = await staff_token(client)
    no_password = {"contactPersonId": "nope", "shop": "tulip", "username": "a b", "language": "nl"}

    two = await refused(client, hashed, with_password(contact, shop="tulip", username=" "), staff)
    four = await refused(client, hashed, no_password, staff)

    assert sorted(user_errors(two)) == [(["shop"], "NOT_FOUND"), (["username"], "FIELD_REQUIRED")]
    assert sorted(user_errors(four)) == [
        (["contactPersonId"], "CONTACT_NOT_FOUND"),
        (["password"], "FIELD_REQUIRED"),
        (["shop"], "NOT_FOUND"),
        (["username"], "INVALID"),
    ]


async def test_every_problem_of_a_bad_call_is_reported_each_with_its_field(client, hashed):
    shop = await make_shop("flora", languages=["nl"])
    contact = await joost()
    await make_shop_user(shop, contact, "joost", password=None)
    await make_shop_user(shop, await joost(number="D-2", email="x@y.test"), "taken", password=None)

    payload = await refused(client, hashed, with_password(
        contact, username="TAKEN", language="fr", passwordConfirmation="something-else-1",
    ))

    assert sorted(user_errors(payload)) == [
        (["contactPersonId"], "ALREADY_HAS_ACCOUNT"),
        (["language"], "LANGUAGE_NOT_OFFERED"),
        (["passwordConfirmation"], "PASSWORD_MISMATCH"),
        (["username"], "USERNAME_TAKEN"),
    ]


# --- who may call it ------------------------------------------------------------------------


async def test_a_customer_is_forbidden_and_nothing_is_written(client, hashed):
    await make_shop("flora")
    contact = await joost(number="D-77", email="x@joost.test")
    token = await customer_token(client, "flora", "anna")
    before = await stored_state()

    body = await client.execute(CREATE_SHOP_USER, {"input": with_password(contact)}, token=token)

    assert refusal(body) == "FORBIDDEN"
    assert await stored_state() == before
    assert hashed == []


async def test_an_anonymous_caller_must_sign_in_and_nothing_is_written(client, hashed):
    await make_shop("flora")
    contact = await joost()
    before = await stored_state()

    body = await client.execute(CREATE_SHOP_USER, {"input": with_invitation(contact)})

    assert refusal(body) == "UNAUTHENTICATED"
    assert await stored_state() == before
    assert hashed == []


# --- concurrency (PostgreSQL) ---------------------------------------------------------------


@pytest.fixture
def checked_together() -> Pause:
    """Two concurrent calls both finish their checks before either writes: the race always happens."""
    barrier = asyncio.Barrier(2)

    async def meet() -> None:
        await asyncio.wait_for(barrier.wait(), timeout=10)

    return meet


@pytest.mark.postgres_only
@pytest.mark.parametrize("invite", [False, True], ids=["password", "invitation"])
async def test_the_same_username_twice_at_once_makes_one_user_and_one_username_taken(
    pg_db, checked_together, invite
):
    shop = await make_shop("flora")
    first = await joost(number="D-1", email="first@bakker.test")
    second = await joost(number="D-2", email="second@bakker.test")
    caller, runtime = await staff_caller(), cheap_runtime()

    def new(contact: ContactPerson, username: str) -> NewShopUser:
        password = None if invite else FIRST_PASSWORD
        return NewShopUser(
            contact_pk=contact.id, shop_handle="flora", username=username, language="nl",
            password=password, password_confirmation=password, send_invitation=invite,
        )

    outcomes = await asyncio.gather(
        create_shop_user(runtime, caller, new(first, "joost"), after_checks=checked_together),
        create_shop_user(runtime, caller, new(second, "JOOST"), after_checks=checked_together),
        return_exceptions=True,
    )

    made = [outcome for outcome in outcomes if isinstance(outcome, ShopUser)]
    [lost] = [outcome for outcome in outcomes if not isinstance(outcome, ShopUser)]
    assert len(made) == 1
    assert refused_with(lost) == [(("username",), ErrorCode.USERNAME_TAKEN)]
    [stored] = await ShopUser.filter(shop_id=shop.id)
    assert stored.id == made[0].id
    assert await AuditEvent.filter(action="shop_user.created").count() == 1
    assert await OutboxMessage.all().count() == (1 if invite else 0)
    assert await OneTimeToken.all().count() == (1 if invite else 0)


@pytest.mark.postgres_only
async def test_one_contact_given_two_users_at_once_gets_one_and_already_has_account(pg_db, checked_together):
    shop = await make_shop("flora")
    contact = await joost()
    caller, runtime = await staff_caller(), cheap_runtime()

    outcomes = await asyncio.gather(
        *(
            create_shop_user(runtime, caller, NewShopUser(
                contact_pk=contact.id, shop_handle="flora", username=username, language="nl",
                password=FIRST_PASSWORD, password_confirmation=FIRST_PASSWORD,
            ), after_checks=checked_together)
            for username in ["joost", "j.bakker"]
        ),
        return_exceptions=True,
    )

    [lost] = [outcome for outcome in outcomes if not isinstance(outcome, ShopUser)]
    assert refused_with(lost) == [(("contactPersonId",), ErrorCode.ALREADY_HAS_ACCOUNT)]
    assert await ShopUser.filter(shop_id=shop.id).count() == 1
    assert await AuditEvent.filter(action="shop_user.created").count() == 1
