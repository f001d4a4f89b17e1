"""A shop's rejectedRequestRetentionDays (rule 18 of docs/api.md): read, set when the shop is made
or later, checked, audited, and obeyed by the purge; a mail whose body was purged is still listed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from mail.outbox import enqueue
from mail.template_names import MailTemplate
from models import (
    ActorKind,
    AuditEvent,
    OutboxMessage,
    OutboxStatus,
    RegistrationRequest,
    RegistrationStatus,
    Shop,
)
from resolvers import retention
from tests.api.sign_in import staff_token
from tests.factories import make_shop, pending_request
from tests.graphql_answers import user_errors
from tests.use_cases import cheap_runtime

CREATE_SHOP = """
mutation($input: CreateShopInput!) {
  createShop(input: $input) {
    shop { handle rejectedRequestRetentionDays }
    userErrors { field message code }
  }
}"""

UPDATE_SHOP_SETTINGS = """
mutation($input: UpdateShopSettingsInput!) {
  updateShopSettings(input: $input) {
    shop { handle rejectedRequestRetentionDays }
    userErrors { field message code }
  }
}"""

SHOPS = "{ shops { handle rejectedRequestRetentionDays } }"

OUTBOX = """
query {
  outboxMessages(status: SENT, first: 10) {
    totalCount
    edges { node { recipient template status sentAt } }
  }
}"""


async def stored_state() -> tuple[list[dict], int]:
    return await Shop.all().order_by("id").values(), await AuditEvent.all().count()


async def test_a_new_shop_keeps_rejected_requests_180_days_unless_told_otherwise(client):
    token = await staff_token(client)

    default = await client.data(CREATE_SHOP, {"input": {"handle": "flora", "name": "Flora"}}, token=token)
    none = await client.data(
        CREATE_SHOP,
        {"input": {"handle": "greenhouse", "name": "Greenhouse", "rejectedRequestRetentionDays": 0}},
        token=token,
    )

    assert default["createShop"]["shop"] == {"handle": "flora", "rejectedRequestRetentionDays": 180}
    assert none["createShop"]["shop"] == {"handle": "greenhouse", "rejectedRequestRetentionDays": 0}
    assert (await client.data(SHOPS, token=token))["shops"] == [
        {"handle": "flora", "rejectedRequestRetentionDays": 180},
        {"handle": "greenhouse", "rejectedRequestRetentionDays": 0},
    ]


@pytest.mark.parametrize("days", [0, 1, 3650])
async def test_staff_set_the_retention_and_the_change_is_audited(client, days):
    shop = await make_shop("flora")
    token = await staff_token(client)

    data = await client.data(
        UPDATE_SHOP_SETTINGS, {"input": {"shop": "flora", "rejectedRequestRetentionDays": days}}, token=token
    )

    assert data["updateShopSettings"] == {
        "shop": {"handle": "flora", "rejectedRequestRetentionDays": days}, "userErrors": [],
    }
    assert (await Shop.get(id=shop.id)).rejected_request_retention_days == days
    event = await AuditEvent.get(action="shop.settings_updated")
    assert (event.actor_kind, event.object_type, event.object_id) == (ActorKind.ADMIN, "Shop", shop.id)
    assert event.details == {"changed": ["rejectedRequestRetentionDays"]}


@pytest.mark.parametrize("days", [-1, 3651, None])
async def test_a_retention_out_of_range_or_null_is_refused_and_changes_nothing(client, days):
    await make_shop("flora", rejected_request_retention_days=90)
    token = await staff_token(client)
    before = await stored_state()

    data = await client.data(
        UPDATE_SHOP_SETTINGS,
        {"input": {"shop": "flora", "name": "Renamed", "rejectedRequestRetentionDays": days}},
        token=token,
    )

    assert data["updateShopSettings"]["shop"] is None
    assert user_errors(data["updateShopSettings"]) == [(["rejectedRequestRetentionDays"], "INVALID")]
    assert await stored_state() == before


async def test_a_shop_made_with_a_retention_out_of_range_is_refused(client):
    token = await staff_token(client)

    data = await client.data(
        CREATE_SHOP, {"input": {"handle": "flora", "name": "Flora", "rejectedRequestRetentionDays": 4000}},
        token=token,
    )

    assert user_errors(data["createShop"]) == [(["rejectedRequestRetentionDays"], "INVALID")]
    assert await Shop.all().count() == 0


async def test_the_purge_follows_a_retention_staff_changed(client):
    # given a request rejected 31 days ago, kept by the default 180 days
    shop = await make_shop("flora")
    request = await pending_request(
        shop, status=RegistrationStatus.REJECTED, decided_at=datetime.now(UTC) - timedelta(days=31)
    )
    assert await retention.purge_rejected_requests(cheap_runtime()) == 0
    token = await staff_token(client)

    # when staff shorten the shop's retention to 30 days, and the purge runs again
    await client.data(
        UPDATE_SHOP_SETTINGS, {"input": {"shop": "flora", "rejectedRequestRetentionDays": 30}}, token=token
    )
    purged = await retention.purge_rejected_requests(cheap_runtime())

    # then the request is gone
    assert purged == 1
    assert not await RegistrationRequest.exists(id=request.id)


async def test_a_mail_whose_body_was_purged_is_still_listed_as_sent(client):
    sent_at = datetime.now(UTC) - timedelta(days=31)
    message = await enqueue(
        recipient="anna@x.test", template=MailTemplate.INVITATION, language="en",
        context={"name": "Anna"}, now=sent_at,
    )
    await OutboxMessage.filter(id=message.id).update(status=OutboxStatus.SENT, sent_at=sent_at)
    assert await retention.purge_mail_bodies(cheap_runtime()) == 1
    token = await staff_token(client)

    page = (await client.data(OUTBOX, token=token))["outboxMessages"]

    assert page["totalCount"] == 1
    [edge] = page["edges"]
    assert edge["node"]["recipient"] == "anna@x.test"
    assert (edge["node"]["template"], edge["node"]["status"]) == ("invitation", "SENT")
    assert datetime.fromisoformat(edge["node"]["sentAt"]) == sent_at
