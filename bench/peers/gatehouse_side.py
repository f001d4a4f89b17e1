"""Gatehouse's side: seeded with bench/seed.py, served by `gatehouse serve` from the working tree,
its mail delivered by the same process to a real SMTP server (bench/peers/smtp_sink.py)."""

from __future__ import annotations

import asyncio
import subprocess
import time
from pathlib import Path

from bench.api import ADMIN_LOGIN, CUSTOMER_USERNAME, CUSTOMER_VIEW, FORM, STAFF_PAGE, form_token, sign_in
from bench.peers.smtp_sink import SmtpSink
from bench.peers.work import PEERS, fingerprint
from bench.peers.workloads import UNIQUE, Call
from bench.peers.wrk import WrkResult
from bench.seed import ADMIN_EMAIL, PASSWORD, Size, seed_accounts, seed_requests
from bench.storm import LOGIN
from server.database import apply_migrations, database
from server.settings import Settings
from tests.live_server import GATEHOUSE, LiveServer

REPOSITORY = PEERS.parent.parent
REGISTRATION = """mutation($input: SubmitRegistrationInput!) {
  submitRegistration(input: $input) { userErrors { code field } } }"""
# flora's form asks three questions (bench/seed.py); a registration without their answers is
# refused (FIELD_REQUIRED) and would measure the refusal.
ANSWERS = [
    {"key": "chamber_of_commerce", "value": "12345678"},
    {"key": "vat_number", "value": "NL123456789B01"},
    {"key": "business_type", "value": "florist"},
]
MAILS_PER_REGISTRATION = 2
# `serve` looks for due mail this often unless told otherwise: the production default, not the
# tests' fifth of a second.
MAIL_POLL_SECONDS = Settings.mail_poll_seconds
MAIL_WAIT_LIMIT = 180.0


def seed_key(size: Size) -> str:
    migrations = (REPOSITORY / "migrations").rglob("*.py")
    return fingerprint([REPOSITORY / "bench" / "seed.py", *migrations], repr(size))


def seed(path: Path, size: Size) -> None:
    """bench/seed.py's accounts and `size.requests` registration requests, in a new SQLite file."""
    url = f"sqlite://{path}"

    async def seeding() -> None:
        await apply_migrations(url)
        async with database(url, global_fallback=True):
            await seed_accounts(size)
            await seed_requests(size.requests)

    asyncio.run(seeding())


def _secret_key() -> str:
    made = subprocess.run([GATEHOUSE, "secret-key"], capture_output=True, text=True, check=True)
    return made.stdout.strip()


class GatehouseSide:
    name = "Gatehouse"

    def __init__(self, database_path: Path, log: Path, sink: SmtpSink) -> None:
        self.sink = sink
        self.server = LiveServer(
            f"sqlite://{database_path}", log, smtp_port=sink.port,
            environment={
                "GATEHOUSE_RATE_LIMITS": "off",
                "GATEHOUSE_STAFF_MFA": "optional",
                "GATEHOUSE_SECRET_KEY": _secret_key(),
                "GATEHOUSE_MAIL_POLL_SECONDS": str(MAIL_POLL_SECONDS),
            },
        )
        self.tokens: dict[str, str] = {}
        self.form_token: str | None = None
        # Registrations answered without error so far (checks and warm-ups included), and the
        # mail they queued: the mail that must arrive.
        self.registrations = 0
        self._received_at_start = 0

    def start(self) -> None:
        self.server.start("--host", "127.0.0.1", "--workers", "1")
        url = self.server.graphql_url
        self.tokens["staff"] = asyncio.run(
            sign_in(url, ADMIN_LOGIN, {"email": ADMIN_EMAIL, "password": PASSWORD})
        )
        self.tokens["customer"] = asyncio.run(
            sign_in(url, LOGIN, {"username": CUSTOMER_USERNAME, "password": PASSWORD})
        )
        # As a storefront does: the form read once (bot protection is on), its token sent with
        # every submission; a token is good for a day.
        self.form_token = asyncio.run(form_token(url))

    def stop(self) -> None:
        self.server.stop()

    @property
    def pid(self) -> int:
        assert self.server.process is not None
        return self.server.process.pid

    def call(self, workload: str) -> Call:
        url = self.server.graphql_url
        if workload == "public":
            return Call(url, FORM, None)
        if workload == "customer":
            return Call(url, CUSTOMER_VIEW, self.tokens["customer"])
        if workload == "staff":
            return Call(url, STAFF_PAGE, self.tokens["staff"])
        if workload == "registration":
            applicant = {"shop": "flora", "name": "Bench Applicant", "email": f"{UNIQUE}@bench.test",
                         "company": "Firma Bench", "answers": ANSWERS, "formToken": self.form_token}
            return Call(url, {"query": REGISTRATION, "variables": {"input": applicant}}, None)
        if workload == "login":
            credentials = {"username": CUSTOMER_USERNAME, "password": PASSWORD}
            return Call(url, {"query": LOGIN, "variables": credentials}, None)
        raise ValueError(workload)

    def checked(self, workload: str) -> None:
        """One request of `workload` was sent and answered well before the rounds."""
        if workload == "registration":
            self.registrations += 1

    def before_round(self, workload: str) -> None:
        self._received_at_start = self.sink.received

    def after_round(self, workload: str, result: WrkResult) -> str:
        """For registrations: waits until their mail has arrived (so the next round, of either
        side, does not share the machine with this one's deliveries) and says how it went."""
        if workload != "registration":
            return ""
        self.registrations += result.answered_ok
        during = self.sink.received - self._received_at_start
        started = time.monotonic()
        last, quiet_since = self.sink.received, started
        while time.monotonic() - started < MAIL_WAIT_LIMIT:
            time.sleep(0.1)
            now = self.sink.received
            if now != last:
                last, quiet_since = now, time.monotonic()
            # Requests still in flight when wrk stopped may add a little mail: wait for a quiet poll.
            if now >= self.mails_expected() and time.monotonic() - quiet_since > MAIL_POLL_SECONDS + 0.5:
                break
        waited = time.monotonic() - started
        after = self.sink.received - self._received_at_start - during
        short = self.mails_expected() - self.sink.received
        missing = f", {short} NOT ARRIVED after {waited:.0f} s" if short > 0 else ""
        return f"mail: {during} arrived during the round, {after} after it (waited {waited:.1f} s){missing}"

    def mails_expected(self) -> int:
        return MAILS_PER_REGISTRATION * self.registrations
