"""The rate-limit counters in a real Redis: shared between limiters, read at start, and what a
storage that does not answer makes of a hit."""

from __future__ import annotations

import asyncio
import sys

import pytest

from auth.rate_limits import (
    REQUEST,
    STORAGE_BACKOFF_SECONDS,
    RateLimiter,
    RateLimitStorageError,
    RateLimitStorageUnavailable,
    RequestCounter,
    storage_url,
)
from tests.pg_cluster import free_port

LIMITS = "login=3/minute"


def dead_redis_url() -> str:
    return f"redis://127.0.0.1:{free_port()}/0"


async def test_two_limiters_on_one_redis_share_their_counters(redis_url):
    # Two processes of a fleet each build their own limiter; Redis holds the one count.
    first, second = RateLimiter(redis_url, LIMITS), RateLimiter(redis_url, LIMITS)

    answers = [await limiter.hit("login", "198.51.100.1") for limiter in (first, second, first, second)]

    assert answers[:3] == [None, None, None]
    assert answers[3] is not None
    assert 0 < answers[3].retry_after_seconds <= 60
    assert await second.hit("login", "198.51.100.2") is None  # another address, its own count


async def test_memory_counters_are_the_process_own(redis_url):
    first, second = RateLimiter("memory://", LIMITS), RateLimiter("memory://", LIMITS)
    for _ in range(3):
        assert await first.hit("login", "198.51.100.1") is None

    assert await first.hit("login", "198.51.100.1") is not None
    assert await second.hit("login", "198.51.100.1") is None
    assert not first.is_shared
    assert RateLimiter(redis_url, LIMITS).is_shared


async def test_a_redis_storage_that_answers_connects(redis_url):
    limiter = RateLimiter(redis_url, LIMITS)

    await limiter.connect()

    assert await limiter.storage_ready()


async def test_a_redis_storage_that_does_not_answer_is_refused_at_connect():
    limiter = RateLimiter(dead_redis_url(), LIMITS)

    with pytest.raises(RateLimitStorageUnavailable, match="cannot be reached"):
        await limiter.connect()
    assert not await limiter.storage_ready()


async def test_a_hit_on_a_storage_that_does_not_answer_raises_its_own_error():
    url = dead_redis_url()
    limiter = RateLimiter(url, LIMITS)

    with pytest.raises(RateLimitStorageUnavailable) as raised:
        await limiter.hit("login", "198.51.100.1", "flora:anna")

    assert url.removesuffix("/0") in str(raised.value)
    assert raised.value.__cause__ is not None  # the client's own error stays for the log


async def test_after_a_failure_the_storage_is_left_alone_for_a_moment_then_asked_again(own_redis):
    limiter = RateLimiter(own_redis.url, LIMITS)
    assert await limiter.hit("login", "198.51.100.1") is None
    own_redis.stop()
    with pytest.raises(RateLimitStorageUnavailable, match="did not answer"):
        await limiter.hit("login", "198.51.100.1")
    own_redis.start()  # back already, but the limiter does not know yet

    with pytest.raises(RateLimitStorageUnavailable, match="not asked again yet"):
        await limiter.hit("login", "198.51.100.1")
    await asyncio.sleep(STORAGE_BACKOFF_SECONDS)

    assert await limiter.hit("login", "198.51.100.1") is None  # recovered by itself


async def test_the_request_limit_is_counted_like_the_others(redis_url):
    limiter = RateLimiter(redis_url, "request=2/minute")

    answers = [await limiter.hit(REQUEST, "198.51.100.1") for _ in range(3)]

    assert answers[:2] == [None, None]
    assert answers[2] is not None
    assert [str(item) for item in limiter.limits_of(REQUEST)] == ["2 per 1 minute"]
    assert RateLimiter(redis_url, "off").limits_of(REQUEST) == []


def test_the_request_limit_is_600_a_minute_unless_set():
    assert [str(item) for item in RateLimiter().limits_of(REQUEST)] == ["600 per 1 minute"]


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("redis://127.0.0.1:notaport/0", "the port in 'redis://127.0.0.1:notaport/0' is not a number"),
        ("redis://127.0.0.1:6379/first", "'redis://127.0.0.1:6379/first' is not"),
        ("redis:///0", "'redis:///0' is not"),
        ("redis://127.0.0.1:6379/0?timeout=never", "is not"),
        ("mongodb://127.0.0.1/limits", "'mongodb://127.0.0.1/limits' is not memory:// or redis://"),
        ("memory", "'memory' is not"),
    ],
)
def test_a_malformed_storage_url_is_refused_with_what_was_expected(url, said):
    with pytest.raises(RateLimitStorageError, match="GATEHOUSE_RATE_LIMIT_STORAGE") as raised:
        RateLimiter(url)

    assert said in str(raised.value)


def test_a_refused_url_never_shows_its_password():
    with pytest.raises(RateLimitStorageError) as raised:
        storage_url("redis://gatehouse:s3cret-pass@127.0.0.1:port/0")

    assert "s3cret-pass" not in str(raised.value)
    assert "127.0.0.1:port" in str(raised.value)


async def test_a_failing_storage_never_shows_its_password():
    limiter = RateLimiter(f"redis://gatehouse:s3cret-pass@127.0.0.1:{free_port()}/0", LIMITS)

    with pytest.raises(RateLimitStorageUnavailable) as raised:
        await limiter.hit("login", "198.51.100.1")

    assert "s3cret-pass" not in str(raised.value)


@pytest.mark.parametrize("url", ["redis://127.0.0.1:6379", "redis://127.0.0.1/2", "rediss://cache.internal:6380/0"])
def test_redis_urls_with_or_without_port_and_database_are_accepted(url):
    assert storage_url(url) == f"async+{url}"


def test_a_redis_url_without_the_client_library_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "coredis", None)  # what an import finds when it is not installed

    with pytest.raises(RateLimitStorageError) as raised:
        RateLimiter("redis://127.0.0.1:6379/0")

    assert "pip install 'gatehouse[redis]'" in str(raised.value)
    assert RateLimiter("memory://").enabled  # memory needs no client


@pytest.mark.parametrize(
    ("spec", "batch"),
    [("", 10), ("request=200/minute", 4), ("request=99/minute", 1), ("request=3/minute", 1),
     ("request=100000/minute,600/hour", 10)],
)
def test_the_request_limit_goes_to_redis_in_batches_of_a_fiftieth_of_it_at_most_ten(redis_url, spec, batch):
    assert RequestCounter(RateLimiter(redis_url, spec)).batch == batch
    assert RequestCounter(RateLimiter("memory://", spec)).batch == 1  # in memory, each request at once


async def test_two_processes_request_counts_add_up_in_redis_within_a_batch_each(redis_url):
    # 100 a minute, in batches of 2: two counters (two processes) hitting from one address.
    first, second = (RequestCounter(RateLimiter(redis_url, "request=100/minute")) for _ in range(2))

    answers = [await (first, second)[number % 2].hit("198.51.100.1") for number in range(160)]

    let_through = answers.count(None)
    # Each on its own would have let all its 80 through; together they stop near 100.
    assert 100 - 2 * first.batch <= let_through <= 100 + 2 * first.batch
    assert all(answer is None for answer in answers[:96])
    assert all(answer is not None for answer in answers[-40:])
    assert await second.hit("198.51.100.2") is None  # another address, its own count


async def test_a_refused_address_is_refused_without_asking_the_storage_again(own_redis):
    counter = RequestCounter(RateLimiter(own_redis.url, "request=2/minute"))
    assert [await counter.hit("198.51.100.1") for _ in range(2)] == [None, None]
    refused = await counter.hit("198.51.100.1")
    assert refused is not None

    own_redis.stop()
    again = await counter.hit("198.51.100.1")  # the storage is gone, the refusal is remembered

    assert again is not None
    assert 0 < again.retry_after_seconds <= refused.retry_after_seconds
    with pytest.raises(RateLimitStorageUnavailable):
        await counter.hit("198.51.100.2")  # a new address needs the storage


async def test_the_request_counter_is_off_with_the_limits(redis_url):
    counter = RequestCounter(RateLimiter(redis_url, "off"))

    assert not counter.enabled
    assert await counter.hit("198.51.100.1") is None
