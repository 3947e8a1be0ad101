"""Communes flagged remote from the province's list, with its source; the flag lengthens complaint periods."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from feedback.deadlines import compute_due_date
from feedback.models import ItemType, Step
from organizations.models import AdministrativeUnit
from organizations.services import unit_set_remote_area

pytestmark = pytest.mark.django_db
D = dt.date


def _seed():
    call_command("seed_reference_data", stdout=StringIO())


def test_dien_bien_zone_iii_communes_are_flagged_remote_with_their_source():
    # given the reference data of Điện Biên (45 units)
    _seed()
    units = AdministrativeUnit.objects.filter(parent__code=11)
    # then zone III is flagged: 45 units - 2 wards of zone I (Điện Biên Phủ, Mường Thanh) - 5 of zone II
    # (Thanh Nưa, Thanh An, Tuần Giáo, Mường Phăng, Mường Lay) = 38
    assert units.filter(is_remote_area=True).count() == 38
    not_remote = set(units.filter(is_remote_area=False).values_list("name", flat=True))
    assert not_remote == {
        "Phường Điện Biên Phủ",
        "Phường Mường Thanh",
        "Xã Thanh Nưa",
        "Xã Thanh An",
        "Xã Tuần Giáo",
        "Xã Mường Phăng",
        "Phường Mường Lay",
    }
    muong_nhe = units.get(name="Xã Mường Nhé")
    assert "46/QĐ-UBND" in muong_nhe.remote_area_source
    assert "cần xác nhận" in muong_nhe.remote_area_source


def test_a_decision_recorded_by_staff_is_kept_by_the_seed():
    _seed()
    muong_nhe = AdministrativeUnit.objects.get(name="Xã Mường Nhé")
    unit_set_remote_area(unit=muong_nhe, is_remote_area=False, source="Công văn của UBND tỉnh (ví dụ)")
    _seed()
    muong_nhe.refresh_from_db()
    assert muong_nhe.is_remote_area is False


@pytest.mark.parametrize(
    ("commune", "is_complex", "days", "expected"),
    [
        # Mon 2 Mar 2026 + 30 = Wed 1 Apr (Mường Phăng is zone II: not remote)
        ("Xã Mường Phăng", False, 30, D(2026, 4, 1)),
        # remote: + 45 = Thu 16 Apr
        ("Xã Mường Nhé", False, 45, D(2026, 4, 16)),
        # remote and complex: + 60 = Fri 1 May (Labour Day), Sat 2, Sun 3 -> Mon 4 May
        ("Xã Mường Nhé", True, 60, D(2026, 5, 4)),
    ],
)
def test_the_flag_changes_the_complaint_period(commune, is_complex, days, expected):
    _seed()
    unit = AdministrativeUnit.objects.get(name=commune)
    due = compute_due_date(
        step=Step.ANSWER,
        item_type=ItemType.COMPLAINT,
        channel="web",
        start=D(2026, 3, 2),
        is_complex=is_complex,
        is_remote=unit.is_remote_area,
    )
    assert (due.days, due.due_date) == (days, expected)
