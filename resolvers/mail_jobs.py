"""The work for each kind of mail job (mail/jobs.py), for the delivery loop to run."""

from __future__ import annotations

from functools import partial

from mail.jobs import ADMIN_PASSWORD_RESET_REQUESTED, PASSWORD_RESET_REQUESTED, MailJob
from resolvers.admin_password_resets import work_out_admin_reset_request
from resolvers.password_resets import work_out_reset_request
from resolvers.runtime import Runtime


def mail_jobs(runtime: Runtime) -> dict[str, MailJob]:
    return {
        PASSWORD_RESET_REQUESTED: partial(work_out_reset_request, runtime),
        ADMIN_PASSWORD_RESET_REQUESTED: partial(work_out_admin_reset_request, runtime),
    }
