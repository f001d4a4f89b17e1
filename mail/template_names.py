"""The mails Gatehouse sends, by name: each has a text and an HTML template in mail/templates/
(`<name>.txt.j2`, `<name>.html.j2`) and a section of that name in every catalog."""

from __future__ import annotations

from enum import StrEnum


class MailTemplate(StrEnum):
    # The values are what OutboxMessage.template stores: renaming one strands queued mail.
    ALREADY_REGISTERED = "already_registered"
    INVITATION = "invitation"
    PASSWORD_RESET = "password_reset"  # noqa: S105 (a mail, not a password)
    REJECTION = "rejection"
    REQUEST_RECEIVED = "request_received"
    STAFF_ACCOUNT_ACTIVATED = "staff_account_activated"
    STAFF_ACCOUNT_CREATED = "staff_account_created"
    STAFF_INVITATION = "staff_invitation"
    STAFF_NEW_REQUEST = "staff_new_request"
    STAFF_PASSWORD_RESET = "staff_password_reset"  # noqa: S105 (a mail, not a password)
    STAFF_REMINDER_DIGEST = "staff_reminder_digest"
    STAFF_WEBHOOK_DISABLED = "staff_webhook_disabled"
    VERIFY_REGISTRATION = "verify_registration"
    WELCOME = "welcome"

    @property
    def for_staff(self) -> bool:
        """A mail to a shop's staff or a staff member, not to a customer."""
        return self.value.startswith("staff_")


def mail_template(name: str) -> MailTemplate:
    """The template a stored (or given) name stands for; ValueError for one that is none."""
    try:
        return MailTemplate(name)
    except ValueError:
        raise ValueError(f"unknown mail template {name!r}") from None
