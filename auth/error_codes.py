"""The codes of GraphQL errors (`extensions.code`): refusals that are not about a mutation's input.

A mutation refuses its input in its payload's `userErrors` (`UserErrorCode`); everything
else is a GraphQL error carrying one of these codes. It lives in `auth/` because the
permission checks raise it and `auth/` is imported by `schema/` and `server/` alike.
"""

from __future__ import annotations

from enum import Enum


class GraphQLErrorCode(str, Enum):
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    PASSWORD_CHANGE_REQUIRED = "PASSWORD_CHANGE_REQUIRED"  # noqa: S105 (an error code, not a password)
    MFA_ENROLMENT_REQUIRED = "MFA_ENROLMENT_REQUIRED"
    INVALID = "INVALID"
    NOT_FOUND = "NOT_FOUND"
    BAD_USER_INPUT = "BAD_USER_INPUT"
    GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
    GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
    QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"
    PERSISTED_QUERY_NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
    PERSISTED_QUERY_HASH_MISMATCH = "PERSISTED_QUERY_HASH_MISMATCH"
    RATE_LIMITED = "RATE_LIMITED"
    UNAVAILABLE = "UNAVAILABLE"
    INTERNAL = "INTERNAL"

    @property
    def description(self) -> str:
        """When the code comes, for partners (the schema's enum and the docs show it)."""
        return _DESCRIPTIONS[self]


_DESCRIPTIONS = {
    GraphQLErrorCode.UNAUTHENTICATED: (
        "The field needs a signed-in caller and the request carries no live session: no token, "
        "or one that ended (logout, exclusion, password change) or expired. Sign in again."
    ),
    GraphQLErrorCode.FORBIDDEN: (
        "Signed in, but the caller's role may not use the field: a customer calling a "
        "staff-only query or mutation; staff or a MEMBER calling what only a company admin "
        "may (colleagues, inviteColleague, removeColleague)."
    ),
    GraphQLErrorCode.PASSWORD_CHANGE_REQUIRED: (
        "A shop user whose password was chosen by staff (mustChangePassword) asked for "
        "something other than its own `viewer`, changePassword or logout; it must call "
        "changePassword first."
    ),
    GraphQLErrorCode.MFA_ENROLMENT_REQUIRED: (
        "A staff member without two-factor sign-in, where the server requires it "
        "(GATEHOUSE_STAFF_MFA=required), asked for something other than viewer, logout, "
        "startMfaEnrolment or confirmMfaEnrolment; it must enrol first."
    ),
    GraphQLErrorCode.INVALID: (
        "An argument of a query field was refused (a cursor that is not ours, `first` outside "
        "0 to 100, a negative amount); `extensions.field` names it. Also the answer, with an HTTP "
        "status of 400 or more, to a request that is not a GraphQL request: a body that is not "
        "JSON or too large, no query, a mutation sent with GET."
    ),
    GraphQLErrorCode.NOT_FOUND: (
        "A query argument names what does not exist, such as the shop handle of "
        "registrationForm; `extensions.field` names it."
    ),
    GraphQLErrorCode.BAD_USER_INPUT: (
        "A value does not fit its type: a variable or argument of the wrong type, a Decimal or "
        "DateTime string that cannot be read, an enum value that does not exist, a required "
        "input field left out. Nothing ran."
    ),
    GraphQLErrorCode.GRAPHQL_PARSE_FAILED: "The document is not GraphQL: a syntax error. Nothing ran.",
    GraphQLErrorCode.GRAPHQL_VALIDATION_FAILED: (
        "The document does not fit the schema (an unknown field or type, a missing required "
        "argument) or is over a limit: too deep, too many aliases, too many tokens. The message "
        "says which. Nothing ran."
    ),
    GraphQLErrorCode.QUERY_TOO_COMPLEX: (
        "The document would cost far more to check or run than its size suggests (the same "
        "field repeated hundreds of times, fragments spread into one selection over and over). "
        "It was refused before the costly step; nothing ran. Ordinary queries never meet this."
    ),
    GraphQLErrorCode.PERSISTED_QUERY_NOT_FOUND: (
        "A persisted query (extensions.persistedQuery) named by its hash alone, and this server "
        "instance does not hold its document; the message is PersistedQueryNotFound, the HTTP "
        "status 200. Send the request again with the document in `query` (Apollo's clients do "
        "so by themselves). Nothing ran."
    ),
    GraphQLErrorCode.PERSISTED_QUERY_HASH_MISMATCH: (
        "extensions.persistedQuery.sha256Hash is not the SHA-256 (hex) of the UTF-8 of the "
        "`query` sent with it (HTTP 400). Nothing ran and nothing was kept."
    ),
    GraphQLErrorCode.RATE_LIMITED: (
        "Too many requests from this client address (HTTP 429): wait the seconds of the "
        "`Retry-After` header. Nothing ran."
    ),
    GraphQLErrorCode.UNAVAILABLE: (
        "The database or the rate-limit storage cannot be reached just now (HTTP 503): try again "
        "after the seconds of the `Retry-After` header. Nothing was changed."
    ),
    GraphQLErrorCode.INTERNAL: (
        "Something failed on the server. The message says nothing more; `extensions.requestId` "
        "is also in the server log: quote it when you report the error."
    ),
}
