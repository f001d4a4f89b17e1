"""Staff see what the outbox holds: queued, sent and failed mail, never its content."""

from __future__ import annotations

from datetime import UTC, datetime

from mail.outbox import enqueue
from mail.template_names import MailTemplate
from models import OutboxMessage, OutboxStatus, StaffRole
from tests.api.sign_in import admin_login, customer_token, staff_token
from tests.factories import make_admin, make_shop
from tests.graphql_answers import refusal

OUTBOX = """
query($status: OutboxStatus, $first: Int) {
  outboxMessages(status: $status, first: $first) {
    totalCount
    edges { node { recipient template language status attempts lastError messageId } }
  }
}"""


FILTERED_OUTBOX = """
query($status: OutboxStatus, $recipient: String, $template: String, $first: Int, $after: String) {
  outboxMessages(status: $status, recipient: $recipient, template: $template, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { messageId } }
  }
}"""


async def queue(
    recipient: str, template: MailTemplate = MailTemplate.REQUEST_RECEIVED, shop_id: int | None = None
) -> OutboxMessage:
    return await enqueue(
        recipient=recipient, template=template, language="nl",
        context={"shop_name": "Flora", "name": "Eva", "secret_link": "token=abc"},
        now=datetime.now(UTC), shop_id=shop_id,
    )


async def listed(client, token: str, **arguments) -> list[str]:
    """The message ids `outboxMessages` lists with `arguments`, checked against its totalCount."""
    page = (await client.data(FILTERED_OUTBOX, arguments, token=token))["outboxMessages"]
    ids = [edge["node"]["messageId"] for edge in page["edges"]]
    assert page["totalCount"] == len(ids)
    return ids


async def test_staff_list_outbox_messages_by_status_newest_first(client):
    token = await staff_token(client)
    await queue("a@x.test")
    sent = await queue("b@x.test")
    await OutboxMessage.filter(id=sent.id).update(status=OutboxStatus.SENT)
    await queue("c@x.test")

    everything = (await client.data(OUTBOX, {}, token=token))["outboxMessages"]
    queued = (await client.data(OUTBOX, {"status": "QUEUED"}, token=token))["outboxMessages"]

    assert [e["node"]["recipient"] for e in everything["edges"]] == ["c@x.test", "b@x.test", "a@x.test"]
    assert everything["totalCount"] == 3
    assert [e["node"]["recipient"] for e in queued["edges"]] == ["c@x.test", "a@x.test"]
    assert queued["totalCount"] == 2
    assert "token=abc" not in str(everything)


async def test_customers_may_not_read_the_outbox(client):
    token = await customer_token(client)
    body = await client.execute(OUTBOX, {}, token=token)
    assert refusal(body) == "FORBIDDEN"


async def test_recipient_keeps_the_mail_to_that_address_only(client):
    token = await staff_token(client)
    eva = await queue("eva@x.test")
    await queue("bob@x.test")
    eva_again = await queue("eva@x.test", MailTemplate.INVITATION)

    assert await listed(client, token, recipient="eva@x.test") == [eva_again.message_id, eva.message_id]
    assert await listed(client, token, recipient="nobody@x.test") == []


async def test_template_keeps_the_mail_of_that_template_only(client):
    token = await staff_token(client)
    invitation = await queue("eva@x.test", MailTemplate.INVITATION)
    await queue("bob@x.test", MailTemplate.REJECTION)

    assert await listed(client, token, template="invitation") == [invitation.message_id]
    assert await listed(client, token, template="no_such_mail") == []


async def test_status_recipient_and_template_must_all_hold(client):
    token = await staff_token(client)
    match = await queue("eva@x.test", MailTemplate.INVITATION)
    await queue("bob@x.test", MailTemplate.INVITATION)
    await queue("eva@x.test", MailTemplate.REJECTION)
    sent = await queue("eva@x.test", MailTemplate.INVITATION)
    await OutboxMessage.filter(id=sent.id).update(status=OutboxStatus.SENT)

    assert await listed(
        client, token, status="QUEUED", recipient="eva@x.test", template="invitation"
    ) == [match.message_id]
    assert await listed(
        client, token, status="SENT", recipient="eva@x.test", template="invitation"
    ) == [sent.message_id]


async def test_a_filtered_outbox_pages_newest_first_without_repeats(client):
    token = await staff_token(client)
    kept = []
    for n in range(5):
        kept.append((await queue("eva@x.test")).message_id)
        await queue(f"other{n}@x.test")

    first = (await client.data(FILTERED_OUTBOX, {"recipient": "eva@x.test", "first": 3}, token=token))
    after = first["outboxMessages"]["pageInfo"]["endCursor"]
    second = await client.data(
        FILTERED_OUTBOX, {"recipient": "eva@x.test", "first": 3, "after": after}, token=token
    )

    pages = [first["outboxMessages"], second["outboxMessages"]]
    assert [e["node"]["messageId"] for page in pages for e in page["edges"]] == kept[::-1]
    assert [page["pageInfo"]["hasNextPage"] for page in pages] == [True, False]


async def test_staff_of_one_shop_filter_only_their_shops_mail(client):
    flora, tulip = await make_shop("flora"), await make_shop("tulip")
    await make_admin("flora@example.com", role=StaffRole.SUPPORT, shops=[flora])
    token = (await admin_login(client, "flora@example.com"))["token"]
    floras = await queue("eva@x.test", MailTemplate.INVITATION, shop_id=flora.id)
    await queue("eva@x.test", MailTemplate.INVITATION, shop_id=tulip.id)
    await queue("eva@x.test", MailTemplate.STAFF_INVITATION)

    assert await listed(client, token, recipient="eva@x.test") == [floras.message_id]
    assert await listed(client, token, template="invitation") == [floras.message_id]
    assert await listed(client, token, template="staff_invitation") == []
