"""The annex's completion wording → milestone dates (one table, no database)."""

import datetime

import pytest

from programs.milestone_dates import MilestoneDateError, parse_completion

D = datetime.date
YEARS = range(2026, 2031)


def _summary(text):
    return [(m.kind, m.due_date) for m in parse_completion(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ban hành Quý I/2026; tổng kết Quý IV/2030", [("issue", D(2026, 3, 31)), ("final_review", D(2030, 12, 31))]),
        ("Quý IV/2030", [("deadline", D(2030, 12, 31))]),
        ("Quý II/2028", [("deadline", D(2028, 6, 30))]),
        ("quý III/2027", [("deadline", D(2027, 9, 30))]),
        (
            "Triển khai thường xuyên; sơ kết 2027; tổng kết 2030",
            [("interim_review", D(2027, 12, 31)), ("final_review", D(2030, 12, 31))],
        ),
        ("Sơ kết 2028, tổng kết 2030", [("interim_review", D(2028, 12, 31)), ("final_review", D(2030, 12, 31))]),
        (
            "Hoàn thành sắp xếp Quý IV/2026; báo cáo Quý I/2027",
            [("completion", D(2026, 12, 31)), ("report", D(2027, 3, 31))],
        ),
        (
            "Hoàn thành xây dựng 2026; nhân rộng 2027-2028; tổng kết 2030",
            [("completion", D(2026, 12, 31)), ("replication", D(2028, 12, 31)), ("final_review", D(2030, 12, 31))],
        ),
        ("Thực hiện thường xuyên; tổng kết 2030", [("final_review", D(2030, 12, 31))]),
        (
            "Thực hiện hàng năm; tổng kết toàn khóa 2030",
            [*[("annual", D(y, 12, 31)) for y in YEARS], ("final_review", D(2030, 12, 31))],
        ),
        ("Tổ chức hằng năm", [("annual", D(y, 12, 31)) for y in YEARS]),
        ("Ban hành, rà soát hàng năm", [("annual", D(y, 12, 31)) for y in YEARS]),
        (
            "Thực hiện 6 tháng/lần và hằng năm",
            [pair for y in YEARS for pair in (("half_year", D(y, 6, 30)), ("annual", D(y, 12, 31)))],
        ),
        ("Triển khai thường xuyên", []),
        ("", []),
    ],
)
def test_completion_wording_gives_dated_milestones(text, expected):
    # given the wording of a "Thời gian hoàn thành" cell / when parsed / then the milestones and their dates
    assert _summary(text) == expected


def test_the_label_keeps_the_annex_wording():
    parsed = parse_completion("Hoàn thành sắp xếp Quý IV/2026; báo cáo Quý I/2027")

    assert [m.label for m in parsed] == ["Hoàn thành sắp xếp Quý IV/2026", "báo cáo Quý I/2027"]


@pytest.mark.parametrize("text", ["tổng kết 2035", "Quý I/2024", "nhân rộng 2029-2031"])
def test_dates_outside_the_period_are_refused(text):
    with pytest.raises(MilestoneDateError):
        parse_completion(text)
