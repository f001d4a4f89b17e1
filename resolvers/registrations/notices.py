"""The mails of self-registration, one function a notice: each builds its mail's context.

Call them inside the use case's transaction, as mail.outbox.enqueue asks.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mail.outbox import enqueue
from mail.template_names import MailTemplate
from models import RegistrationAnswer, RegistrationRequest, Shop, ShopUser
from resolvers.links import registration_verification_url, review_url, shop_user_url, sign_in_url
from resolvers.password_resets import new_reset_link
from resolvers.runtime import Runtime
from resolvers.shown_answers import answer_label, shown_answer


async def _to_applicant(
    runtime: Runtime, shop: Shop, request: RegistrationRequest, template: MailTemplate, **context: Any
) -> None:
    """A mail about `request` to its applicant, in their language; deleted with the request."""
    await enqueue(
        recipient=request.email,
        template=template,
        language=request.language,
        context={"shop_name": shop.name, "name": request.name, **context},
        now=runtime.now(),
        about_request=request,
        shop_id=shop.id,
    )


def answer_lines(answers: Sequence[RegistrationAnswer], language: str) -> list[dict[str, str]]:
    """The answers as a mail in `language` shows them: the question's label and the answer as
    read in that language."""
    return [
        {"label": answer_label(answer, language), "value": shown_answer(answer, language)}
        for answer in answers
    ]


async def _to_staff(
    runtime: Runtime,
    shop: Shop,
    request: RegistrationRequest,
    answers: Sequence[RegistrationAnswer],
    template: MailTemplate,
    **context: Any,
) -> None:
    """A mail about `request` and its answers to the shop's notification email, if it has one."""
    if not shop.notification_email:
        return
    await enqueue(
        recipient=shop.notification_email,
        template=template,
        language=shop.default_language,
        context={
            "shop_name": shop.name, "name": request.name, "email": request.email,
            "company": request.company, "answers": answer_lines(answers, shop.default_language),
            **context,
        },
        now=runtime.now(),
        about_request=request,
        shop_id=shop.id,
    )


async def tell_staff_of_new_request(
    runtime: Runtime, shop: Shop, request: RegistrationRequest, answers: Sequence[RegistrationAnswer]
) -> None:
    """The request waits for a decision: what it says, and a link to review it."""
    await _to_staff(
        runtime, shop, request, answers, MailTemplate.STAFF_NEW_REQUEST,
        request_language=request.language, review_url=review_url(runtime, shop),
    )


async def tell_applicant_request_received(runtime: Runtime, shop: Shop, request: RegistrationRequest) -> None:
    await _to_applicant(runtime, shop, request, MailTemplate.REQUEST_RECEIVED)


async def ask_applicant_to_verify(
    runtime: Runtime, shop: Shop, request: RegistrationRequest, token: str, *, valid_days: int
) -> None:
    """Double opt-in: the link that confirms the applicant's email, working `valid_days` days."""
    await _to_applicant(
        runtime, shop, request, MailTemplate.VERIFY_REGISTRATION,
        verification_url=registration_verification_url(runtime, shop, token), valid_days=valid_days,
    )


async def welcome(runtime: Runtime, shop: Shop, request: RegistrationRequest, shop_user: ShopUser) -> None:
    """The applicant's account is ready (automatic approval): their username and where to sign in.
    Not deleted with the request: the account stays."""
    await enqueue(
        recipient=request.email,
        template=MailTemplate.WELCOME,
        language=request.language,
        context={
            "shop_name": shop.name, "name": request.name, "username": shop_user.username,
            "sign_in_url": sign_in_url(runtime, shop),
        },
        now=runtime.now(),
        shop_id=shop.id,
    )


async def tell_staff_account_created(
    runtime: Runtime,
    shop: Shop,
    request: RegistrationRequest,
    shop_user: ShopUser,
    answers: Sequence[RegistrationAnswer],
) -> None:
    """A registration made an account by itself (automatic approval): a link to the account."""
    await _to_staff(
        runtime, shop, request, answers, MailTemplate.STAFF_ACCOUNT_CREATED,
        account_url=shop_user_url(runtime, shop, shop_user),
    )


async def tell_existing_user(runtime: Runtime, shop: Shop, user: ShopUser, recipient: str) -> None:
    """Rule 7 of docs/api.md: `user` (with `shop` and `contact` loaded) registered again, at
    `recipient`; the mail has a sign-in link and a fresh reset link."""
    await enqueue(
        recipient=recipient,
        template=MailTemplate.ALREADY_REGISTERED,
        language=user.language,
        context={
            "shop_name": shop.name,
            "name": user.contact.full_name,
            "sign_in_url": sign_in_url(runtime, shop),
            "reset_url": await new_reset_link(runtime, user),
        },
        now=runtime.now(),
        shop_id=shop.id,
    )


async def tell_rejection(
    runtime: Runtime, shop: Shop, request: RegistrationRequest, reason: str | None
) -> None:
    await _to_applicant(runtime, shop, request, MailTemplate.REJECTION, reason=reason)
