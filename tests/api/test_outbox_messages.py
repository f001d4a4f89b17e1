"""Staff see what the outbox holds: queued, sent and failed mail, never its content."""

from __future__ import annotations

from datetime import UTC, datetime

from mail.outbox import enqueue
from mail.template_names import MailTemplate
from models import OutboxMessage, OutboxStatus
from tests.api.sign_in import customer_token, staff_token
from tests.graphql_answers import refusal

OUTBOX = """
query($status: OutboxStatus, $first: Int) {
  outboxMessages(status: $status, first: $first) {
    totalCount
    edges { node { recipient template language status attempts lastError messageId } }
  }
}"""


async def queue(recipient: str) -> OutboxMessage:
    return await enqueue(
        recipient=recipient, template=MailTemplate.REQUEST_RECEIVED, language="nl",
        context={"shop_name": "Flora", "name": "Eva", "secret_link": "token=abc"},
        now=datetime.now(UTC),
    )


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
