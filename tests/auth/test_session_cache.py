"""The session cache itself: what a change drops, a late read kept out, copies handed out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from auth.scopes import EVERY_SHOP
from auth.session_cache import CachedSession, SessionCache
from models import Session, ShopUser
from models.changes import Change, Changed, ChangeFeed
from tests.factories import make_customer, make_shop

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


def entry(session_id: int, shop_user: ShopUser) -> CachedSession:
    session = Session(
        id=session_id, token_hash=f"hash{session_id}", shop_user=shop_user,
        created_at=NOW, last_seen_at=NOW, expires_at=NOW + timedelta(days=30),
    )
    return CachedSession(session, EVERY_SHOP)


@pytest.fixture
def feed() -> ChangeFeed:
    return ChangeFeed()


@pytest.fixture
async def users(db) -> dict[int, ShopUser]:
    """Three shop users, known by number (their ids differ)."""
    shop = await make_shop("flora")
    made = [await make_customer(shop, f"user{n}", language="nl") for n in (10, 11, 12)]
    return dict(zip((10, 11, 12), made, strict=True))


def cache_of(feed: ChangeFeed, *entries: CachedSession, size: int = 100) -> SessionCache:
    cache = SessionCache(size=size, feed=feed)
    for cached in entries:
        cache.put(cached.session.token_hash, cached, read_at_generation=cache.generation)
    return cache


def test_a_change_of_an_account_drops_its_sessions_only(users, feed):
    cache = cache_of(feed, entry(1, users[10]), entry(2, users[10]), entry(3, users[11]))

    feed.tell(Change(Changed.SHOP_USER, frozenset({users[10].id})))

    assert [cache.get(f"hash{n}") is None for n in (1, 2, 3)] == [True, True, False]


def test_an_ended_session_is_dropped_and_its_siblings_kept(users, feed):
    cache = cache_of(feed, entry(1, users[10]), entry(2, users[10]))

    feed.tell(Change(Changed.SESSION, frozenset({1})))

    assert (cache.get("hash1"), cache.get("hash2") is not None) == (None, True)


def test_a_change_of_every_row_of_a_kind_drops_them_all(users, feed):
    cache = cache_of(feed, entry(1, users[10]), entry(2, users[11]))

    feed.tell(Change(Changed.SHOP_USER, None))

    assert len(cache) == 0


def test_a_read_that_a_change_overtook_is_not_kept(users, feed):
    cache = SessionCache(feed=feed)
    read_at = cache.generation  # the read starts
    feed.tell(Change(Changed.SHOP_USER, frozenset({users[10].id})))  # a change lands while it runs

    cache.put("hash1", entry(1, users[10]), read_at_generation=read_at)

    assert cache.get("hash1") is None


def test_nothing_is_handed_out_while_changes_cannot_be_heard(users, feed):
    cache = cache_of(feed, entry(1, users[10]))
    feed.hears_every_change = False

    assert cache.get("hash1") is None


def test_each_request_gets_its_own_copy_of_the_account(users, feed):
    cache = cache_of(feed, entry(1, users[10]))

    handed_out = cache.get("hash1")
    assert handed_out is not None
    assert handed_out.session.shop_user is not None
    handed_out.session.shop_user.language = "de"  # a use case changes its viewer's account

    again = cache.get("hash1")
    assert again is not None
    assert again.session.shop_user is not None
    assert again.session.shop_user.language == "nl"


def test_the_least_recently_used_leave_a_full_cache(users, feed):
    cache = cache_of(feed, entry(1, users[10]), entry(2, users[11]), size=2)
    cache.get("hash1")

    cache.put("hash3", entry(3, users[12]), read_at_generation=cache.generation)

    assert [cache.get(f"hash{n}") is not None for n in (1, 2, 3)] == [True, False, True]
