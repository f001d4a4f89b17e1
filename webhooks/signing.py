"""The Standard Webhooks headers of one delivery attempt: its id, its moment and its signatures.

Each signature is `v1,` and the base64 HMAC-SHA256 of "{id}.{timestamp}.{body}" under one
secret (the `standardwebhooks` package computes it, so receivers' libraries agree with it);
while a secret is being rotated both sign, space-separated, and a receiver that knows
either accepts the delivery.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, datetime

from standardwebhooks.webhooks import Webhook as StandardWebhook

ID_HEADER = "webhook-id"
TIMESTAMP_HEADER = "webhook-timestamp"
SIGNATURE_HEADER = "webhook-signature"


def headers(message_id: str, body: str, secrets: Sequence[str], at: datetime) -> dict[str, str]:
    """The headers that let a receiver check `body` came from Gatehouse at `at` (an aware
    moment: the attempt's, so each retry is signed anew) and drop it when `message_id` was
    seen before."""
    if not secrets:
        raise ValueError("a delivery is signed with at least one secret")
    if at.tzinfo is None:
        raise ValueError("a delivery's moment must carry its time zone")
    seconds = math.floor(at.timestamp())
    # The package reads its moment as UTC whatever its zone says: hand it the UTC one.
    moment = datetime.fromtimestamp(seconds, UTC)
    signatures = [StandardWebhook(secret).sign(message_id, moment, body) for secret in secrets]
    return {
        ID_HEADER: message_id,
        TIMESTAMP_HEADER: str(seconds),
        SIGNATURE_HEADER: " ".join(signatures),
    }
