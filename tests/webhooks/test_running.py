"""Where the delivery loop runs: inside `serve`, and as `gatehouse deliver-webhooks [--once]`."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from models import WebhookDelivery, WebhookDeliveryStatus, WebhookMessage
from server.app import build_runtime
from server.background import background_work, webhook_deliverer
from server.cli import main
from server.database import apply_migrations, database
from tests.conftest import TEST_SECRET_KEY, run_in_fresh_loop
from tests.server.command import run_gatehouse
from tests.server.conftest import _restore_logging  # noqa: F401 -- autouse: the commands log to a terminal
from tests.webhooks.factories import make_webhook, queue_event
from tests.webhooks.receiver import Receiver


async def test_serve_delivers_webhooks_beside_answering_requests(db, settings, receiver):
    settings = replace(settings, webhook_allow_private=True, webhook_poll_seconds=0.05)
    delivery = await queue_event(await make_webhook(receiver.url()))

    async with background_work(settings, build_runtime(settings)):
        for _ in range(200):
            if (await WebhookDelivery.get(id=delivery.id)).status == WebhookDeliveryStatus.DELIVERED:
                break
            await asyncio.sleep(0.02)

    assert (await WebhookDelivery.get(id=delivery.id)).status == WebhookDeliveryStatus.DELIVERED
    assert len(receiver.received) == 1


async def test_serve_purges_what_was_delivered_over_30_days_ago(db, settings, receiver):
    settings = replace(settings, mail_poll_seconds=3600, webhook_poll_seconds=3600)
    delivery = await queue_event(
        await make_webhook(receiver.url()), at=datetime.now(UTC) - timedelta(days=31)
    )
    await WebhookDelivery.filter(id=delivery.id).update(status=WebhookDeliveryStatus.DELIVERED)

    async with background_work(settings, build_runtime(settings)):
        for _ in range(200):
            if not await WebhookMessage.filter(id=delivery.message_id).exists():
                break
            await asyncio.sleep(0.02)

    assert not await WebhookDelivery.filter(id=delivery.id).exists()
    assert not await WebhookMessage.filter(id=delivery.message_id).exists()


@pytest.mark.parametrize("seconds", ["0", "-1", "nan"])
@pytest.mark.parametrize("command", [["serve"], ["deliver-webhooks"]])
def test_a_webhook_poll_of_no_time_is_refused_at_start(tmp_path: Path, command, seconds):
    result = run_gatehouse(
        tmp_path / "gatehouse.sqlite3", *command,
        env={"GATEHOUSE_SECRET_KEY": TEST_SECRET_KEY, "GATEHOUSE_WEBHOOK_POLL_SECONDS": seconds},
    )

    assert result.exit_code == 1, result.output
    assert result.output.strip() == "Error: GATEHOUSE_WEBHOOK_POLL_SECONDS must be a number above 0."


@pytest.mark.parametrize("seconds", ["0", "-1", "nan"])
def test_a_mail_poll_of_no_time_is_refused_at_start(tmp_path: Path, seconds):
    result = run_gatehouse(
        tmp_path / "gatehouse.sqlite3", "serve",
        env={"GATEHOUSE_SECRET_KEY": TEST_SECRET_KEY, "GATEHOUSE_MAIL_POLL_SECONDS": seconds},
    )

    assert result.exit_code == 1, result.output
    assert result.output.strip() == "Error: GATEHOUSE_MAIL_POLL_SECONDS must be a number above 0."


def test_without_a_secret_key_there_is_no_webhook_loop(settings):
    assert webhook_deliverer(build_runtime(replace(settings, secret_key=None))) is None


def queue_one(url: str, receiver: Receiver) -> None:
    async def work() -> None:
        await apply_migrations(url)
        async with database(url, global_fallback=False):
            await queue_event(await make_webhook(receiver.url()))

    run_in_fresh_loop(work())


def test_deliver_webhooks_once_delivers_what_is_due(tmp_path: Path, receiver):
    url = f"sqlite://{tmp_path / 'webhooks.sqlite3'}"
    queue_one(url, receiver)
    env = {
        "GATEHOUSE_DATABASE_URL": url, "GATEHOUSE_SECRET_KEY": TEST_SECRET_KEY,
        "GATEHOUSE_WEBHOOK_ALLOW_PRIVATE": "1",
    }

    first = CliRunner().invoke(main, ["deliver-webhooks", "--once"], env=env)
    second = CliRunner().invoke(main, ["deliver-webhooks", "--once"], env=env)

    assert first.exit_code == 0, first.output
    assert "Delivered 1, retrying 0, failed 0." in first.output
    assert second.exit_code == 0, second.output
    assert "Delivered 0," in second.output
    assert len(receiver.received) == 1


def test_deliver_webhooks_without_a_secret_key_says_why_it_cannot(tmp_path: Path):
    env = {"GATEHOUSE_DATABASE_URL": f"sqlite://{tmp_path / 'none.sqlite3'}", "GATEHOUSE_SECRET_KEY": ""}

    result = CliRunner().invoke(main, ["deliver-webhooks", "--once"], env=env)

    assert result.exit_code != 0
    assert "GATEHOUSE_SECRET_KEY is unset" in result.output
