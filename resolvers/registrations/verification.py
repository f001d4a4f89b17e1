"""Double opt-in (the shop's requireEmailVerification): the applicant confirms the email by the
mailed link, and requests never confirmed go after VERIFICATION_LIFETIME."""

from __future__ import annotations

from datetime import datetime

from tortoise.transactions import in_transaction

from auth.tokens import hash_token
from auth.viewer import Caller
from models import (
    ApprovalMode,
    OutboxMessage,
    RegistrationAnswer,
    RegistrationRequest,
    RegistrationStatus,
    WebhookEvent,
)
from resolvers import audit, webhook_events
from resolvers.errors import ErrorCode, UserInputError
from resolvers.registrations.submission import VERIFICATION_LIFETIME, review_or_provision
from resolvers.runtime import Runtime

# Who the audit log names for the requests that expired unconfirmed.
PURGE = Caller.system("unverified registration purge")
# A token is 43 characters; anything much longer is junk, not worth a lookup.
MAX_TOKEN_LENGTH = 128


def unusable_link() -> UserInputError:
    return UserInputError.of(ErrorCode.INVALID_TOKEN, "This link was used or has expired.", "token")


async def verify_registration_email(
    runtime: Runtime, caller: Caller, token: str
) -> RegistrationRequest | None:
    """The request whose link this is, now confirmed: PENDING with staff told (MANUAL mode), or
    APPROVED with its account (AUTOMATIC mode); None for a link unknown, used or expired.

    Of two calls with one link, even at once, one confirms (a conditional UPDATE claims it).
    """
    await runtime.limit("verifyRegistrationEmail", caller.client_address)
    found = await _unverified(runtime, token)
    if found is None:
        return None
    async with in_transaction():
        claimed = await RegistrationRequest.filter(
            id=found.id, status=RegistrationStatus.UNVERIFIED
        ).update(
            status=RegistrationStatus.PENDING, verification_token_hash=None, password_hash=None,
            # Still open: a second submission of the email answers as this one did.
            open_email=found.email,
        )
        if not claimed:
            return None
        request = await RegistrationRequest.get(id=found.id).select_related("shop")
        shop = request.shop
        await audit.record(caller, "registration.email_verified", request, shop=shop.handle)
        # The mode now decides: a shop that went MANUAL meanwhile reviews the request (and
        # forgets the password); one that went AUTOMATIC has no password to make the account
        # with, so its staff review it.
        automatic = shop.approval_mode is ApprovalMode.AUTOMATIC
        answers = await RegistrationAnswer.filter(request_id=request.id)
        await webhook_events.registration_event(
            runtime, WebhookEvent.REGISTRATION_VERIFIED, request, answers=answers
        )
        await review_or_provision(
            runtime, caller, shop, request, answers, found.password_hash if automatic else None
        )
    return request


async def _unverified(runtime: Runtime, token: str) -> RegistrationRequest | None:
    """The UNVERIFIED request the link of `token` confirms, unless it is too old."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    return await RegistrationRequest.filter(
        verification_token_hash=hash_token(token),
        status=RegistrationStatus.UNVERIFIED,
        submitted_at__gt=runtime.now() - VERIFICATION_LIFETIME,
    ).first()


async def purge_unverified_requests(runtime: Runtime) -> int:
    """Deletes the UNVERIFIED requests older than VERIFICATION_LIFETIME, with their answers and
    mails, each audited; returns how many went. Several instances may purge at once."""
    cutoff = runtime.now() - VERIFICATION_LIFETIME
    expired = await RegistrationRequest.filter(
        status=RegistrationStatus.UNVERIFIED, submitted_at__lte=cutoff
    ).order_by("id").values_list("id")
    deleted = 0
    for (pk,) in expired:
        deleted += await _delete_expired(runtime, pk, cutoff)
    return deleted


async def _delete_expired(runtime: Runtime, pk: int, cutoff: datetime) -> int:
    """1 when the request went, 0 when it was confirmed or deleted meanwhile."""
    async with in_transaction():
        # Locked, so a confirmation at this moment either waits and then finds it gone, or
        # has confirmed it first and it stays (PostgreSQL; SQLite runs one at a time).
        request = await RegistrationRequest.filter(
            id=pk, status=RegistrationStatus.UNVERIFIED, submitted_at__lte=cutoff
        ).select_for_update().first()
        if request is None:
            return 0
        # First: deleting the request would only unlink its mails (SET NULL), not delete them.
        await OutboxMessage.filter(registration_request_id=request.id).delete()
        await RegistrationRequest.filter(id=request.id).delete()
        await audit.record(
            PURGE, "registration.unverified_expired", request, name=request.name, email=request.email
        )
        await webhook_events.registration_deleted(runtime, request)
    return 1
