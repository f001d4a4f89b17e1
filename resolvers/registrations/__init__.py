"""Self-registration (rules 1 to 7 of docs/api.md): the form's submission and staff decisions.

One module a use case; this names what callers use.
"""

from resolvers.registrations.bulk import MAX_BULK, BulkResult
from resolvers.registrations.decisions import approve_registrations, reject_registrations
from resolvers.registrations.deletion import delete_registrations
from resolvers.registrations.search import search_registration_requests
from resolvers.registrations.submission import (
    MAX_ANSWER_LENGTH,
    GivenAnswer,
    Submission,
    Submitted,
    submit_registration,
)

__all__ = [
    "MAX_ANSWER_LENGTH",
    "MAX_BULK",
    "BulkResult",
    "GivenAnswer",
    "Submission",
    "Submitted",
    "approve_registrations",
    "delete_registrations",
    "reject_registrations",
    "search_registration_requests",
    "submit_registration",
]
