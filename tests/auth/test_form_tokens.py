"""Form tokens: signed shop and time, checked for key, shop and age, with every key of the setting."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from datetime import UTC, datetime, timedelta

import pytest

from auth.form_tokens import MIN_AGE, FormTokenProblem, FormTokens
from auth.secret_box import InvalidSecretKey, SecretBox

READ_AT = datetime(2026, 3, 14, 9, 26, 53, 250_000, tzinfo=UTC)
SHOP = 7
OTHER_SHOP = 8
OLD_KEY = SecretBox.new_key()
NEW_KEY = SecretBox.new_key()


@pytest.fixture
def tokens() -> FormTokens:
    return FormTokens.from_secret_key(OLD_KEY)


def checked_after(tokens: FormTokens, delay: timedelta, shop_id: int = SHOP) -> FormTokenProblem | None:
    return tokens.check(tokens.mint(SHOP, READ_AT), shop_id, READ_AT + delay)


def test_a_token_is_compact_url_safe_text_of_version_shop_and_milliseconds(tokens):
    token = tokens.mint(SHOP, READ_AT)

    version, shop, issued, signature = token.split(".")
    assert (version, shop) == ("1", "7")
    assert int(issued) == int(READ_AT.timestamp() * 1000)
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", signature)
    assert len(tokens.mint(2**31 - 1, READ_AT)) < 80


def test_a_token_is_good_from_two_seconds_after_the_read(tokens):
    assert checked_after(tokens, MIN_AGE) is None
    assert checked_after(tokens, timedelta(minutes=3)) is None


def test_a_form_posted_sooner_than_two_seconds_is_too_fast(tokens):
    for delay in (timedelta(0), timedelta(seconds=1.9), MIN_AGE - timedelta(milliseconds=1)):
        assert checked_after(tokens, delay) is FormTokenProblem.TOO_FAST, delay


def test_a_token_is_good_for_exactly_24_hours_and_expired_after(tokens):
    assert checked_after(tokens, timedelta(hours=24)) is None
    assert checked_after(tokens, timedelta(hours=24, milliseconds=1)) is FormTokenProblem.EXPIRED
    assert checked_after(tokens, timedelta(days=30)) is FormTokenProblem.EXPIRED


def test_a_token_from_a_clock_a_little_ahead_is_too_fast_from_far_ahead_expired(tokens):
    assert checked_after(tokens, -timedelta(minutes=5)) is FormTokenProblem.TOO_FAST
    assert checked_after(tokens, -timedelta(minutes=5, milliseconds=1)) is FormTokenProblem.EXPIRED


def test_another_shops_token_is_refused_whatever_its_age(tokens):
    assert checked_after(tokens, timedelta(minutes=3), OTHER_SHOP) is FormTokenProblem.OTHER_SHOP
    assert checked_after(tokens, timedelta(0), OTHER_SHOP) is FormTokenProblem.OTHER_SHOP


def test_a_token_changed_in_any_one_character_is_forged(tokens):
    token = tokens.mint(SHOP, READ_AT)
    later = READ_AT + timedelta(minutes=3)

    for index, character in enumerate(token):
        for replacement in {"0", "1", "A", "B", "-", "."} - {character}:
            changed = token[:index] + replacement + token[index + 1 :]
            assert tokens.check(changed, SHOP, later) is FormTokenProblem.FORGED, changed


def test_a_signature_spelled_another_way_is_forged(tokens):
    token = tokens.mint(SHOP, READ_AT)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    # The last of 43 base64 characters carries two spare bits: this one decodes to the same digest.
    respelled = token[:-1] + alphabet[alphabet.index(token[-1]) ^ 1]
    signature, same_digest = (spelled.rsplit(".", 1)[1] + "=" for spelled in (token, respelled))
    assert base64.urlsafe_b64decode(signature) == base64.urlsafe_b64decode(same_digest)

    assert tokens.check(respelled, SHOP, READ_AT + MIN_AGE) is FormTokenProblem.FORGED


def test_a_token_for_a_shop_or_time_of_ones_choosing_is_forged(tokens):
    _, shop, issued, signature = tokens.mint(SHOP, READ_AT).split(".")
    later = READ_AT + timedelta(minutes=3)
    an_hour_older = int(issued) - 3_600_000

    assert tokens.check(f"1.{OTHER_SHOP}.{issued}.{signature}", OTHER_SHOP, later) is FormTokenProblem.FORGED
    assert tokens.check(f"1.{shop}.{an_hour_older}.{signature}", SHOP, later) is FormTokenProblem.FORGED
    assert tokens.check(f"1.0{shop}.{issued}.{signature}", SHOP, later) is FormTokenProblem.FORGED
    assert tokens.check(f"2.{shop}.{issued}.{signature}", SHOP, later) is FormTokenProblem.FORGED


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        ".",
        "1...",
        "not a token",
        "1.7.1773480413250.",
        "ünïcødé.🙂.١٢٣.\ud800",
        "1.\u0667.1773480413250." + "A" * 43,  # an Arabic-Indic seven
        "x" * 10_000,
        "1.7.1773480413250." + "A" * 10_000,
        "\x00" * 80,
    ],
    ids=lambda garbage: repr(garbage[:24]),
)
def test_garbage_is_forged_and_never_an_exception(tokens, garbage):
    assert tokens.check(garbage, SHOP, READ_AT) is FormTokenProblem.FORGED


def test_a_truncated_token_or_one_with_anything_around_it_is_forged(tokens):
    token = tokens.mint(SHOP, READ_AT)
    later = READ_AT + timedelta(minutes=3)

    truncated = (token[:-1], token[:-10], token[: len(token) // 2])
    wrapped = (f" {token}", f"{token}\n", f"{token}==", f"{token}.{token}")
    for refused in (*truncated, *wrapped):
        assert tokens.check(refused, SHOP, later) is FormTokenProblem.FORGED, refused


def test_a_token_of_another_key_is_forged():
    of_another_key = FormTokens.from_secret_key(NEW_KEY).mint(SHOP, READ_AT)

    assert FormTokens.from_secret_key(OLD_KEY).check(of_another_key, SHOP, READ_AT + MIN_AGE) is (
        FormTokenProblem.FORGED
    )


def test_after_rotation_the_new_key_signs_and_tokens_of_the_old_key_still_pass():
    before = FormTokens.from_secret_key(OLD_KEY)
    rotated = FormTokens.from_secret_key(f"{NEW_KEY}, {OLD_KEY}")
    new_key_only = FormTokens.from_secret_key(NEW_KEY)
    later = READ_AT + MIN_AGE

    assert rotated.check(before.mint(SHOP, READ_AT), SHOP, later) is None
    assert rotated.mint(SHOP, READ_AT) == new_key_only.mint(SHOP, READ_AT)
    assert before.check(rotated.mint(SHOP, READ_AT), SHOP, later) is FormTokenProblem.FORGED
    # Once the old key is dropped, its tokens stop passing.
    assert new_key_only.check(before.mint(SHOP, READ_AT), SHOP, later) is FormTokenProblem.FORGED


def test_tokens_are_deterministic_per_shop_and_millisecond(tokens):
    assert tokens.mint(SHOP, READ_AT) == FormTokens.from_secret_key(OLD_KEY).mint(SHOP, READ_AT)
    assert tokens.mint(SHOP, READ_AT) != tokens.mint(OTHER_SHOP, READ_AT)
    assert tokens.mint(SHOP, READ_AT) != tokens.mint(SHOP, READ_AT + timedelta(milliseconds=1))


def test_the_token_holds_no_key_material_and_is_not_signed_with_the_fernet_key_itself(tokens):
    token = tokens.mint(SHOP, READ_AT)
    payload, signature = token.rsplit(".", 1)
    fernet_key = base64.urlsafe_b64decode(OLD_KEY)

    assert OLD_KEY not in token
    assert base64.urlsafe_b64encode(fernet_key).decode().rstrip("=")[:16] not in token
    for key in (fernet_key, OLD_KEY.encode()):
        plain_hmac = hmac.new(key, payload.encode(), hashlib.sha256).digest()
        assert signature != base64.urlsafe_b64encode(plain_hmac).decode().rstrip("=")


@pytest.mark.parametrize("setting", ["", " , ", "not-a-key", f"{OLD_KEY},short", "ü" * 44])
def test_a_setting_that_holds_no_keys_is_refused_as_the_secret_box_refuses_it(setting):
    with pytest.raises(InvalidSecretKey):
        SecretBox(setting)
    with pytest.raises(InvalidSecretKey):
        FormTokens.from_secret_key(setting)
