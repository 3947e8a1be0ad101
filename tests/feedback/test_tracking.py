import re

import pytest

from feedback.tracking import (
    ALPHABET,
    hash_secret,
    new_secret,
    new_tracking_code,
    normalize_tracking_code,
    secret_matches,
)


def test_code_is_readable_and_carries_province_and_year():
    code = new_tracking_code(year=2026)

    assert re.fullmatch(r"DB-26-[0-9A-Z]{3}-[0-9A-Z]{3}-[0-9A-Z]{3}", code)
    assert not set(code.replace("-", "")[4:]) & set("ILOU")


def test_codes_do_not_repeat():
    assert len({new_tracking_code() for _ in range(2000)}) == 2000


def test_a_valid_code_survives_spaces_lower_case_and_confusable_letters():
    code = new_tracking_code(year=2026)
    typed = code.lower().replace("-", " ").replace("0", "o").replace("1", "l")

    assert normalize_tracking_code(typed) == code


@pytest.mark.parametrize("position", range(6, 17))
def test_any_single_typo_is_caught_by_the_check_character(position):
    code = new_tracking_code(year=2026)
    if code[position] == "-":
        return
    for replacement in ALPHABET:
        if replacement == code[position]:
            continue
        typo = code[:position] + replacement + code[position + 1 :]
        assert normalize_tracking_code(typo) is None


def test_garbage_is_refused():
    for raw in ["", "DB-26", "DROP TABLE", "DB-26-AAA-AAA-AA", "<script>"]:
        assert normalize_tracking_code(raw) is None


def test_secret_is_checked_by_keyed_hash():
    code, secret = new_tracking_code(), new_secret()
    stored = hash_secret(tracking_code=code, secret=secret)

    assert secret not in stored
    assert secret_matches(tracking_code=code, secret=secret.lower(), secret_hash=stored)
    assert not secret_matches(tracking_code=code, secret="AAAAAA", secret_hash=stored)


def test_rotating_secret_key_keeps_every_tracking_secret_valid(settings):
    # Given secrets hashed under one SECRET_KEY
    settings.SECRET_KEY = "old-django-secret-key"
    pairs = [(new_tracking_code(), new_secret()) for _ in range(20)]
    stored = [hash_secret(tracking_code=c, secret=s) for c, s in pairs]

    # When SECRET_KEY is rotated, then every old secret still matches (and a wrong one still does not)
    settings.SECRET_KEY = "a-completely-new-django-secret-key"
    assert all(
        secret_matches(tracking_code=c, secret=s, secret_hash=h) for (c, s), h in zip(pairs, stored, strict=True)
    )
    assert not secret_matches(tracking_code=pairs[0][0], secret="AAAAAA", secret_hash=stored[0])


def test_a_new_tracking_key_in_front_keeps_old_hashes_valid_and_hashes_new_ones(settings):
    settings.TRACKING_SECRET_KEYS = ["key-2025"]
    code, secret = new_tracking_code(), new_secret()
    old_hash = hash_secret(tracking_code=code, secret=secret)

    settings.TRACKING_SECRET_KEYS = ["key-2026", "key-2025"]
    new_hash = hash_secret(tracking_code=code, secret=secret)

    assert new_hash != old_hash
    assert new_hash.split("$")[0] != old_hash.split("$")[0]
    assert secret_matches(tracking_code=code, secret=secret, secret_hash=old_hash)
    assert secret_matches(tracking_code=code, secret=secret, secret_hash=new_hash)
    # Once the old key is retired, hashes made with it no longer match (nothing silently falls back).
    settings.TRACKING_SECRET_KEYS = ["key-2026"]
    assert not secret_matches(tracking_code=code, secret=secret, secret_hash=old_hash)


def test_a_hash_made_before_keys_were_versioned_is_still_accepted(settings):
    import hashlib
    import hmac

    settings.TRACKING_SECRET_KEYS = ["the-key-that-was-secret-key"]
    code, secret = new_tracking_code(), new_secret()
    legacy = hmac.new(b"the-key-that-was-secret-key", f"{code}:{secret}".encode(), hashlib.sha256).hexdigest()

    assert secret_matches(tracking_code=code, secret=secret, secret_hash=legacy)
