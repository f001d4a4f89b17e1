"""What the use cases need from the running server: the hasher, lifetimes, links, the clock."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from auth.form_tokens import FormTokens
from auth.passwords import PasswordHasher
from auth.pseudonyms import Pseudonyms
from auth.rate_limits import RateLimiter
from auth.secret_box import SecretBox
from auth.session_cache import SessionCache
from auth.sessions import SessionPolicy
from resolvers.errors import rate_limited
from resolvers.events import Unobserved, UseCaseEvents
from resolvers.shop_cache import ShopCache
from resolvers.webhook_cache import WebhookCache


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Runtime:
    passwords: PasswordHasher
    sessions: SessionPolicy = field(default_factory=SessionPolicy)
    # True: staff without MFA may only enrol (GATEHOUSE_STAFF_MFA=required).
    staff_mfa_required: bool = False
    # Encrypts MFA secrets at rest; None when GATEHOUSE_SECRET_KEY is unset (MFA cannot be enrolled).
    secrets: SecretBox | None = None
    # Signs registrationForm's formToken; None when GATEHOUSE_SECRET_KEY is unset (then no shop's
    # bot protection can be enforced, and `serve` says so at start).
    form_tokens: FormTokens | None = None
    # Pseudonymises erased persons' addresses in the audit log; None when GATEHOUSE_SECRET_KEY is
    # unset (then erasePersonalData refuses with PERSONAL_DATA_UNAVAILABLE).
    pseudonyms: Pseudonyms | None = None
    invitation_lifetime: timedelta = timedelta(days=7)
    password_reset_lifetime: timedelta = timedelta(hours=1)
    public_url: str = "http://127.0.0.1:8000"
    # The staff dashboard's base address; None when none is configured, so staff
    # mails say so instead of linking to a page that does not exist.
    admin_url: str | None = None
    clock: Callable[[], datetime] = field(default=utc_now)
    rate_limits: RateLimiter = field(default_factory=lambda: RateLimiter(spec="off"))
    # The sessions this process has seen, so a request need not read its own (auth/session_cache.py).
    session_cache: SessionCache = field(default_factory=SessionCache)
    # The shops this process has read, so a request need not read its own (resolvers/shop_cache.py).
    shop_cache: ShopCache = field(default_factory=ShopCache)
    # The active webhooks and what they want, so a change no webhook wants costs no query
    # (resolvers/webhook_cache.py).
    webhook_cache: WebhookCache = field(default_factory=WebhookCache)
    # Told of failed sign-ins and rate-limit refusals (the server counts them for /metrics).
    events: UseCaseEvents = field(default_factory=Unobserved)
    # True: webhooks may use http and point at loopback or private addresses
    # (GATEHOUSE_WEBHOOK_ALLOW_PRIVATE, for tests and intranets).
    webhook_allow_private: bool = False

    def dashboard_url(self, path: str) -> str | None:
        """The dashboard's address for `path`, or None when no dashboard is configured."""
        return f"{self.admin_url}{path}" if self.admin_url else None

    def now(self) -> datetime:
        return self.clock()

    async def limit(self, operation: str, *subjects: str | None) -> None:
        """Counts one attempt of `operation` by each subject; RATE_LIMITED when one is over."""
        exceeded = await self.rate_limits.hit(operation, *subjects)
        if exceeded is not None:
            self.events.rate_limited(operation)
            raise rate_limited(exceeded.retry_after_seconds)


# Awaited at a point of a use case where a test holds concurrent calls, so that they really race.
Pause = Callable[[], Awaitable[None]]


async def no_pause() -> None:
    """Goes straight on: what every call but a race test uses."""
