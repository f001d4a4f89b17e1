"""Self-registration (rules 1 to 7 of docs/api.md): the form's submission and staff decisions."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from auth.scopes import EVERY_SHOP, ShopScope
from auth.viewer import Caller
from mail.outbox import enqueue
from models import (
    ApprovalMode,
    ContactPerson,
    Debtor,
    OutboxMessage,
    OutboxStatus,
    RegistrationAnswer,
    RegistrationField,
    RegistrationRequest,
    RegistrationStatus,
    Shop,
    ShopUser,
)
from models.normalise import username_key
from resolvers import audit
from resolvers import validation as check
from resolvers.debtors import find_debtor, insert_debtor, search_term
from resolvers.errors import ErrorCode, Problem, Problems, UserInputError
from resolvers.invitations import send_invitation
from resolvers.links import sign_in_url
from resolvers.matching import clues_of, matching_debtors
from resolvers.pagination import Page, newest_first
from resolvers.password_resets import new_reset_link
from resolvers.passwords import new_password
from resolvers.registration_fields import fields_of
from resolvers.reminders import review_url, strike_from_digests
from resolvers.runtime import Pause, Runtime, no_pause
from resolvers.shop_users import users_with_email
from resolvers.shops import offered_language, shop_by_handle, shop_if_any

MAX_ANSWER_LENGTH = 2000
MAX_BULK = 500


@dataclass(frozen=True)
class Submission:
    shop_handle: str
    name: str
    email: str
    company: str | None = None
    language: str | None = None
    answers: Sequence[tuple[str, str]] = ()
    password: str | None = None
    password_confirmation: str | None = None


@dataclass(frozen=True)
class Submitted:
    """What a submission made; both None when the email already had an account (rule 7 of docs/api.md)."""

    request: RegistrationRequest | None = None
    shop_user: ShopUser | None = None


@dataclass(frozen=True)
class _Checked:
    shop: Shop
    name: str
    email: str
    company: str | None
    language: str
    answers: list[tuple[RegistrationField, str]]


def _check_answers(
    problems: Problems, fields: list[RegistrationField], given: Sequence[tuple[str, str]]
) -> None:
    """Each field answered once, and no answer to a question the form does not ask."""
    keys = [key for key, _ in given]
    known = {f.key for f in fields}
    for key in dict.fromkeys(keys):
        if key not in known:
            problems.invalid("This form asks no such question.", key[:64])
        elif keys.count(key) > 1:
            problems.invalid("Answer each question once.", key[:64])
    values = dict(given)
    for form_field in fields:
        check.required_text(
            problems, values.get(form_field.key) or "", form_field.key,
            max_length=MAX_ANSWER_LENGTH, required=f"'{form_field.label}' is required.",
        )


async def _checked(submission: Submission) -> _Checked:
    """The submission checked against the shop's form; every problem at once."""
    problems = Problems()
    name = check.required_text(problems, submission.name, "name", max_length=200)
    email = check.email_address(problems, submission.email, "email")
    # The email becomes the username.
    if not problems.has("email") and not check.fits_column(ShopUser, "username_key", username_key(email)):
        problems.invalid("Use an email of at most 150 characters.", "email")
    company = check.optional_text(problems, submission.company, "company", max_length=200)
    # The public form: any shop's, whoever sends it.
    shop = await shop_by_handle(submission.shop_handle, problems, scope=EVERY_SHOP)
    if not shop.registration_enabled:
        problems.add(ErrorCode.REGISTRATION_DISABLED, "This shop does not take registrations.", "shop")
        raise problems.error()
    language = offered_language(problems, shop, (submission.language or "").strip() or shop.default_language)
    fields = await fields_of(shop.id)
    _check_answers(problems.at("answers"), fields, submission.answers)
    _check_password(problems, shop, submission)
    problems.raise_if_any()
    values = dict(submission.answers)
    answers = [(f, values[f.key].strip()) for f in fields]
    return _Checked(shop, name, email, company, language, answers)


def _check_password(problems: Problems, shop: Shop, submission: Submission) -> None:
    if shop.approval_mode is ApprovalMode.MANUAL:
        if submission.password:
            problems.invalid(
                "This shop reviews registrations first; the invitation lets you choose a password.",
                "password",
            )
    elif not submission.password:
        problems.add(ErrorCode.FIELD_REQUIRED, "Choose a password.", "password")
    elif submission.password_confirmation is None:
        problems.add(ErrorCode.FIELD_REQUIRED, "Type the password twice.", "passwordConfirmation")
    else:
        new_password(
            problems, submission.password, submission.password_confirmation,
            user_inputs=[submission.email, submission.name, submission.company or "", shop.name],
        )


async def submit_registration(runtime: Runtime, caller: Caller, submission: Submission) -> Submitted:
    await runtime.limit("submitRegistration", caller.client_address)
    checked = await _checked(submission)
    shop = checked.shop
    # Hashed even for an existing account, so the answer takes as long either way.
    password_hash = (
        await runtime.passwords.hash(submission.password or "")
        if shop.approval_mode is ApprovalMode.AUTOMATIC
        else None
    )
    existing = await users_with_email(shop.id, checked.email)
    async with in_transaction():
        if existing:
            await _tell_existing_user(runtime, caller, checked, existing)
            return Submitted()
        request = await RegistrationRequest.create(
            shop=shop, name=checked.name, email=checked.email, company=checked.company,
            language=checked.language,
        )
        answers = [
            RegistrationAnswer(request=request, key=f.key, label=f.label, value=value, position=index)
            for index, (f, value) in enumerate(checked.answers, start=1)
        ]
        if answers:
            await RegistrationAnswer.bulk_create(answers)
        if password_hash is None:
            await _queue_review(runtime, shop, request, answers)
            await audit.record(caller, "registration.submitted", request, shop=shop.handle)
            return Submitted(request)
        request.status, request.decided_at = RegistrationStatus.APPROVED, runtime.now()
        _, shop_user = await _provision(runtime, shop, request, answers, password_hash=password_hash)
        await _queue_welcome(runtime, shop, request, shop_user, answers)
        await audit.record(caller, "registration.approved_automatically", request, shop=shop.handle)
        return Submitted(request, shop_user)


async def _tell_existing_user(
    runtime: Runtime, caller: Caller, checked: _Checked, users: list[ShopUser]
) -> None:
    """Rule 7 of docs/api.md: no request; the user gets sign-in and reset links, unless excluded."""
    now = runtime.now()
    admitted = [user for user in users if not user.is_excluded_at(now)]
    user = admitted[0] if admitted else users[0]
    if admitted:
        await enqueue(
            recipient=checked.email,
            template="already_registered",
            language=user.language,
            context={
                "shop_name": checked.shop.name,
                "name": user.contact.full_name,
                "sign_in_url": sign_in_url(runtime, checked.shop),
                "reset_url": await new_reset_link(runtime, user),
            },
            now=now,
            shop_id=checked.shop.id,
        )
    await audit.record(
        caller, "registration.existing_account", user, shop=checked.shop.handle, email=checked.email
    )


def _answer_lines(answers: Sequence[RegistrationAnswer]) -> list[dict[str, str]]:
    return [{"label": a.label, "value": a.value} for a in answers]


async def _queue_review(
    runtime: Runtime, shop: Shop, request: RegistrationRequest, answers: Sequence[RegistrationAnswer]
) -> None:
    now = runtime.now()
    if shop.notification_email:
        await enqueue(
            recipient=shop.notification_email,
            template="staff_new_request",
            language=shop.default_language,
            context={
                "shop_name": shop.name, "name": request.name, "email": request.email,
                "company": request.company, "request_language": request.language,
                "answers": _answer_lines(answers), "review_url": review_url(runtime, shop),
            },
            now=now,
            about_request=request,
            shop_id=shop.id,
        )
    await enqueue(
        recipient=request.email,
        template="request_received",
        language=request.language,
        context={"shop_name": shop.name, "name": request.name},
        now=now,
        about_request=request,
        shop_id=shop.id,
    )


async def _queue_welcome(
    runtime: Runtime,
    shop: Shop,
    request: RegistrationRequest,
    shop_user: ShopUser,
    answers: Sequence[RegistrationAnswer],
) -> None:
    now = runtime.now()
    await enqueue(
        recipient=request.email,
        template="welcome",
        language=request.language,
        context={
            "shop_name": shop.name, "name": request.name, "username": shop_user.username,
            "sign_in_url": sign_in_url(runtime, shop),
        },
        now=now,
        shop_id=shop.id,
    )
    if shop.notification_email:
        await enqueue(
            recipient=shop.notification_email,
            template="staff_account_created",
            language=shop.default_language,
            context={
                "shop_name": shop.name, "name": request.name, "email": request.email,
                "company": request.company, "answers": _answer_lines(answers),
                "account_url": runtime.dashboard_url(f"/shops/{shop.handle}/shop-users/{shop_user.id}"),
            },
            now=now,
            about_request=request,
            shop_id=shop.id,
        )


def _has_account() -> UserInputError:
    return UserInputError.of(ErrorCode.ALREADY_HAS_ACCOUNT, "This customer has a user in this shop already.")


def _merged_tags(*groups: Sequence[str]) -> list[str]:
    merged: list[str] = []
    for group in groups:
        merged += [tag for tag in group if tag not in merged]
    return merged


def _split_name(name: str) -> tuple[str, str]:
    first, _, last = name.strip().partition(" ")
    return first[:100], last.strip()[:100]


async def _provision(
    runtime: Runtime,
    shop: Shop,
    request: RegistrationRequest,
    answers: Sequence[RegistrationAnswer],
    *,
    debtor: Debtor | None = None,
    extra_tags: Sequence[str] = (),
    password_hash: str | None = None,
    after_checks: Pause = no_pause,
) -> tuple[Debtor, ShopUser]:
    """Links or makes the debtor and contact, makes the shop user, records them on the request.

    Call inside the transaction that decided the request; `after_checks` is awaited just
    before the shop user is inserted.
    """
    if debtor is None:
        matches = (await matching_debtors([clues_of(request, answers)]))[0]
        debtor = matches[0] if matches else None
    tags = _merged_tags(debtor.price_list_tags if debtor else [], shop.default_price_list_tags, extra_tags)
    if debtor is None:
        debtor = await insert_debtor(
            {"name": request.company or request.name, "email": request.email, "price_list_tags": tags}
        )
    elif tags != debtor.price_list_tags:
        debtor.price_list_tags = tags
        await debtor.save(update_fields=["price_list_tags", "updated_at"])
    contact = await ContactPerson.filter(debtor_id=debtor.id, email=request.email).first()
    if contact is None:
        first_name, last_name = _split_name(request.name)
        contact = await ContactPerson.create(
            debtor=debtor, first_name=first_name, last_name=last_name,
            email=request.email, language=request.language,
        )
    taken = await ShopUser.filter(shop_id=shop.id, contact_id=contact.id).exists()
    if taken or await users_with_email(shop.id, request.email):
        raise _has_account()
    await after_checks()
    now = runtime.now()
    try:
        shop_user = await ShopUser.create(
            shop=shop, contact=contact, username=request.email, language=request.language,
            password_hash=password_hash, activated_at=now if password_hash else None,
            password_changed_at=now if password_hash else None,
        )
    except IntegrityError:
        # Another approval of the same customer won the race; the unique index told us.
        raise _has_account() from None
    request.debtor, request.shop_user = debtor, shop_user
    await request.save()
    shop_user.contact = contact
    return debtor, shop_user


@dataclass
class BulkResult:
    """Per-id outcome of a bulk decision: what succeeded, and problems at ["ids", "<index>"]."""

    requests: list[RegistrationRequest] = field(default_factory=list)
    deleted_pks: list[int] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def refuse(self, index: int, error: UserInputError) -> None:
        """Keeps each of the id's problems, at that id."""
        self.problems += [replace(problem, field=("ids", str(index))) for problem in error.problems]


def _check_bulk(problems: Problems, pks: Sequence[int | None]) -> None:
    if not pks:
        problems.invalid("Name at least one request.", "ids")
    elif len(pks) > MAX_BULK:
        problems.invalid(f"Decide at most {MAX_BULK} requests at once.", "ids")


async def _decide_each(
    pks: Sequence[int | None], decide: Callable[[int | None], Awaitable[RegistrationRequest]]
) -> BulkResult:
    """Decides each request on its own; a refusal is kept at its index and the rest go on."""
    result = BulkResult()
    for index, pk in enumerate(pks):
        try:
            result.requests.append(await decide(pk))
        except UserInputError as error:
            result.refuse(index, error)
    return result


def _requests(caller: Caller, **conditions: Any) -> QuerySet[RegistrationRequest]:
    """The requests of the caller's shops that meet `conditions`: another shop's read as missing."""
    return caller.scope.applied(RegistrationRequest.filter(**conditions))


async def _not_claimed(caller: Caller, pk: int | None) -> UserInputError:
    """Why a request could not be moved on: it is gone (or another shop's), or decided already."""
    if pk is not None and await _requests(caller, id=pk).exists():
        return UserInputError.of(ErrorCode.ALREADY_DECIDED, "This request was decided already.")
    return UserInputError.of(ErrorCode.NOT_FOUND, "No such registration request.")


def _decider_id(caller: Caller) -> int | None:
    return caller.viewer.admin.id if caller.viewer is not None and caller.viewer.admin else None


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
    _check_bulk(problems, pks)
    extra_tags = check.tag_list(problems, list(price_list_tags or []), "priceListTags")
    if debtor_given and await find_debtor(debtor_pk) is None:
        problems.add(ErrorCode.NOT_FOUND, "No such debtor.", "debtorId")
    problems.raise_if_any()
    named_debtor = debtor_pk if debtor_given else None
    return await _decide_each(
        pks, lambda pk: _approve_one(runtime, caller, pk, named_debtor, extra_tags, after_checks)
    )


async def _approve_one(
    runtime: Runtime,
    caller: Caller,
    pk: int | None,
    debtor_pk: int | None,
    extra_tags: list[str],
    after_checks: Pause,
) -> RegistrationRequest:
    async with in_transaction():
        claimed = pk is not None and await _requests(
            caller, id=pk, status__in=[RegistrationStatus.PENDING, RegistrationStatus.REJECTED]
        ).update(
            status=RegistrationStatus.APPROVED, decided_at=runtime.now(),
            decided_by_id=_decider_id(caller), rejection_reason=None,
        )
        if not claimed:
            raise await _not_claimed(caller, pk)
        request = await RegistrationRequest.get(id=pk).select_related("shop")
        answers = await RegistrationAnswer.filter(request_id=request.id)
        # Read afresh in this transaction: an earlier id's rolled-back changes must not linger.
        debtor = await find_debtor(debtor_pk)
        debtor, shop_user = await _provision(
            runtime, request.shop, request, answers,
            debtor=debtor, extra_tags=extra_tags, after_checks=after_checks,
        )
        await send_invitation(runtime, shop_user, request.shop, shop_user.contact)
        await audit.record(
            caller, "registration.approved", request, debtor=debtor.number, shop_user=shop_user.id
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
    _check_bulk(problems, pks)
    reason = check.optional_text(problems, reason, "reason", max_length=2000)
    problems.raise_if_any()
    return await _decide_each(pks, lambda pk: _reject_one(runtime, caller, pk, reason, notify_customer))


async def _reject_one(
    runtime: Runtime, caller: Caller, pk: int | None, reason: str | None, notify_customer: bool | None
) -> RegistrationRequest:
    now = runtime.now()
    async with in_transaction():
        claimed = pk is not None and await _requests(
            caller, id=pk, status=RegistrationStatus.PENDING
        ).update(
            status=RegistrationStatus.REJECTED, decided_at=now,
            decided_by_id=_decider_id(caller), rejection_reason=reason,
        )
        if not claimed:
            raise await _not_claimed(caller, pk)
        request = await RegistrationRequest.get(id=pk).select_related("shop")
        shop = request.shop
        notify = shop.notify_customer_on_rejection if notify_customer is None else notify_customer
        if notify:
            await enqueue(
                recipient=request.email,
                template="rejection",
                language=request.language,
                context={"shop_name": shop.name, "name": request.name, "reason": reason},
                now=now,
                about_request=request,
                shop_id=shop.id,
            )
        await audit.record(caller, "registration.rejected", request, reason=reason, notified=notify)
    return request


async def delete_registrations(caller: Caller, pks: Sequence[int | None]) -> BulkResult:
    """The requests are gone, with the mails about them; only the audit log remembers who
    asked and who deleted."""
    problems = Problems()
    _check_bulk(problems, pks)
    problems.raise_if_any()
    result = BulkResult()
    for index, pk in enumerate(pks):
        async with in_transaction():
            # Locked, so a rejection or digest written at this moment waits and is seen, or
            # finds the request gone (PostgreSQL; SQLite runs one transaction at a time).
            request = None
            if pk is not None:
                request = await _requests(caller, id=pk).select_for_update().first()
            if request is None:
                result.refuse(index, UserInputError.of(ErrorCode.NOT_FOUND, "No such registration request."))
                continue
            await _forget_mails_about(request)
            await RegistrationRequest.filter(id=request.id).delete()
            await audit.record(
                caller, "registration.deleted", request,
                name=request.name, email=request.email, status=request.status.value,
            )
            result.deleted_pks.append(request.id)
    return result


# Mails a deleted request still owes: the applicant's rejection notice (rule 5 of docs/api.md) and, for an
# automatic registration, staff's news of the account it made (rule 3 of docs/api.md). They are sent, then
# forgotten; the rest (staff notices, a "received" note perhaps to a forged address) go now.
OWED_AFTER_DELETION = ("rejection", "staff_account_created")


async def _forget_mails_about(request: RegistrationRequest) -> None:
    mails = OutboxMessage.filter(registration_request_id=request.id)
    await mails.filter(status=OutboxStatus.QUEUED, template__in=OWED_AFTER_DELETION).update(
        forget_once_sent=True
    )
    await mails.filter(forget_once_sent=False).delete()
    await strike_from_digests(request)


async def search_registration_requests(
    scope: ShopScope,
    shop_handle: str | None,
    status: RegistrationStatus | None,
    search: str | None,
    first: int | None,
    after: str | None,
) -> Page[RegistrationRequest]:
    """Requests of the scope's shops by shop and status; `search` looks in name, email and
    company. Newest first. A shop outside the scope is NOT_FOUND, like an unknown one."""
    requests = scope.applied(RegistrationRequest.all())
    problems = Problems()
    # In the arguments' order, so an unknown shop speaks first, as a client reading one code expects.
    shop = await shop_if_any(shop_handle, problems, scope=scope) if shop_handle is not None else None
    term = search_term(problems, search)
    if shop is not None:
        requests = requests.filter(shop_id=shop.id)
    if status is not None:
        requests = requests.filter(status=status)
    if term is not None:
        requests = requests.filter(
            Q(name__icontains=term) | Q(email__icontains=term) | Q(company__icontains=term)
        )
    return await newest_first(requests, first, after, problems)
