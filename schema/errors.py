"""User errors in payloads, converted from the use cases' `UserInputError` in one place."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import ParamSpec, TypeAlias, TypeVar

import strawberry

from auth.error_codes import GraphQLErrorCode
from resolvers.errors import ErrorCode, Problem, UserInputError
from schema.enums import describe_enum
from schema.limits import MAX_ALIASES, MAX_DEPTH, MAX_TOKENS

describe_enum(
    ErrorCode,
    name="UserErrorCode",
    description="Why a mutation refused (part of) its input, in a UserError of its payload.",
    values={
        ErrorCode.INVALID: "A value breaks its rules: format, length, range, a debtor number or "
        "shop handle already taken, a password over 128 characters. `message` says what is wanted.",
        ErrorCode.NOT_FOUND: "An id or handle names nothing: no such shop, debtor, contact person, "
        "shop user, registration field, registration request, staff member, session, webhook or "
        "webhook delivery (also one deleted or ended meanwhile); for staff of some shops, also "
        "anything of a shop outside their shops, and a colleague or webhook outside their reach; "
        "for a company admin (removeColleague), any shop user not of its own debtor and shop.",
        ErrorCode.REGISTRATION_DISABLED: "submitRegistration to a shop whose registrationEnabled is off.",
        ErrorCode.FIELD_REQUIRED: "A required value is missing or blank: a name, a username, an answer "
        "to one of the form's questions (at [\"answers\", key]), a password or its confirmation "
        "where one is needed.",
        ErrorCode.ALREADY_HAS_ACCOUNT: "The contact person (createShopUser), or the customer of the "
        "request (approve), has a user in this shop already; inviteStaff of an email that is a "
        "staff member's already (one who accepted, or one deactivated); inviteColleague of an "
        "email with a login to the shop already.",
        ErrorCode.ALREADY_DECIDED: "approve of a request that is APPROVED already, or reject of one "
        "that is no longer PENDING, including one another call decided a moment before.",
        ErrorCode.NOT_VERIFIED: "approve or reject of an UNVERIFIED request: the applicant has not "
        "confirmed their email yet (the shop's requireEmailVerification), so there is nothing to "
        "decide; the request is left as it was.",
        ErrorCode.PASSWORD_MISMATCH: "The password and its confirmation differ.",
        ErrorCode.PASSWORD_TOO_WEAK: "The new password is shorter than 8 characters, lacks letters "
        "or digits, or is too common or too easy to guess.",
        ErrorCode.USERNAME_TAKEN: "createShopUser or updateShopUser: the shop has a(nother) user "
        "with this username (compared ignoring case).",
        ErrorCode.CONTACT_NOT_FOUND: "createShopUser: contactPersonId names no contact person.",
        ErrorCode.LANGUAGE_NOT_OFFERED: "The language is not one of the shop's `languages`; the "
        "message lists those.",
        ErrorCode.NOT_EXCLUDABLE: "setExclusion of a user whose mayBeExcluded is false.",
        ErrorCode.ACCOUNT_EXCLUDED: "The shop user is excluded: login with the right password is "
        "refused (a wrong one gets INVALID_CREDENTIALS), and so is resendInvitation until readmitted; "
        "a company admin may neither invite (inviteColleague) nor remove (removeColleague) a "
        "colleague the shop's staff excluded.",
        ErrorCode.INVALID_CREDENTIALS: "login or adminLogin with an unknown account or a wrong "
        "password (the same answer for both); changePassword with a wrong currentPassword; "
        "disableMfa or regenerateRecoveryCodes with a wrong password; verifyMfa or "
        "confirmMfaEnrolment with a wrong code, or one already used (at [\"code\"]).",
        ErrorCode.INVALID_TOKEN: "acceptInvitation or resetPassword with a link token that is "
        "unknown, used, expired or replaced by a newer link, or whose user is excluded or "
        "deactivated (staff); verifyMfa "
        "with a challenge that is unknown, used or older than 5 minutes (sign in again); "
        "verifyRegistrationEmail with a link that is unknown, used or older than 7 days.",
        ErrorCode.PASSWORD_CHANGE_REQUIRED: "Not given in userErrors: a shop user who must change its "
        "password is told so by a GraphQL error with extensions.code PASSWORD_CHANGE_REQUIRED.",
        ErrorCode.RATE_LIMITED: "Too many attempts from this client address or on this account "
        "(login, adminLogin, verifyMfa, disableMfa, regenerateRecoveryCodes, submitRegistration, "
        "requestPasswordReset, requestAdminPasswordReset, acceptInvitation, resetPassword, "
        "verifyRegistrationEmail, inviteColleague per company admin); try "
        "again after retryAfterSeconds.",
        ErrorCode.MFA_ALREADY_ENABLED: "startMfaEnrolment or confirmMfaEnrolment while two-factor "
        "sign-in is on already: disableMfa first to enrol another device.",
        ErrorCode.MFA_NOT_ENABLED: "disableMfa or regenerateRecoveryCodes while two-factor sign-in "
        "is off.",
        ErrorCode.MFA_ENROLMENT_NOT_STARTED: "confirmMfaEnrolment before startMfaEnrolment (or "
        "after an enrolment was reset).",
        ErrorCode.MFA_UNAVAILABLE: "The server cannot keep or read MFA secrets: it has no "
        "GATEHOUSE_SECRET_KEY, or not the key the secret was stored with. verifyMfa still takes "
        "a recovery code.",
        ErrorCode.LAST_OWNER: "updateStaff or deactivateStaff would leave no active OWNER of "
        "every shop (one who has accepted their invitation): promote another staff member first.",
        ErrorCode.OUTSIDE_OWN_SHOPS: "inviteStaff or updateStaff by an owner of some shops with "
        "`shops: null` (every shop): they may grant only shops of their own, listed by handle; "
        "createWebhook or updateWebhook by one with `shops: null`: their webhooks are of their "
        "own shops, listed by handle; exportPersonalData or erasePersonalData by staff of some "
        "shops: a person's data spans every shop.",
        ErrorCode.PERSONAL_DATA_UNAVAILABLE: "erasePersonalData on a server without "
        "GATEHOUSE_SECRET_KEY: it cannot make the keyed pseudonym the audit log keeps instead of "
        "the address, so it erases nothing. exportPersonalData needs no key.",
        ErrorCode.TARGET_AMONG_SOURCES: "mergeDebtors with the target's id among sourceIds (at "
        "[\"sourceIds\", \"<index>\"]): a debtor is not merged into itself.",
        ErrorCode.WEBHOOKS_UNAVAILABLE: "createWebhook or rotateWebhookSecret on a server without "
        "GATEHOUSE_SECRET_KEY: it cannot keep webhook signing secrets, so it makes none.",
    },
)
UserErrorCode: TypeAlias = ErrorCode

describe_enum(
    GraphQLErrorCode,
    name="GraphQLErrorCode",
    description="The `extensions.code` of a GraphQL error in a response's `errors`: a refusal "
    "that is not about a mutation's input, or a failure. No field returns it; it is listed "
    "here to be read.",
    values={code: code.description for code in GraphQLErrorCode},
)

# For the descriptions of the Query and Mutation roots, where partners look first.
GRAPHQL_ERRORS = (
    "Errors that are not about a mutation's input come in the response's `errors`, each with "
    "`extensions.code` (a GraphQLErrorCode):\n"
    + "\n".join(f"- `{code.value}`: {code.description}" for code in GraphQLErrorCode)
    + f"\n\nA document may nest fields at most {MAX_DEPTH} deep and hold at most {MAX_ALIASES} "
    f"aliases and {MAX_TOKENS} tokens."
)


@strawberry.type(
    description="One problem with a mutation's input. A mutation reports every problem it found "
    "at once. Most mutations with userErrors changed nothing (a refused sign-in or link is still "
    "written to the audit log). The bulk mutations approve, reject and deleteRegistrations decide "
    "each id on its own: an error at [\"ids\", \"<index>\"] refuses the id at that index of "
    "`input.ids`, the other ids went through and are in the payload; an error at any other field "
    "refuses the whole call."
)
class UserError:
    field: list[str] | None = strawberry.field(
        description="Path to the input field at fault, from the mutation's `input`: e.g. "
        "[\"password\"], [\"answers\", \"<key>\"], or [\"ids\", \"3\"] for the fourth id. "
        "Null when the refusal is about the call as a whole (INVALID_CREDENTIALS, RATE_LIMITED)."
    )
    message: str = strawberry.field(
        description="What is wrong, in English, for a person to read; programs read `code`."
    )
    code: UserErrorCode = strawberry.field(description="Which problem it is, for programs.")
    retry_after_seconds: int | None = strawberry.field(
        default=None, description="For RATE_LIMITED: the seconds to wait before trying again; else null."
    )


USER_ERRORS = "What was wrong with the input, all of it at once; empty when the call went through."


def user_errors(error: UserInputError) -> list[UserError]:
    return user_errors_of(error.problems)


def user_errors_of(problems: list[Problem]) -> list[UserError]:
    return [
        UserError(
            field=list(problem.field) if problem.field else None,
            message=problem.message,
            code=problem.code,
            retry_after_seconds=problem.retry_after_seconds,
        )
        for problem in problems
    ]


P = ParamSpec("P")
T = TypeVar("T")


def refusals_as(
    payload: Callable[..., T],
) -> Callable[[Callable[P, Awaitable[T]]], Callable[P, Awaitable[T]]]:
    """Turn a `UserInputError` raised by the mutation into `payload(user_errors=[...])`."""

    def decorate(resolver: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[T]]:
        @functools.wraps(resolver)
        async def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
            try:
                return await resolver(*args, **kwargs)
            except UserInputError as error:
                return payload(user_errors=user_errors(error))

        return wrapper

    return decorate


class ClientInputError(strawberry.exceptions.StrawberryGraphQLError):
    """A bad argument to a query (not a mutation), told as a GraphQL error with a code."""

    def __init__(self, error: UserInputError) -> None:
        # One GraphQL error a field: the first problem speaks for it, `problems` lists them all.
        first = error.problems[0]
        super().__init__(
            " ".join(problem.message for problem in error.problems),
            extensions={
                "code": _query_code(first),
                "field": list(first.field or ()),
                "problems": [
                    {"code": _query_code(p), "field": list(p.field or ()), "message": p.message}
                    for p in error.problems
                ],
            },
        )


def _query_code(problem: Problem) -> GraphQLErrorCode:
    # A query argument is either not found or otherwise refused: the two codes partners branch on.
    return GraphQLErrorCode.NOT_FOUND if problem.code is ErrorCode.NOT_FOUND else GraphQLErrorCode.INVALID


def refusals_as_errors(resolver: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[T]]:
    """For query fields: a `UserInputError` becomes a GraphQL error with its code."""

    @functools.wraps(resolver)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return await resolver(*args, **kwargs)
        except UserInputError as error:
            raise ClientInputError(error) from None

    return wrapper
