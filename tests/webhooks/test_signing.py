"""The Standard Webhooks headers: the specification's own test vector, and an HMAC written by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from standardwebhooks.webhooks import Webhook as StandardWebhook

from tests.webhooks.receiver import hand_signature
from webhooks.secrets import new_secret
from webhooks.signing import headers

# The test vector every Standard Webhooks library checks itself against.
VECTOR_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
VECTOR_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
VECTOR_TIMESTAMP = 1614265330
VECTOR_BODY = '{"test": 2432232314}'
VECTOR_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_the_specification_test_vector_is_signed_exactly():
    at = datetime.fromtimestamp(VECTOR_TIMESTAMP, UTC)

    signed = headers(VECTOR_ID, VECTOR_BODY, [VECTOR_SECRET], at)

    assert signed == {
        "webhook-id": VECTOR_ID,
        "webhook-timestamp": str(VECTOR_TIMESTAMP),
        "webhook-signature": VECTOR_SIGNATURE,
    }
    assert hand_signature(VECTOR_SECRET, VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY) == VECTOR_SIGNATURE


def test_a_moment_in_another_zone_or_with_a_fraction_signs_its_unix_second():
    amsterdam = timezone(timedelta(hours=1))
    at = datetime.fromtimestamp(VECTOR_TIMESTAMP, amsterdam) + timedelta(milliseconds=999)

    signed = headers(VECTOR_ID, VECTOR_BODY, [VECTOR_SECRET], at)

    assert signed["webhook-timestamp"] == str(VECTOR_TIMESTAMP)
    assert signed["webhook-signature"] == VECTOR_SIGNATURE


def test_while_rotating_each_secret_signs_and_a_receiver_knowing_either_accepts():
    new, old = new_secret(), new_secret()
    body = '{"type": "debtor.created", "data": {"id": "RGVidG9yOjE="}}'
    now = datetime.now(UTC)
    seconds = int(now.timestamp())

    signed = headers("msg_1", body, [new, old], now)

    assert signed["webhook-signature"].split(" ") == [
        hand_signature(new, "msg_1", seconds, body), hand_signature(old, "msg_1", seconds, body)
    ]
    for secret in (new, old):
        assert StandardWebhook(secret).verify(body, signed) == {
            "type": "debtor.created", "data": {"id": "RGVidG9yOjE="}
        }


def test_a_delivery_is_never_left_unsigned_or_at_a_moment_without_a_zone():
    with pytest.raises(ValueError, match="at least one secret"):
        headers("msg_1", "{}", [], datetime.now(UTC))
    with pytest.raises(ValueError, match="time zone"):
        headers("msg_1", "{}", [new_secret()], datetime(2026, 3, 1, 12, 0))
