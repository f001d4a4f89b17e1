"""Prometheus metrics: what is counted, and `GET /metrics`, which shows it to one bearer token.

Counted as requests go (cheap: a dictionary look-up and an increment each):
requests to /graphql by operation and outcome, their latency, failed sign-ins,
rate-limit refusals. Read from the database at scrape time: the outbox.

Under `gatehouse serve --workers N`, each worker counts in files of the
directory in `PROMETHEUS_MULTIPROC_DIR` (prometheus-client's multiprocess
mode, chosen when the library is first imported; `serve` makes a fresh
directory before the workers start), and a scrape, whichever worker answers
it, adds every worker's files up.
"""

from __future__ import annotations

import atexit
import contextlib
import hmac
import logging
import os
import shutil
import tempfile
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
    values,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from tortoise.functions import Count

from auth.rate_limits import DEFAULT_LIMITS
from auth.tokens import bearer_credentials
from models import OutboxMessage, OutboxStatus
from resolvers.events import SignInKind

logger = logging.getLogger("gatehouse.metrics")

MULTIPROCESS_DIRECTORY = "PROMETHEUS_MULTIPROC_DIR"

# No `_created` series beside each counter: Prometheus needs none, and it doubles every scrape.
disable_created_metrics()

GRAPHQL_REQUESTS = Counter(
    "gatehouse_graphql_requests",
    "Requests to /graphql, by operation (operationName, else the first root field) and outcome "
    "(ok, user_error, the first GraphQL error's code, the HTTP status class when GraphQL "
    "never ran, or disconnected when the client left before its answer was written).",
    ["operation", "outcome"],
)
GRAPHQL_DURATION = Histogram(
    "gatehouse_graphql_request_duration_seconds",
    "Time from a /graphql request's arrival to the end of its answer, by operation.",
    ["operation"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
SIGN_IN_FAILURES = Counter(
    "gatehouse_sign_in_failures",
    "Sign-ins refused for an unknown account or a wrong password, by kind (customer, staff).",
    ["kind"],
)
RATE_LIMIT_REFUSALS = Counter(
    "gatehouse_rate_limit_refusals",
    "Attempts a rate limit refused, by limited operation.",
    ["operation"],
)
# Every known label value from the start, so a rate of zero shows as 0, not as no series.
for _kind in SignInKind:
    SIGN_IN_FAILURES.labels(_kind.value)
for _operation in DEFAULT_LIMITS:
    RATE_LIMIT_REFUSALS.labels(_operation)


class _RequestSeries:
    """The labelled children of the request metrics, kept so a request skips `labels()`."""

    def __init__(self) -> None:
        self._counters: dict[tuple[str, str], Counter] = {}
        self._histograms: dict[str, Histogram] = {}

    def record(self, operation: str, outcome: str, seconds: float) -> None:
        counter = self._counters.get((operation, outcome))
        if counter is None:
            counter = self._counters[(operation, outcome)] = GRAPHQL_REQUESTS.labels(operation, outcome)
        histogram = self._histograms.get(operation)
        if histogram is None:
            histogram = self._histograms[operation] = GRAPHQL_DURATION.labels(operation)
        counter.inc()
        histogram.observe(seconds)


record_graphql_request = _RequestSeries().record


class PrometheusEvents:
    """The use cases' observer (resolvers/events.py) that counts what they report."""

    def sign_in_failed(self, kind: SignInKind) -> None:
        SIGN_IN_FAILURES.labels(kind.value).inc()

    def rate_limited(self, operation: str) -> None:
        RATE_LIMIT_REFUSALS.labels(operation).inc()


USE_CASE_EVENTS = PrometheusEvents()


@dataclass(frozen=True)
class OutboxBacklog:
    by_status: dict[OutboxStatus, int]
    oldest_queued_age_seconds: float


async def read_outbox_backlog(now: datetime) -> OutboxBacklog:
    """Two statements: the rows by status, and the oldest queued row (on the (status, id) index)."""
    counts = dict(
        await OutboxMessage.annotate(count=Count("id"))
        .group_by("status")
        .order_by()
        .values_list("status", "count")
    )
    oldest = (
        await OutboxMessage.filter(status=OutboxStatus.QUEUED).order_by("id").first().values("created_at")
    )
    age = max(0.0, (now - _aware(oldest["created_at"])).total_seconds()) if oldest else 0.0
    return OutboxBacklog({status: int(counts.get(status, 0)) for status in OutboxStatus}, age)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class OutboxCollector:
    """The outbox as gauges, from one scrape's reading of the database."""

    def __init__(self, backlog: OutboxBacklog) -> None:
        self.backlog = backlog

    def collect(self) -> Iterator[Metric]:
        rows = GaugeMetricFamily(
            "gatehouse_outbox_messages", "Mails in the outbox, by status.", labels=["status"]
        )
        for status, count in self.backlog.by_status.items():
            rows.add_metric([status.value], count)
        yield rows
        yield GaugeMetricFamily(
            "gatehouse_outbox_oldest_queued_age_seconds",
            "Age of the oldest mail still queued (0 when none is).",
            value=self.backlog.oldest_queued_age_seconds,
        )


def in_multiprocess_mode() -> bool:
    """Whether this process counts in files: chosen once, when prometheus-client was imported."""
    return bool(getattr(values.ValueClass, "_multiprocess", False))


def counted_metrics() -> bytes:
    """What the counters hold: this process's, or every worker's files added up."""
    if not in_multiprocess_mode():
        return generate_latest(REGISTRY)
    registry = CollectorRegistry()
    MultiProcessCollector(registry)
    return generate_latest(registry)


async def outbox_metrics() -> bytes:
    """The outbox gauges; nothing (and a warning in the log) while the database cannot answer."""
    try:
        backlog = await read_outbox_backlog(datetime.now(UTC))
    except Exception as error:  # a scrape must still show the counters
        logger.warning("Metrics without the outbox: the database did not answer (%s)", type(error).__name__)
        return b""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(OutboxCollector(backlog))
    return generate_latest(registry)


def _presented_token(request: Request) -> str | None:
    return bearer_credentials(request.headers.get("authorization", ""))


def metrics_routes(token: str | None) -> list[Route]:
    """`GET /metrics` for `Authorization: Bearer <token>`; none (so a 404) without a token."""
    if not token:
        return []
    expected = token.encode()

    async def metrics(request: Request) -> Response:
        presented = _presented_token(request)
        if presented is None:
            return JSONResponse(
                {"error": "Send the metrics token as `Authorization: Bearer <token>`."},
                status_code=401, headers={"WWW-Authenticate": "Bearer"},
            )
        if not hmac.compare_digest(presented.encode(), expected):
            return JSONResponse({"error": "This is not the metrics token."}, status_code=403)
        body = counted_metrics() + await outbox_metrics()
        return Response(body, media_type=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"})

    return [Route("/metrics", metrics, methods=["GET"])]


def count_across_workers(workers: int) -> None:
    """Before `serve` starts `workers` > 1 processes: a fresh, empty directory for their counts.

    Set in the environment the workers inherit (they are started afresh, so each imports
    prometheus-client in multiprocess mode); removed when `serve` exits.
    """
    if workers <= 1:
        return
    directory = tempfile.mkdtemp(prefix="gatehouse-metrics-")
    os.environ[MULTIPROCESS_DIRECTORY] = directory
    atexit.register(shutil.rmtree, directory, ignore_errors=True)


@contextlib.asynccontextmanager
async def worker_lifetime() -> AsyncIterator[None]:
    """A serving process's life; at its end, its live gauges leave the sums (its counts stay)."""
    try:
        yield
    finally:
        if in_multiprocess_mode():
            mark_process_dead(os.getpid())
