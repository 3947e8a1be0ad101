"""The targets are seeded with the resolution's words, exactly."""

import re
from io import StringIO

import pytest
from django.core.management import call_command

from targets.models import Horizon, Indicator, Target
from targets.resolution_texts import TARGET_TEXTS
from tests.conftest import ROOT

SEED = ROOT.parent / "shared" / "seed" / "000_03820004599efee5.txt"


def _section_items(text: str, start: str, end: str | None) -> list[str]:
    body = text[text.index(start) : text.index(end) if end else None]
    return re.findall(r"^\(\d\)- (.+)$", body, re.M)


def test_target_texts_are_verbatim_from_the_seed_file():
    # No skip: the comparison with the resolution is the point (CI has shared/ beside the clone).
    assert SEED.exists(), f"seed file not found at {SEED}"
    text = SEED.read_text(encoding="utf-8")
    annual = _section_items(text, "2.2.1. Mục tiêu hằng năm", "2.2.2. Mục tiêu đến năm 2030")
    by_2030 = _section_items(text, "2.2.2. Mục tiêu đến năm 2030", "II- NHIỆM VỤ")[:4]

    assert len(annual) == 7
    assert len(by_2030) == 4
    for number, sentence in enumerate(annual, start=1):
        assert TARGET_TEXTS[f"A{number}"] == sentence
    for number, sentence in enumerate(by_2030, start=1):
        assert TARGET_TEXTS[f"T{number}"] == sentence


@pytest.mark.django_db
def test_seed_creates_the_eleven_targets_and_is_idempotent():
    call_command("seed_reference_data", stdout=StringIO())
    call_command("seed_reference_data", stdout=StringIO())

    assert Target.objects.count() == 11
    assert Target.objects.filter(horizon=Horizon.ANNUAL).count() == 7
    assert Target.objects.get(code="A1").text_vi == TARGET_TEXTS["A1"]
    assert Target.objects.get(code="A4").text_plain.count("*") == 0
    # every target has exactly one headline indicator
    for target in Target.objects.all():
        assert target.indicators.filter(is_headline=True).count() == 1, target.code
    thresholds = {i.code: i.threshold_label for i in Indicator.objects.all()}
    assert thresholds["A1.1"] == "= 100%"
    assert thresholds["A3.2"] == "> 90%"
    assert thresholds["A3.3"] == "≥ 20%"
    assert thresholds["T2.1"] == "≥ 4%/năm"
