"""What an approved request makes: the debtor and contact person (found or new) and the shop user."""

from __future__ import annotations

from collections.abc import Sequence

from tortoise.exceptions import IntegrityError

from models import ContactPerson, Debtor, RegistrationAnswer, RegistrationRequest, Shop, ShopUser
from models.webhooks import WebhookEvent
from resolvers import webhook_events
from resolvers.debtors import insert_debtor
from resolvers.errors import ErrorCode, UserInputError
from resolvers.matching import clues_of, matching_debtors
from resolvers.runtime import Pause, Runtime, no_pause
from resolvers.shop_users import users_with_email


def _has_account() -> UserInputError:
    return UserInputError.of(ErrorCode.ALREADY_HAS_ACCOUNT, "This customer has a user in this shop already.")


def _merged_tags(*groups: Sequence[str]) -> list[str]:
    merged: list[str] = []
    for group in groups:
        merged += [tag for tag in group if tag not in merged]
    return merged


def _split_name(name: str) -> tuple[str, str]:
    first, _, last = name.strip().partition(" ")
    return first[:100], last.strip()[:100]


async def provision(
    runtime: Runtime,
    shop: Shop,
    request: RegistrationRequest,
    answers: Sequence[RegistrationAnswer],
    *,
    debtor: Debtor | None = None,
    extra_tags: Sequence[str] = (),
    password_hash: str | None = None,
    after_checks: Pause = no_pause,
) -> tuple[Debtor, ShopUser]:
    """Links or makes the debtor and contact, makes the shop user, records them on the request.

    Call inside the transaction that decided the request; `after_checks` is awaited just
    before the shop user is inserted.
    """
    if debtor is None:
        matches = (await matching_debtors([clues_of(request, answers)]))[0]
        debtor = matches[0] if matches else None
    tags = _merged_tags(debtor.price_list_tags if debtor else [], shop.default_price_list_tags, extra_tags)
    if debtor is None:
        debtor = await insert_debtor(
            {"name": request.company or request.name, "email": request.email, "price_list_tags": tags}
        )
        await webhook_events.debtor_event(runtime, WebhookEvent.DEBTOR_CREATED, debtor)
    elif tags != debtor.price_list_tags:
        debtor.price_list_tags = tags
        await debtor.save(update_fields=["price_list_tags", "updated_at"])
        await webhook_events.debtor_event(runtime, WebhookEvent.DEBTOR_UPDATED, debtor)
    contact = await ContactPerson.filter(debtor_id=debtor.id, email=request.email).first()
    if contact is None:
        first_name, last_name = _split_name(request.name)
        contact = await ContactPerson.create(
            debtor=debtor, first_name=first_name, last_name=last_name,
            email=request.email, language=request.language,
        )
    taken = await ShopUser.filter(shop_id=shop.id, contact_id=contact.id).exists()
    if taken or await users_with_email(shop.id, request.email):
        raise _has_account()
    await after_checks()
    now = runtime.now()
    try:
        shop_user = await ShopUser.create(
            shop=shop, contact=contact, username=request.email, language=request.language,
            password_hash=password_hash, activated_at=now if password_hash else None,
            password_changed_at=now if password_hash else None,
        )
    except IntegrityError:
        # Another approval of the same customer won the race; the unique index told us.
        raise _has_account() from None
    request.debtor, request.shop_user = debtor, shop_user
    await request.save()
    shop_user.contact = contact
    await webhook_events.shop_user_event(
        runtime, WebhookEvent.SHOP_USER_CREATED, shop_user, contact=contact, debtor=debtor
    )
    return debtor, shop_user
