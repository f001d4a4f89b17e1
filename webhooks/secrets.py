"""Webhook signing secrets: made as Standard Webhooks writes them, kept encrypted, rotated gently."""

from __future__ import annotations

import base64
import secrets
from datetime import datetime

from auth.secret_box import SecretBox
from models import Webhook

PREFIX = "whsec_"
SECRET_BYTES = 32


def new_secret() -> str:
    """`whsec_` and 32 random bytes in base64, the form Standard Webhooks verifiers read."""
    return PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def signing_secrets(webhook: Webhook, box: SecretBox, now: datetime) -> list[str]:
    """The secrets that sign a delivery now: the current one, and while a rotation's grace lasts
    the one before it. A secret no key of GATEHOUSE_SECRET_KEY opens is left out."""
    sealed = [webhook.secret_sealed]
    grace_until = webhook.previous_secret_until
    if webhook.previous_secret_sealed and grace_until is not None and grace_until > now:
        sealed.append(webhook.previous_secret_sealed)
    return [plain for item in sealed if (plain := box.decrypt(item)) is not None]
