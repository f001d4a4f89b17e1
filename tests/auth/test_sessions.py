"""auth/sessions.py on a real database: when a session ends, what the purge deletes, and who
manages whose."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from auth.sessions import (
    SessionLifetimes,
    SessionPolicy,
    may_manage_sessions_of,
    staff_viewer,
    start_session,
    viewer_for_token,
)
from auth.viewer import Viewer
from models import AdminUser, Session, Shop, StaffRole
from resolvers.retention import purge_ended_sessions as retention_purge
from tests.factories import make_admin, make_customer, make_shop
from tests.use_cases import cheap_runtime

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
POLICY = SessionPolicy()


async def purge_ended_sessions(now: datetime, policy: SessionPolicy) -> int:
    """The retention purge of sessions, at `now` under `policy`."""
    return await retention_purge(cheap_runtime(sessions=policy, clock=lambda: now))


async def session_of(account, *, signed_in_ago: timedelta, last_seen_ago: timedelta) -> Session:
    """A session of `account` signed in and last used the given times before NOW."""
    kind = {"admin": account} if isinstance(account, AdminUser) else {"shop_user": account}
    _, session = await start_session(now=NOW - signed_in_ago, policy=POLICY, **kind)
    session.last_seen_at = NOW - last_seen_ago
    await session.save(update_fields=["last_seen_at"])
    return session


async def test_a_session_remembers_the_clock_it_was_started_by(db):
    admin = await make_admin()
    _, session = await start_session(now=NOW, policy=POLICY, admin=admin, user_agent="x" * 300)

    stored = await Session.get(id=session.id)
    assert stored.created_at == stored.last_seen_at == NOW
    assert stored.expires_at == NOW + timedelta(hours=12)
    assert stored.user_agent == "x" * 255


async def test_the_purge_deletes_exactly_the_expired_and_the_idle_sessions(db):
    # given sessions of both kinds on either side of their idle and absolute ends
    admin = await make_admin()
    anna = await make_customer(await make_shop("flora"), "anna")
    minute = timedelta(minutes=1)
    live = [
        await session_of(admin, signed_in_ago=timedelta(hours=11), last_seen_ago=timedelta(minutes=59)),
        await session_of(admin, signed_in_ago=timedelta(hours=12) - minute, last_seen_ago=minute),
        await session_of(anna, signed_in_ago=timedelta(days=29), last_seen_ago=timedelta(days=6, hours=23)),
        await session_of(anna, signed_in_ago=timedelta(days=30) - minute, last_seen_ago=minute),
    ]
    ended = [
        await session_of(admin, signed_in_ago=timedelta(hours=2), last_seen_ago=timedelta(minutes=60)),
        await session_of(admin, signed_in_ago=timedelta(hours=12), last_seen_ago=minute),
        await session_of(anna, signed_in_ago=timedelta(days=8), last_seen_ago=timedelta(days=7)),
        await session_of(anna, signed_in_ago=timedelta(days=30), last_seen_ago=minute),
    ]

    # when the purge runs
    purged = await purge_ended_sessions(NOW, POLICY)

    # then exactly the ended ones are gone, and they are what the policy calls ended
    assert purged == len(ended)
    assert sorted(s.id for s in await Session.all()) == sorted(s.id for s in live)
    assert all(POLICY.is_live(s, NOW) for s in live)
    assert not any(POLICY.is_live(s, NOW) for s in ended)
    assert await purge_ended_sessions(NOW, POLICY) == 0


async def test_the_purge_follows_the_configured_lifetimes(db):
    admin = await make_admin()
    session = await session_of(
        admin, signed_in_ago=timedelta(minutes=20), last_seen_ago=timedelta(minutes=16)
    )
    brisk = SessionPolicy(staff=SessionLifetimes(timedelta(minutes=15), timedelta(hours=1)))

    assert await purge_ended_sessions(NOW, POLICY) == 0
    assert await purge_ended_sessions(NOW, brisk) == 1
    assert not await Session.exists(id=session.id)


async def test_a_token_signs_nobody_in_once_its_session_is_idle_even_before_the_purge(db):
    admin = await make_admin()
    used, session = await start_session(now=NOW, policy=POLICY, admin=admin)
    unused, _ = await start_session(now=NOW, policy=POLICY, admin=admin)

    almost = await viewer_for_token(used, NOW + timedelta(minutes=59), POLICY, mfa_required=False)
    idle = await viewer_for_token(unused, NOW + timedelta(minutes=60), POLICY, mfa_required=False)

    assert almost.viewer is not None
    assert almost.viewer.session_id == session.id
    assert (idle.viewer, idle.ended) == (None, True)
    assert (await viewer_for_token(None, NOW, POLICY, mfa_required=False)).ended is False


async def test_two_lookups_in_the_same_minute_write_last_seen_once(db):
    admin = await make_admin()
    token, session = await start_session(now=NOW, policy=POLICY, admin=admin)
    later = NOW + timedelta(minutes=5)

    await viewer_for_token(token, later, POLICY, mfa_required=False)
    await viewer_for_token(token, later + timedelta(seconds=30), POLICY, mfa_required=False)

    assert (await Session.get(id=session.id)).last_seen_at == later


async def staff(role: StaffRole, shops: list[Shop] | None = None, email: str | None = None) -> AdminUser:
    admin = await AdminUser.create(
        email=email or f"{role.value.lower()}{len(shops or [])}@example.com",
        role=role,
        all_shops=shops is None,
    )
    if shops:
        await admin.shops.add(*shops)
    return admin


async def viewer_of(admin: AdminUser) -> Viewer:
    return await staff_viewer(0, admin, mfa_required=False)


@pytest.mark.parametrize(
    ("role", "may"),
    [(StaffRole.OWNER, True), (StaffRole.MANAGER, False), (StaffRole.SUPPORT, False),
     (StaffRole.REVIEWER, False), (StaffRole.AUDITOR, False)],
)
async def test_only_staff_who_manage_staff_manage_a_colleagues_sessions(db, role, may):
    colleague = await staff(StaffRole.REVIEWER, email="colleague@example.com")
    asker = await viewer_of(await staff(role))

    assert await may_manage_sessions_of(asker, colleague) is may
    assert await may_manage_sessions_of(await viewer_of(colleague), colleague) is True


async def test_an_owner_of_some_shops_manages_only_colleagues_within_them(db):
    flora, greenhouse = await make_shop("flora"), await make_shop("greenhouse")
    owner = await viewer_of(await staff(StaffRole.OWNER, [flora], "owner@example.com"))

    assert await may_manage_sessions_of(owner, await staff(StaffRole.SUPPORT, [flora])) is True
    assert await may_manage_sessions_of(owner, await staff(StaffRole.SUPPORT, [flora, greenhouse])) is False
    assert await may_manage_sessions_of(owner, await staff(StaffRole.SUPPORT)) is False


@pytest.mark.parametrize(
    ("role", "may"),
    [(StaffRole.OWNER, True), (StaffRole.MANAGER, True), (StaffRole.SUPPORT, True),
     (StaffRole.REVIEWER, False), (StaffRole.AUDITOR, False)],
)
async def test_staff_who_support_shop_users_manage_their_sessions_in_their_shops(db, role, may):
    flora, greenhouse = await make_shop("flora"), await make_shop("greenhouse")
    anna = await make_customer(flora, "anna")
    bert = await make_customer(greenhouse, "bert")
    in_flora = await viewer_of(await staff(role, [flora]))

    assert await may_manage_sessions_of(in_flora, anna) is may
    assert await may_manage_sessions_of(in_flora, bert) is False


async def test_a_customer_manages_only_its_own_sessions(db):
    shop = await make_shop("flora")
    anna, bert = await make_customer(shop, "anna"), await make_customer(shop, "bert")
    admin = await make_admin()
    as_anna = Viewer(0, shop_user=anna)

    assert await may_manage_sessions_of(as_anna, anna) is True
    assert await may_manage_sessions_of(as_anna, bert) is False
    # the same id in the other kind of account is someone else
    assert anna.id == admin.id
    assert await may_manage_sessions_of(as_anna, admin) is False
