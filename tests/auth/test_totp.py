"""TOTP codes (RFC 6238) and recovery codes, against codes pyotp computes on its own."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, unquote, urlsplit

import pyotp

from auth import recovery_codes, totp
from auth.tokens import hash_token

MOMENT = datetime(2026, 3, 14, 9, 26, 53, tzinfo=UTC)


def code_at(secret: str, moment: datetime) -> str:
    return pyotp.TOTP(secret).at(moment)


def test_a_new_secret_is_160_bits_of_base32_and_never_the_same_twice():
    secrets = {totp.new_secret() for _ in range(20)}

    assert len(secrets) == 20
    for secret in secrets:
        assert re.fullmatch(r"[A-Z2-7]{32}", secret)


def test_the_provisioning_uri_names_gatehouse_the_account_and_the_secret():
    secret = totp.new_secret()

    uri = urlsplit(totp.provisioning_uri(secret, "staff@example.com"))

    assert (uri.scheme, uri.netloc) == ("otpauth", "totp")
    assert unquote(uri.path) == "/Gatehouse:staff@example.com"
    query = parse_qs(uri.query)
    assert query["secret"] == [secret]
    assert query["issuer"] == ["Gatehouse"]


def test_the_code_of_now_matches_the_step_of_now():
    secret = totp.new_secret()

    step = totp.matched_step(secret, code_at(secret, MOMENT), MOMENT)

    assert step == int(MOMENT.timestamp()) // 30 == totp.step_at(MOMENT)


def test_the_step_before_and_after_are_accepted_two_steps_away_are_not():
    secret = totp.new_secret()
    now = totp.step_at(MOMENT)

    matched = {
        offset: totp.matched_step(secret, code_at(secret, MOMENT + timedelta(seconds=30 * offset)), MOMENT)
        for offset in (-2, -1, 1, 2)
    }

    assert matched == {-2: None, -1: now - 1, 1: now + 1, 2: None}


def test_spaces_are_ignored_and_what_is_not_six_digits_is_refused():
    secret = totp.new_secret()
    code = code_at(secret, MOMENT)

    assert totp.matched_step(secret, f" {code[:3]} {code[3:]} ", MOMENT) == totp.step_at(MOMENT)
    # Digits of other scripts are digits to Python's isdigit, never to a code.
    fullwidth = "".join(chr(0xFF10 + int(digit)) for digit in code)
    for wrong in ("", code[:5], f"{code}0", "abcdef", fullwidth, str((int(code) + 1) % 10**6).zfill(6)):
        assert totp.matched_step(secret, wrong, MOMENT) is None, wrong


def test_recovery_codes_are_ten_different_codes_of_two_groups_of_five_readable_characters():
    codes = recovery_codes.new_codes()

    assert len(set(codes)) == 10
    for code in codes:
        assert re.fullmatch(r"[2-9a-hjkmnp-z]{5}-[2-9a-hjkmnp-z]{5}", code), code


def test_a_recovery_code_is_compared_without_case_hyphens_or_spaces():
    code = recovery_codes.new_codes()[0]
    typed = f" {code.upper().replace('-', ' ')} "

    assert recovery_codes.code_hash(typed) == recovery_codes.code_hash(code)
    assert recovery_codes.code_hash(code) == hash_token(code.replace("-", ""))
    assert recovery_codes.looks_like_code(recovery_codes.normalised(typed))
    assert not recovery_codes.looks_like_code(recovery_codes.normalised("123456"))
    # No character that reads as another: 0/o and 1/l/i are not in the alphabet.
    assert not set("01oli") & set(recovery_codes.ALPHABET)
