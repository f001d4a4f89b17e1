"""Settings, read once from the environment (every one is in the table of docs/operations.md)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from starlette.config import Config
from starlette.datastructures import CommaSeparatedStrings


@dataclass(frozen=True)
class Settings:
    database_url: str = "sqlite://gatehouse.sqlite3"
    debug: bool = False
    public_url: str = "http://127.0.0.1:8000"
    # Unset: no staff dashboard is known, and staff mails say so instead of linking.
    admin_url: str | None = None
    cookie_secure: bool = True
    cors_origins: tuple[str, ...] = ()
    mail_backend: str = "console"
    mail_from: str = "gatehouse@localhost"
    smtp_host: str = "localhost"
    smtp_port: int = 25
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    # How often `serve` looks for due mail, in seconds.
    mail_poll_seconds: float = 2.0
    rate_limit_storage: str = "memory://"
    rate_limits: str = ""
    # Sessions end after this long unused (idle) or this long after sign-in (absolute).
    staff_session_idle: timedelta = timedelta(minutes=60)
    staff_session_lifetime: timedelta = timedelta(hours=12)
    customer_session_idle: timedelta = timedelta(days=7)
    customer_session_lifetime: timedelta = timedelta(days=30)
    # "required": staff without MFA get a session that may only enrol; "optional": MFA is theirs to choose.
    staff_mfa: str = "required"
    # Encrypts MFA secrets at rest; several comma-separated keys: the first encrypts, all decrypt.
    secret_key: str | None = None
    invitation_lifetime: timedelta = timedelta(days=7)
    password_reset_lifetime: timedelta = timedelta(hours=1)
    # OWASP's argon2id parameters: 19 MiB, 2 passes, 1 lane.
    argon2_time_cost: int = 2
    argon2_memory_cost_kib: int = 19 * 1024
    argon2_parallelism: int = 1
    cookie_name: str = "gatehouse_session"
    # Addresses or networks whose X-Forwarded-For / X-Forwarded-Proto are believed.
    trusted_proxies: tuple[str, ...] = ("127.0.0.1", "::1")
    # Unset: /metrics answers 404.
    metrics_token: str | None = None
    log_format: str = "text"
    # One line per request (uvicorn's in text, Gatehouse's in json); off, as it costs each request.
    access_log: bool = False
    # True: webhooks may use http and point at loopback or private addresses (tests, intranets).
    webhook_allow_private: bool = False
    # How often `serve` looks for due webhook deliveries, in seconds.
    webhook_poll_seconds: float = 2.0

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> Settings:
        config = Config(environ=dict(os.environ if environ is None else environ))
        public_url = config("GATEHOUSE_PUBLIC_URL", default=cls.public_url).rstrip("/")
        return cls(
            database_url=config("GATEHOUSE_DATABASE_URL", default=cls.database_url),
            debug=config("GATEHOUSE_DEBUG", cast=bool, default=False),
            public_url=public_url,
            admin_url=config("GATEHOUSE_ADMIN_URL", default="").rstrip("/") or None,
            cookie_secure=config("GATEHOUSE_COOKIE_SECURE", cast=bool, default=True),
            cors_origins=tuple(
                config("GATEHOUSE_CORS_ORIGINS", cast=CommaSeparatedStrings, default="")
            ),
            mail_backend=config("GATEHOUSE_MAIL_BACKEND", default=cls.mail_backend),
            mail_from=config("GATEHOUSE_MAIL_FROM", default=cls.mail_from),
            smtp_host=config("GATEHOUSE_SMTP_HOST", default=cls.smtp_host),
            smtp_port=config("GATEHOUSE_SMTP_PORT", cast=int, default=cls.smtp_port),
            smtp_username=config("GATEHOUSE_SMTP_USERNAME", default=None),
            smtp_password=config("GATEHOUSE_SMTP_PASSWORD", default=None),
            smtp_starttls=config("GATEHOUSE_SMTP_STARTTLS", cast=bool, default=False),
            mail_poll_seconds=config(
                "GATEHOUSE_MAIL_POLL_SECONDS", cast=float, default=cls.mail_poll_seconds
            ),
            rate_limit_storage=config(
                "GATEHOUSE_RATE_LIMIT_STORAGE", default=cls.rate_limit_storage
            ),
            rate_limits=config("GATEHOUSE_RATE_LIMITS", default=""),
            staff_session_idle=timedelta(
                minutes=config("GATEHOUSE_STAFF_SESSION_IDLE_MINUTES", cast=float, default=60)
            ),
            staff_session_lifetime=timedelta(
                hours=config("GATEHOUSE_STAFF_SESSION_HOURS", cast=float, default=12)
            ),
            customer_session_idle=timedelta(
                days=config("GATEHOUSE_CUSTOMER_SESSION_IDLE_DAYS", cast=float, default=7)
            ),
            customer_session_lifetime=timedelta(
                days=config("GATEHOUSE_CUSTOMER_SESSION_DAYS", cast=float, default=30)
            ),
            staff_mfa=config("GATEHOUSE_STAFF_MFA", default=cls.staff_mfa).strip().lower(),
            secret_key=config("GATEHOUSE_SECRET_KEY", default="") or None,
            argon2_time_cost=config("GATEHOUSE_ARGON2_TIME_COST", cast=int, default=2),
            argon2_memory_cost_kib=config(
                "GATEHOUSE_ARGON2_MEMORY_KIB", cast=int, default=19 * 1024
            ),
            argon2_parallelism=config("GATEHOUSE_ARGON2_PARALLELISM", cast=int, default=1),
            trusted_proxies=tuple(
                config("GATEHOUSE_TRUSTED_PROXIES", cast=CommaSeparatedStrings, default="127.0.0.1,::1")
            ),
            metrics_token=config("GATEHOUSE_METRICS_TOKEN", default="") or None,
            log_format=config("GATEHOUSE_LOG_FORMAT", default=cls.log_format).strip().lower(),
            access_log=config("GATEHOUSE_ACCESS_LOG", cast=bool, default=False),
            webhook_allow_private=config("GATEHOUSE_WEBHOOK_ALLOW_PRIVATE", cast=bool, default=False),
            webhook_poll_seconds=config(
                "GATEHOUSE_WEBHOOK_POLL_SECONDS", cast=float, default=cls.webhook_poll_seconds
            ),
        )
