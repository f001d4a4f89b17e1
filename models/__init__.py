"""Tortoise models of Gatehouse, one module per aggregate.

Models hold data, normalisation and database constraints; the use cases live
in `resolvers/`.
"""

from __future__ import annotations

from models.accounts import AdminUser, CompanyRole, ShopUser, ShopUserStatus, StaffRole
from models.audit import ActorKind, AuditEvent
from models.debtors import ContactPerson, Debtor, MergedDebtor
from models.outbox import OutboxMessage, OutboxStatus
from models.registrations import (
    RegistrationAnswer,
    RegistrationRequest,
    RegistrationStatus,
)
from models.sessions import MfaRecoveryCode, OneTimeToken, Session, TokenPurpose
from models.shops import ApprovalMode, RegistrationField, Shop
from models.webhooks import Webhook, WebhookDelivery, WebhookDeliveryStatus, WebhookEvent, WebhookMessage

# The modules Tortoise scans for models; aerich keeps its own table beside them.
MODEL_MODULES = [
    "models.shops",
    "models.debtors",
    "models.accounts",
    "models.sessions",
    "models.registrations",
    "models.outbox",
    "models.audit",
    "models.webhooks",
]

__all__ = [
    "MODEL_MODULES",
    "ActorKind",
    "AdminUser",
    "ApprovalMode",
    "AuditEvent",
    "CompanyRole",
    "ContactPerson",
    "Debtor",
    "MergedDebtor",
    "MfaRecoveryCode",
    "OneTimeToken",
    "OutboxMessage",
    "OutboxStatus",
    "RegistrationAnswer",
    "RegistrationField",
    "RegistrationRequest",
    "RegistrationStatus",
    "Session",
    "Shop",
    "ShopUser",
    "ShopUserStatus",
    "StaffRole",
    "TokenPurpose",
    "Webhook",
    "WebhookDelivery",
    "WebhookDeliveryStatus",
    "WebhookEvent",
    "WebhookMessage",
]

# Registers the signals through which saves and deletes tell the caches (models/changes.py).
import models.changes  # noqa: E402, F401
