"""Deleting registration requests for good, with the mails about them (rule 6 of docs/api.md)."""

from __future__ import annotations

from collections.abc import Sequence

from tortoise.transactions import in_transaction

from auth.viewer import Caller
from mail.template_names import MailTemplate
from models import OutboxMessage, OutboxStatus, RegistrationRequest
from resolvers import audit, webhook_events
from resolvers.errors import Problems
from resolvers.registrations.bulk import BulkResult, check_bulk, each_on_its_own, no_such_request, requests_of
from resolvers.reminders import strike_from_digests
from resolvers.runtime import Runtime

# Mails a deleted request still owes: the applicant's rejection notice (rule 5 of docs/api.md) and, for an
# automatic registration, staff's news of the account it made (rule 3 of docs/api.md). They are sent, then
# forgotten; the rest (staff notices, a "received" note perhaps to a forged address) go now.
OWED_AFTER_DELETION = (MailTemplate.REJECTION, MailTemplate.STAFF_ACCOUNT_CREATED)


async def delete_registrations(runtime: Runtime, caller: Caller, pks: Sequence[int | None]) -> BulkResult:
    """The requests are gone, with the mails about them; only the audit log remembers who
    asked and who deleted."""
    problems = Problems()
    check_bulk(problems, pks)
    problems.raise_if_any()
    deleted, refused = await each_on_its_own(pks, lambda pk: _delete_one(caller, pk, runtime))
    return BulkResult(deleted_pks=deleted, problems=refused)


async def _delete_one(caller: Caller, pk: int | None, runtime: Runtime) -> int:
    async with in_transaction():
        # Locked, so a rejection or digest written at this moment waits and is seen, or
        # finds the request gone (PostgreSQL; SQLite runs one transaction at a time).
        request = await requests_of(caller, id=pk).select_for_update().first() if pk is not None else None
        if request is None:
            raise no_such_request()
        await forget_mails_about([request])
        await RegistrationRequest.filter(id=request.id).delete()
        await audit.record(
            caller, "registration.deleted", request,
            name=request.name, email=request.email, status=request.status.value,
        )
        await webhook_events.registration_deleted(runtime, request)
    return request.id


async def forget_mails_about(requests: Sequence[RegistrationRequest]) -> None:
    """Rule 6 of docs/api.md for the mails of requests being deleted: they go, except the owed
    ones still queued, which are sent and then forgotten; and the requests are struck from the
    reminder digests that listed them (a digest left empty goes)."""
    mails = OutboxMessage.filter(registration_request_id__in=[request.id for request in requests])
    await mails.filter(status=OutboxStatus.QUEUED, template__in=OWED_AFTER_DELETION).update(
        forget_once_sent=True
    )
    await mails.filter(forget_once_sent=False).delete()
    await strike_from_digests(requests)
