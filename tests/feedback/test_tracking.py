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
