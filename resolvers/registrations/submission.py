"""The registration form's submission (rules 1 to 3 and 7 of docs/api.md): checked against the
shop's form, then a request to review, an account at once, or a word to the existing user."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from auth.form_tokens import FormTokenProblem
from auth.scopes import EVERY_SHOP
from auth.tokens import hash_token, new_token
from auth.viewer import Caller
from models import (
    ApprovalMode,
    RegistrationAnswer,
    RegistrationField,
    RegistrationRequest,
    RegistrationStatus,
    Shop,
    ShopUser,
)
from models.field_types import RegistrationFieldType
from models.normalise import username_key
from models.webhooks import WebhookEvent
from resolvers import audit, webhook_events
from resolvers import validation as check
from resolvers.answer_types import FieldRule, Normalised, check_answer
from resolvers.errors import ErrorCode, Problems
from resolvers.passwords import new_password
from resolvers.registration_fields import field_label, fields_of
from resolvers.registrations import notices
from resolvers.registrations.provisioning import provision
from resolvers.runtime import Runtime
from resolvers.shop_users import users_with_email
from resolvers.shops import offered_language, shop_by_handle

MAX_ANSWER_LENGTH = 2000
# How long a double opt-in link works; an UNVERIFIED request goes once it is older.
VERIFICATION_LIFETIME = timedelta(days=7)


@dataclass(frozen=True)
class GivenAnswer:
    """An answer as sent: `value`, or `values` for a MULTI_CHOICE (either may be None)."""

    key: str
    value: str | None = None
    values: Sequence[str] | None = None


@dataclass(frozen=True)
class Submission:
    shop_handle: str
    name: str
    email: str
    company: str | None = None
    language: str | None = None
    answers: Sequence[GivenAnswer] = ()
    password: str | None = None
    password_confirmation: str | None = None
    form_token: str | None = None


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
    answers: list[tuple[RegistrationField, Normalised]]


def _check_keys(problems: Problems, fields: list[RegistrationField], given: Sequence[GivenAnswer]) -> None:
    """Each field answered at most once, and no answer to a question the form does not ask."""
    keys = [answer.key for answer in given]
    known = {f.key for f in fields}
    for key in dict.fromkeys(keys):
        if key not in known:
            problems.invalid("This form asks no such question.", key[:64])
        elif keys.count(key) > 1:
            problems.invalid("Answer each question once.", key[:64])


def _checked_answers(
    problems: Problems,
    shop: Shop,
    language: str,
    fields: list[RegistrationField],
    given: Sequence[GivenAnswer],
) -> list[tuple[RegistrationField, Normalised]]:
    """Each answer checked by its field's type and normalised; the form's COUNTRY answer (else
    the shop's defaultCountry) is where phone and VAT numbers without a prefix are from."""
    _check_keys(problems, fields, given)
    by_key = {answer.key: answer for answer in given}
    country = shop.default_country
    # Countries first: a phone number further up the form may depend on one further down.
    ordered = sorted(fields, key=lambda f: f.type is not RegistrationFieldType.COUNTRY)
    checked: dict[str, Normalised] = {}
    for form_field in ordered:
        answer = by_key.get(form_field.key, GivenAnswer(form_field.key))
        rule = FieldRule(
            form_field.type, form_field.required, tuple(option["value"] for option in form_field.options)
        )
        label = field_label(form_field, language, shop.languages)
        normalised = check_answer(
            problems, rule, form_field.key, answer.value, answer.values,
            language=language, country=country, required=f"'{label}' is required.",
        )
        if normalised is None:
            continue
        checked[form_field.key] = normalised
        if form_field.type is RegistrationFieldType.COUNTRY:
            country = normalised.value
    return [(f, checked[f.key]) for f in fields if f.key in checked]


def _answer_rows(
    request: RegistrationRequest, shop: Shop, checked: list[tuple[RegistrationField, Normalised]]
) -> list[RegistrationAnswer]:
    """Each answer with a copy of its question as it is now: later edits change no answer."""
    rows = []
    for position, (form_field, answer) in enumerate(checked, start=1):
        chosen = {
            option["value"]: dict(option["labels"])
            for option in form_field.options
            if option["value"] in answer.values
        }
        rows.append(
            RegistrationAnswer(
                request=request, key=form_field.key, type=form_field.type,
                label=field_label(form_field, request.language, shop.languages),
                labels=dict(form_field.labels), option_labels=chosen,
                value=answer.value, values=list(answer.values), position=position,
            )
        )
    return rows


async def _checked(runtime: Runtime, caller: Caller, submission: Submission) -> _Checked:
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
    await _check_form_token(runtime, caller, problems, shop, submission.form_token)
    language = offered_language(problems, shop, (submission.language or "").strip() or shop.default_language)
    fields = await fields_of(shop.id)
    answers = _checked_answers(problems.at("answers"), shop, language, fields, submission.answers)
    _check_password(problems, shop, submission)
    problems.raise_if_any()
    return _Checked(shop, name, email, company, language, answers)


async def _check_form_token(
    runtime: Runtime, caller: Caller, problems: Problems, shop: Shop, token: str | None
) -> None:
    """With the shop's botProtection on, the formToken of a form read 2 s to 24 h ago for this
    shop; a refusal is audited (what was wrong with it), though the call changes nothing else."""
    if not shop.bot_protection or runtime.form_tokens is None:
        return
    problem = (
        runtime.form_tokens.check(token, shop.id, runtime.now()) if token else FormTokenProblem.FORGED
    )
    if problem is None:
        return
    problems.invalid(
        "Read the registration form again, and send it a few seconds later.", "formToken"
    )
    reason = problem.value if token else "MISSING"
    await audit.record(caller, "registration.form_token_refused", shop, shop=shop.handle, reason=reason)


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
    checked = await _checked(runtime, caller, submission)
    shop = checked.shop
    # Hashed even for an existing account, so the answer takes as long either way.
    password_hash = (
        await runtime.passwords.hash(submission.password or "")
        if shop.approval_mode is ApprovalMode.AUTOMATIC
        else None
    )
    existing = await users_with_email(shop.id, checked.email)
    if existing:
        async with in_transaction():
            await _tell_existing_user(runtime, caller, checked, existing)
        return Submitted()
    open_request = await _open_request_of(checked)
    if open_request is not None:
        return await _answer_as(caller, checked, open_request)
    try:
        async with in_transaction():
            return await _open_request(runtime, caller, checked, password_hash)
    except IntegrityError:
        # Another submission of this email opened its request between the look above and this
        # one's insert (the unique open_email): this one answers as that one did.
        return await _answer_as_the_open_request(caller, checked)


async def _open_request(
    runtime: Runtime, caller: Caller, checked: _Checked, password_hash: str | None
) -> Submitted:
    shop = checked.shop
    unverified = shop.require_email_verification
    verification_token = new_token() if unverified else None
    request = await RegistrationRequest.create(
        shop=shop, name=checked.name, email=checked.email, company=checked.company,
        language=checked.language,
        status=RegistrationStatus.UNVERIFIED if unverified else RegistrationStatus.PENDING,
        verification_token_hash=hash_token(verification_token) if verification_token else None,
        # Double opt-in in AUTOMATIC mode: the account is made once the email is confirmed.
        password_hash=password_hash if unverified else None,
    )
    answers = _answer_rows(request, shop, checked.answers)
    if answers:
        await RegistrationAnswer.bulk_create(answers)
    if verification_token is not None:
        # Staff hear of it only once the applicant has confirmed the address.
        await notices.ask_applicant_to_verify(
            runtime, shop, request, verification_token, valid_days=VERIFICATION_LIFETIME.days
        )
        await audit.record(caller, "registration.submitted_unverified", request, shop=shop.handle)
        await webhook_events.registration_event(
            runtime, WebhookEvent.REGISTRATION_SUBMITTED, request, answers=answers
        )
        return Submitted(request)
    if password_hash is None:
        await audit.record(caller, "registration.submitted", request, shop=shop.handle)
        await webhook_events.registration_event(
            runtime, WebhookEvent.REGISTRATION_SUBMITTED, request, answers=answers
        )
    return await review_or_provision(runtime, caller, shop, request, answers, password_hash)


async def review_or_provision(
    runtime: Runtime,
    caller: Caller,
    shop: Shop,
    request: RegistrationRequest,
    answers: Sequence[RegistrationAnswer],
    password_hash: str | None,
) -> Submitted:
    """What a PENDING request whose email needs no (more) confirming comes to; call inside its
    transaction. Without a password hash (MANUAL mode) it waits for staff, who are told, and
    so is the applicant; with one (AUTOMATIC mode) it is approved and the account made."""
    if password_hash is None:
        await notices.tell_staff_of_new_request(runtime, shop, request, answers)
        await notices.tell_applicant_request_received(runtime, shop, request)
        return Submitted(request)
    request.status, request.decided_at = RegistrationStatus.APPROVED, runtime.now()
    _, shop_user = await provision(runtime, shop, request, answers, password_hash=password_hash)
    await notices.welcome(runtime, shop, request, shop_user)
    await notices.tell_staff_account_created(runtime, shop, request, shop_user, answers)
    await audit.record(caller, "registration.approved_automatically", request, shop=shop.handle)
    await webhook_events.registration_event(
        runtime, WebhookEvent.REGISTRATION_APPROVED, request, answers=answers
    )
    return Submitted(request, shop_user)


async def _open_request_of(checked: _Checked) -> RegistrationRequest | None:
    return await RegistrationRequest.filter(shop_id=checked.shop.id, open_email=checked.email).first()


async def _answer_as_the_open_request(caller: Caller, checked: _Checked) -> Submitted:
    """The submission that lost the race to open a request answers as the one that won."""
    request = await _open_request_of(checked)
    if request is None:  # decided and closed in between: the caller may submit again
        raise check.invalid("Send the form again.", "email")
    return await _answer_as(caller, checked, request)


async def _answer_as(caller: Caller, checked: _Checked, request: RegistrationRequest) -> Submitted:
    """One open request per email and shop: a second submission makes nothing and sends no
    mail (that would let anyone flood an inbox); the open `request` is what it answers with."""
    await audit.record(
        caller, "registration.submitted_again", request, shop=checked.shop.handle, email=checked.email
    )
    return Submitted(request)


async def _tell_existing_user(
    runtime: Runtime, caller: Caller, checked: _Checked, users: list[ShopUser]
) -> None:
    """Rule 7 of docs/api.md: no request; the user gets sign-in and reset links, unless excluded."""
    now = runtime.now()
    admitted = [user for user in users if not user.is_excluded_at(now)]
    user = admitted[0] if admitted else users[0]
    if admitted:
        await notices.tell_existing_user(runtime, checked.shop, user, checked.email)
    await audit.record(
        caller, "registration.existing_account", user, shop=checked.shop.handle, email=checked.email
    )
