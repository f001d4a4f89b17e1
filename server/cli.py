"""The `gatehouse` command line."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from collections.abc import Awaitable, Callable
from typing import TypeVar

import click

from auth.secret_box import InvalidSecretKey, SecretBox
from auth.viewer import Caller
from models import ApprovalMode, StaffRole
from resolvers import admins, debtor_import, mfa, shops
from resolvers.debtor_merge import MergeOutcome, merge_debtors_by_number
from resolvers.errors import UserInputError
from resolvers.registrations.verification import purge_unverified_requests
from resolvers.reminders import send_reminder_digests
from resolvers.retention import purge_everything
from resolvers.runtime import Runtime
from server import demo
from server.app import build_runtime
from server.background import (
    PollUnusable,
    deliverer,
    verify_poll_intervals,
    verify_webhook_poll,
    webhook_deliverer,
)
from server.change_listener import WORKER_PROCESSES
from server.cors import CorsOriginsError, listed_origins
from server.database import apply_migrations, database, empty_every_table
from server.log_format import UnknownLogFormat, configure_logging, log_format_of
from server.metrics import count_across_workers
from server.proxies import TrustedProxiesError, trusted_proxies
from server.rate_limit_storage import RateLimitsUnusable, verify_rate_limits
from server.session_lifetimes import SessionLifetimesUnusable, verify_session_lifetimes
from server.settings import Settings
from server.staff_mfa import OPTIONAL, StaffMfaUnusable, verify_staff_mfa
from server.uvicorn_options import http_stack, uvicorn_options

T = TypeVar("T")


def _run(settings: Settings, work: Callable[[], Awaitable[T]]) -> T:
    """Runs `work` with the database open."""

    async def main() -> T:
        async with database(settings.database_url, global_fallback=False):
            return await work()

    return asyncio.run(main())


def _use_case(settings: Settings, work: Callable[[Runtime], Awaitable[T]]) -> T:
    """Runs a use case with the server's runtime and the database open; a key that is no key
    or a refusal is one clear message and exit status 1, not a traceback."""
    try:
        runtime = build_runtime(settings)
        return _run(settings, lambda: work(runtime))
    except InvalidSecretKey as error:
        raise click.ClickException(f"{error}.") from None
    except UserInputError as error:
        raise _refused(error) from None


def _refused(error: UserInputError) -> click.ClickException:
    lines = [
        f"{'.'.join(p.field) + ': ' if p.field else ''}{p.message} ({p.code.value})"
        for p in error.problems
    ]
    return click.ClickException("\n".join(lines))


@click.group()
def main() -> None:
    """Gatehouse: customer accounts of wholesale web shops, over GraphQL."""
    try:
        configure_logging(log_format_of())
    except UnknownLogFormat as error:
        raise click.ClickException(str(error)) from None


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int)
@click.option(
    "--demo", "with_demo", is_flag=True,
    help="Load demo data when the database is empty, and print how to sign in to it.",
)
def serve(host: str, port: int, workers: int, with_demo: bool) -> None:
    """Serve GraphQL at /graphql (migrating the embedded SQLite database first)."""
    import uvicorn

    settings = Settings.from_environ()
    try:  # one clear line now, not a traceback from every worker later
        listed_origins(settings.cors_origins)
        trusted_proxies(settings.trusted_proxies)
        verify_rate_limits(settings, workers)
        verify_staff_mfa(settings)
        verify_session_lifetimes(settings)
        verify_poll_intervals(settings)
    except (
        CorsOriginsError, TrustedProxiesError, RateLimitsUnusable, StaffMfaUnusable,
        SessionLifetimesUnusable, PollUnusable,
    ) as error:
        raise click.ClickException(str(error)) from None
    if settings.database_url.startswith("sqlite"):
        applied = asyncio.run(apply_migrations(settings.database_url))
        if applied:
            click.echo(f"Applied migrations: {', '.join(applied)}")
    if with_demo:
        _offer_demo(settings, f"http://{host}:{port}")
    count_across_workers(workers)
    os.environ[WORKER_PROCESSES] = str(workers)
    stack = http_stack()
    if note := stack.fallback_note():
        logging.getLogger("gatehouse.serve").info(note)
    uvicorn.run(**uvicorn_options(settings, stack, host=host, port=port, workers=workers))


@main.command()
def migrate() -> None:
    """Apply the migrations not yet applied."""
    settings = Settings.from_environ()
    applied = asyncio.run(apply_migrations(settings.database_url))
    click.echo(f"Applied: {', '.join(applied)}" if applied else "The database is up to date.")


@main.command("create-admin")
@click.option("--email", required=True)
@click.option("--name", default=None)
@click.option(
    "--role", type=click.Choice([role.value for role in StaffRole], case_sensitive=False),
    default=StaffRole.OWNER.value, show_default=True, help="The staff role, for every shop.",
)
def create_admin(email: str, name: str | None, role: str) -> None:
    """Create a staff account of every shop; the password comes from GATEHOUSE_ADMIN_PASSWORD or
    the terminal."""
    staff_role = StaffRole(role.upper())
    password = os.environ.get("GATEHOUSE_ADMIN_PASSWORD") or click.prompt(
        "Password", hide_input=True, confirmation_prompt=True
    )
    settings = Settings.from_environ()
    caller = Caller.system("gatehouse create-admin")
    admin = _use_case(
        settings, lambda runtime: admins.create_admin(runtime, caller, email, name, password, staff_role)
    )
    click.echo(f"Admin {admin.email} created ({admin.role.value}, every shop).")


@main.command("create-shop")
@click.option("--handle", required=True)
@click.option("--name", required=True)
@click.option("--registration/--no-registration", default=False, show_default=True)
@click.option("--approval", type=click.Choice(["manual", "automatic"]), default="manual", show_default=True)
@click.option("--notification-email", default=None)
def create_shop(
    handle: str, name: str, registration: bool, approval: str, notification_email: str | None
) -> None:
    """Open a new shop."""
    settings = Settings.from_environ()
    shop_settings = shops.ShopSettings(
        name=name,
        registration_enabled=registration,
        approval_mode=ApprovalMode(approval.upper()),
        notification_email=notification_email,
    )
    caller = Caller.system("gatehouse create-shop")
    try:
        shop = _run(settings, lambda: shops.create_shop(caller, handle, shop_settings))
    except UserInputError as error:
        raise _refused(error) from None
    click.echo(f"Shop {shop.handle} created.")


@main.command("reset-mfa")
@click.option("--email", required=True)
def reset_mfa(email: str) -> None:
    """Switch a staff member's MFA off (for the owner who lost their device): recovery codes go,
    sessions end, and the next sign-in takes the password alone."""
    settings = Settings.from_environ()
    caller = Caller.system("gatehouse reset-mfa")
    admin = _use_case(settings, lambda runtime: mfa.reset_mfa_by_email(runtime, caller, email))
    click.echo(f"MFA of {admin.email} reset: sign in with the password, then enrol again.")


@main.command("secret-key")
def secret_key() -> None:
    """Print a new key for GATEHOUSE_SECRET_KEY (it encrypts the staff's MFA secrets)."""
    click.echo(SecretBox.new_key())


@main.command("export-schema")
def export_schema() -> None:
    """Print the GraphQL schema (SDL); the repository keeps it as schema.graphql."""
    from schema import schema

    sys.stdout.write(schema.as_str() + "\n")


@main.command("export-webhook-events")
def export_webhook_events() -> None:
    """Print the webhook event catalogue (Markdown); the repository keeps it as docs/webhook-events.md."""
    from resolvers.webhook_catalogue import catalogue

    sys.stdout.write(catalogue())


@main.command("send-mail")
@click.option("--once", is_flag=True, help="Send what is due now, then stop.")
def send_mail(once: bool) -> None:
    """Deliver queued mail (the same loop runs inside `serve`)."""
    settings = Settings.from_environ()
    mailer = deliverer(settings, build_runtime(settings))

    async def work() -> None:
        if once:
            report = await mailer.deliver_all_due()
            click.echo(f"Sent {report.sent}, retrying {report.retrying}, failed {report.failed}.")
        else:
            await mailer.run(asyncio.Event())

    _run(settings, work)


@main.command("deliver-webhooks")
@click.option("--once", is_flag=True, help="Deliver what is due now, then stop.")
def deliver_webhooks(once: bool) -> None:
    """Deliver queued webhook events (the same loop runs inside `serve`)."""
    settings = Settings.from_environ()
    try:
        runtime = build_runtime(settings)
        if not once:
            verify_webhook_poll(settings)
    except InvalidSecretKey as error:
        raise click.ClickException(f"{error}.") from None
    except PollUnusable as error:
        raise click.ClickException(str(error)) from None
    if (webhooks := webhook_deliverer(runtime)) is None:
        raise click.ClickException(
            "GATEHOUSE_SECRET_KEY is unset: it seals the webhooks' signing secrets, so without it "
            "there is no webhook to deliver to."
        )

    async def work() -> None:
        if once:
            report = await webhooks.deliver_all_due()
            click.echo(
                f"Delivered {report.delivered}, retrying {report.retrying}, failed {report.failed}."
            )
        else:
            await webhooks.run(asyncio.Event(), interval=settings.webhook_poll_seconds)

    _run(settings, work)


@main.command()
def remind() -> None:
    """Queue the reminder digests of pending requests that are due (at most one a day a shop)."""
    settings = Settings.from_environ()
    runtime = build_runtime(settings)
    digested = _run(settings, lambda: send_reminder_digests(runtime))
    click.echo(f"Digests queued for: {', '.join(digested)}" if digested else "No digest due.")


@main.command()
def purge() -> None:
    """Run every retention purge once (`serve` runs them on its timers): rejected requests past
    their shop's retention, ended sessions, used or expired links, and the bodies of mail sent
    more than 30 days ago; prints the counts. The audit log keeps one event per kind."""
    settings = Settings.from_environ()
    runtime = build_runtime(settings)
    counts = _run(settings, lambda: purge_everything(runtime))
    click.echo(f"Deleted {counts.rejected_requests} rejected registration request(s).")
    click.echo(f"Deleted {counts.sessions} ended session(s).")
    click.echo(f"Deleted {counts.links} used or expired link(s).")
    click.echo(f"Emptied the bodies of {counts.mail_bodies} mail(s) sent more than 30 days ago.")


@main.command("purge-unverified-registrations")
def purge_unverified_registrations() -> None:
    """Delete the registration requests whose email was not confirmed within 7 days (the same
    purge runs inside `serve` every 10 minutes); the audit log keeps one event each."""
    settings = Settings.from_environ()
    runtime = build_runtime(settings)
    purged = _run(settings, lambda: purge_unverified_requests(runtime))
    click.echo(f"Deleted {purged} unverified registration request(s).")


@main.command("merge-debtors")
@click.argument("target")
@click.argument("sources", nargs=-1)
def merge_debtors_command(target: str, sources: tuple[str, ...]) -> None:
    """Merge the debtors numbered SOURCES into the one numbered TARGET, as mergeDebtors does:
    their contact persons (with their shop users), registration requests and price-list tags
    move to TARGET, its empty fields are filled from SOURCES in the order given, and SOURCES
    are deleted. All or nothing; exits with 1 when refused."""
    settings = Settings.from_environ()
    caller = Caller.system("gatehouse merge-debtors")
    outcome = _use_case(settings, lambda runtime: merge_debtors_by_number(runtime, caller, target, sources))
    click.echo(_merge_summary(outcome))


def _merge_summary(outcome: MergeOutcome) -> str:
    folded = len(outcome.contacts_folded)
    filled = ", ".join(outcome.filled) or "none"
    return (
        f"Merged {', '.join(outcome.merged_numbers)} into {outcome.target.number}: "
        f"{outcome.contacts_moved} contact person(s) moved, {folded} folded into a contact of the "
        f"same email; {outcome.registration_requests_moved} registration request(s) moved; "
        f"fields filled: {filled}."
    )


@main.command("import-debtors")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--language", default="nl", show_default=True,
    help="Language of new contact persons whose row has no contact_language.",
)
@click.option(
    "--encoding", default="utf-8-sig", show_default=True,
    help="The file's encoding, e.g. cp1252 for an older Windows export.",
)
def import_debtors_command(csv_file: str, language: str, encoding: str) -> None:
    """Load debtors and contact persons from an ERP's CSV export (see the README for columns).

    Running it again updates what changed and creates nothing twice. A bad row
    is reported by its line number; the good rows still load. Exits with 1 when
    any row was refused.
    """
    settings = Settings.from_environ()
    caller = Caller.system("gatehouse import-debtors")
    with click.progressbar(length=1, label="Importing", file=sys.stderr) as bar:

        def show(done: int, total: int) -> None:
            bar.length = max(total, 1)
            bar.update(done - bar.pos)

        try:
            with open(csv_file, encoding=encoding, newline="") as source:
                report = _run(
                    settings,
                    lambda: debtor_import.import_debtors(
                        caller, source, default_language=language, on_progress=show
                    ),
                )
        except debtor_import.ImportFileError as error:
            raise click.ClickException(str(error)) from None
        except UnicodeDecodeError:
            raise click.ClickException(
                f"The file is not {encoding}: save it as CSV UTF-8, or name its encoding "
                "with --encoding (e.g. cp1252)."
            ) from None
        except LookupError:
            raise click.ClickException(f"Unknown encoding '{encoding}'.") from None
    click.echo(
        f"{report.rows} rows. Debtors: {report.debtors.created} created, "
        f"{report.debtors.updated} updated, {report.debtors.unchanged} unchanged. "
        f"Contact persons: {report.contacts.created} created, {report.contacts.updated} updated, "
        f"{report.contacts.unchanged} unchanged. Refused: {len(report.refused)}."
    )
    for line, reason in report.refused:
        click.echo(f"line {line}: {reason}", err=True)
    if report.refused:
        sys.exit(1)


@main.command("export-personal-data")
@click.argument("email")
def export_personal_data_command(email: str) -> None:
    """Print everything held about EMAIL as JSON, the document exportPersonalData answers
    (docs/personal-data.md); audited, naming the person by pseudonym."""
    import json

    from resolvers.personal_data_export import export_personal_data

    settings = Settings.from_environ()
    caller = Caller.system("gatehouse export-personal-data")
    document = _use_case(settings, lambda runtime: export_personal_data(runtime, caller, email))
    click.echo(json.dumps(document, indent=2, ensure_ascii=False))


@main.command("erase-personal-data")
@click.argument("email")
@click.option("--yes", is_flag=True, help="Do not ask before erasing.")
def erase_personal_data_command(email: str, yes: bool) -> None:
    """Erase what is held about EMAIL, as erasePersonalData does (docs/personal-data.md): shop
    users, requests, mails and webhook events go, contact persons are anonymised, the audit log
    keeps a pseudonym. Needs GATEHOUSE_SECRET_KEY. Prints what each step did."""
    from resolvers.personal_data_erasure import erase_personal_data

    settings = Settings.from_environ()
    if not settings.secret_key:
        raise click.ClickException(
            "GATEHOUSE_SECRET_KEY is unset: it keys the pseudonym the audit log keeps instead of "
            "the address, so nothing can be erased (PERSONAL_DATA_UNAVAILABLE)."
        )
    if not yes:
        click.confirm(
            f"Erase the personal data of {email} for good? Their shop users, requests, mails and "
            "webhook events are deleted and cannot be brought back.",
            abort=True,
        )
    caller = Caller.system("gatehouse erase-personal-data")
    erased = _use_case(settings, lambda runtime: erase_personal_data(runtime, caller, email))
    click.echo(f"Erased; the audit log now names this person {erased['pseudonym']}.")
    for name, count in erased.items():
        if name not in ("version", "pseudonym"):
            click.echo(f"  {name}: {count}")


@main.command("demo")
@click.option("--reset", is_flag=True, help="Delete every row of the database first, then load the demo.")
@click.option("--yes", is_flag=True, help="With --reset: do not ask before deleting.")
def load_demo(reset: bool, yes: bool) -> None:
    """Load demo data into an empty database and print how to sign in."""
    settings = Settings.from_environ()
    if settings.database_url.startswith("sqlite"):
        asyncio.run(apply_migrations(settings.database_url))
    if reset and not yes:
        click.confirm(
            f"Delete every row of {_shown_url(settings.database_url)} and load the demo afresh?",
            abort=True,
        )
    runtime = build_runtime(settings)

    async def work() -> bool:
        if reset:
            await empty_every_table(settings.database_url)
        elif await demo.has_data():
            return False
        await demo.load_demo(runtime)
        return True

    if not _run(settings, work):
        raise click.ClickException(
            "The database holds data already; demo data goes only into an empty one "
            "(`gatehouse demo --reset` empties it first)."
        )
    click.echo(_demo_help(settings, settings.public_url))


def _demo_help(settings: Settings, url: str) -> str:
    """How to sign in to the demo, and what staff MFA asks of the first staff sign-in there."""
    mfa_line = (
        "  staff MFA: optional here (GATEHOUSE_STAFF_MFA=optional); to try it, startMfaEnrolment "
        "then confirmMfaEnrolment, and the next adminLogin asks verifyMfa for a code"
        if settings.staff_mfa == OPTIONAL
        else "  staff MFA: required, so a staff sign-in may only enrol first "
        "(startMfaEnrolment, confirmMfaEnrolment with a code of the app)"
    )
    return f"{demo.sign_in_help(url, graphiql=settings.debug)}\n{mfa_line}"


def _shown_url(database_url: str) -> str:
    """The database URL without its password, fit to print."""
    scheme, _, rest = database_url.partition("://")
    credentials, at, place = rest.rpartition("@")
    return f"{scheme}://{credentials.split(':')[0]}{at}{place}" if at else database_url


def _offer_demo(settings: Settings, url: str) -> None:
    """Loads the demo into an empty database; prints how to sign in whenever it is there."""
    runtime = build_runtime(settings)

    async def work() -> bool:
        if not await demo.has_data():
            await demo.load_demo(runtime)
        return await demo.has_demo()

    if _run(settings, work):
        click.echo(_demo_help(settings, url))
    else:
        click.echo("The database holds data of its own, so no demo was loaded.")
