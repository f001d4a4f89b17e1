"""Staff decisions on registration requests: approving and rejecting, one or many at once."""

from __future__ import annotations

from collections.abc import Sequence

from tortoise.transactions import in_transaction

from auth.viewer import Caller
from models import RegistrationAnswer, RegistrationRequest, RegistrationStatus, WebhookEvent
from resolvers import audit, webhook_events
from resolvers import validation as check
from resolvers.debtors import find_debtor
from resolvers.errors import ErrorCode, Problems, UserInputError
from resolvers.invitations import send_invitation
from resolvers.registrations.bulk import BulkResult, check_bulk, each_on_its_own, no_such_request, requests_of
from resolvers.registrations.notices import tell_rejection
from resolvers.registrations.provisioning import provision
from resolvers.runtime import Pause, Runtime, no_pause


async def _not_claimed(caller: Caller, pk: int | None) -> UserInputError:
    """Why a request could not be moved on: it is gone (or another shop's), still waits for its
    applicant to confirm the email, or was decided already."""
    request = await requests_of(caller, id=pk).first() if pk is not None else None
    if request is None:
        return no_such_request()
    if request.status is RegistrationStatus.UNVERIFIED:
        return UserInputError.of(ErrorCode.NOT_VERIFIED, "The applicant has not confirmed their email yet.")
    return UserInputError.of(ErrorCode.ALREADY_DECIDED, "This request was decided already.")


def _decider_id(caller: Caller) -> int | None:
    return caller.viewer.admin.id if caller.viewer is not None and caller.viewer.admin else None


async def _claimed(
    runtime: Runtime,
    caller: Caller,
    pk: int | None,
    deciding: list[RegistrationStatus],
    decision: RegistrationStatus,
    *,
    rejection_reason: str | None,
) -> RegistrationRequest:
    """The request, moved from one of the `deciding` statuses to `decision` by one conditional
    UPDATE, so of two callers deciding it at once one wins; call inside the decision's transaction."""
    claimed = pk is not None and await requests_of(caller, id=pk, status__in=deciding).update(
        status=decision, decided_at=runtime.now(),
        decided_by_id=_decider_id(caller), rejection_reason=rejection_reason,
        # A decided request is no longer open: the applicant may submit the form again.
        open_email=None,
    )
    if not claimed:
        raise await _not_claimed(caller, pk)
    return await RegistrationRequest.get(id=pk).select_related("shop")


async def approve_registrations(
    runtime: Runtime,
    caller: Caller,
    pks: Sequence[int | None],
    *,
    debtor_pk: int | None = None,
    debtor_given: bool = False,
    price_list_tags: Sequence[str] | None = None,
    after_checks: Pause = no_pause,
) -> BulkResult:
    """Each request on its own: claimed from PENDING or REJECTED by one conditional UPDATE,
    so two dashboards approving at once make one account and one invitation.

    `after_checks` is awaited by each approval that claimed its request and passed every
    check, inside its transaction, just before the shop user is inserted."""
    problems = Problems()
    check_bulk(problems, pks)
    extra_tags = check.tag_list(problems, list(price_list_tags or []), "priceListTags")
    if debtor_given and await find_debtor(debtor_pk) is None:
        problems.add(ErrorCode.NOT_FOUND, "No such debtor.", "debtorId")
    problems.raise_if_any()
    named_debtor = debtor_pk if debtor_given else None
    approved, refused = await each_on_its_own(
        pks, lambda pk: _approve_one(runtime, caller, pk, named_debtor, extra_tags, after_checks)
    )
    return BulkResult(requests=approved, problems=refused)


async def _approve_one(
    runtime: Runtime,
    caller: Caller,
    pk: int | None,
    debtor_pk: int | None,
    extra_tags: list[str],
    after_checks: Pause,
) -> RegistrationRequest:
    async with in_transaction():
        request = await _claimed(
            runtime, caller, pk, [RegistrationStatus.PENDING, RegistrationStatus.REJECTED],
            RegistrationStatus.APPROVED, rejection_reason=None,
        )
        answers = await RegistrationAnswer.filter(request_id=request.id)
        # Read afresh in this transaction: an earlier id's rolled-back changes must not linger.
        debtor = await find_debtor(debtor_pk)
        debtor, shop_user = await provision(
            runtime, request.shop, request, answers,
            debtor=debtor, extra_tags=extra_tags, after_checks=after_checks,
        )
        await send_invitation(runtime, shop_user, request.shop, shop_user.contact)
        await audit.record(
            caller, "registration.approved", request, debtor=debtor.number, shop_user=shop_user.id
        )
        await webhook_events.registration_event(
            runtime, WebhookEvent.REGISTRATION_APPROVED, request, answers=answers
        )
    return request


async def reject_registrations(
    runtime: Runtime,
    caller: Caller,
    pks: Sequence[int | None],
    *,
    reason: str | None = None,
    notify_customer: bool | None = None,
) -> BulkResult:
    """PENDING requests become REJECTED, kept with the reason; the customer is told unless
    the call (or else the shop) says not to."""
    problems = Problems()
    check_bulk(problems, pks)
    reason = check.optional_text(problems, reason, "reason", max_length=2000)
    problems.raise_if_any()
    rejected, refused = await each_on_its_own(
        pks, lambda pk: _reject_one(runtime, caller, pk, reason, notify_customer)
    )
    return BulkResult(requests=rejected, problems=refused)


async def _reject_one(
    runtime: Runtime, caller: Caller, pk: int | None, reason: str | None, notify_customer: bool | None
) -> RegistrationRequest:
    async with in_transaction():
        request = await _claimed(
            runtime, caller, pk, [RegistrationStatus.PENDING], RegistrationStatus.REJECTED,
            rejection_reason=reason,
        )
        shop = request.shop
        notify = shop.notify_customer_on_rejection if notify_customer is None else notify_customer
        if notify:
            await tell_rejection(runtime, shop, request, reason)
        await audit.record(caller, "registration.rejected", request, reason=reason, notified=notify)
        await webhook_events.registration_event(runtime, WebhookEvent.REGISTRATION_REJECTED, request)
    return request
