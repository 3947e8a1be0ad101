"""Milestones from the annex's "Thời gian hoàn thành" wording. Pure functions, no database.

Decisions (docs/adr/0005-milestone-dates-from-the-annex.md):
- "Quý I/2026" ends the quarter: 31/3/2026 (II: 30/6, III: 30/9, IV: 31/12).
- A bare year ("sơ kết 2027", "tổng kết 2030", "Hoàn thành xây dựng 2026") is due on 31/12 of that year;
  a range ("nhân rộng 2027-2028") on 31/12 of its last year.
- "hằng năm"/"hàng năm" is one milestone on 31/12 of every year from the resolution's first full year
  (2026, it was issued on 12/3/2026) to 2030; "6 tháng/lần" adds one on 30/6 of each of those years.
- "thường xuyên" (continuously) has no date and gives no milestone.
- Segments are separated by ";"; within a segment a comma followed by a review/report keyword starts a new
  milestone ("Sơ kết 2028, tổng kết 2030"), other commas stay ("Ban hành, rà soát hàng năm").
"""

import calendar
import datetime
import re
from dataclasses import dataclass

FIRST_RECURRING_YEAR = 2026
LAST_YEAR = 2030
FIRST_YEAR = 2025

QUARTERS = {"I": 3, "II": 6, "III": 9, "IV": 12}
_QUARTER = re.compile(r"quý\s+(IV|III|II|I)\s*/\s*(\d{4})", re.IGNORECASE)
_RANGE = re.compile(r"\b(\d{4})\s*-\s*(\d{4})\b")
_YEAR = re.compile(r"\b(\d{4})\b")
_SPLIT = re.compile(r",\s*(?=(?:sơ kết|tổng kết|báo cáo|nhân rộng|hoàn thành)\b)", re.IGNORECASE)
_ANNUAL = re.compile(r"h[ằà]ng năm", re.IGNORECASE)
_HALF_YEAR = re.compile(r"6 tháng", re.IGNORECASE)
_CONTINUOUS = re.compile(r"thường xuyên", re.IGNORECASE)

# First keyword found decides the kind; the order matters ("Hoàn thành xây dựng" before "xây dựng").
_KINDS = (
    ("sơ kết", "interim_review"),
    ("tổng kết", "final_review"),
    ("báo cáo", "report"),
    ("nhân rộng", "replication"),
    ("hoàn thành", "completion"),
    ("ban hành", "issue"),
)


class MilestoneDateError(ValueError):
    """The wording names a date outside the resolution's period 2025-2030."""


@dataclass(frozen=True)
class ParsedMilestone:
    key: str
    kind: str
    label: str
    due_date: datetime.date


def quarter_end(quarter: str, year: int) -> datetime.date:
    month = QUARTERS[quarter.upper()]
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _checked_year(year: int, text: str) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise MilestoneDateError(f"{text!r}: {year} is outside the period {FIRST_YEAR}-{LAST_YEAR}")
    return year


def _kind(piece: str) -> str:
    lowered = piece.lower()
    for keyword, kind in _KINDS:
        if keyword in lowered:
            return kind
    return "deadline"


def _parse_piece(piece: str) -> list[ParsedMilestone]:
    if _HALF_YEAR.search(piece) or _ANNUAL.search(piece):
        found = []
        for year in range(FIRST_RECURRING_YEAR, LAST_YEAR + 1):
            if _HALF_YEAR.search(piece):
                found.append(ParsedMilestone(f"half-year-{year}", "half_year", piece, datetime.date(year, 6, 30)))
            # Every 6 months: the second occurrence of a year is its year-end review.
            found.append(ParsedMilestone(f"annual-{year}", "annual", piece, datetime.date(year, 12, 31)))
        return found
    kind = _kind(piece)
    quarter = _QUARTER.search(piece)
    if quarter:
        due = quarter_end(quarter.group(1), _checked_year(int(quarter.group(2)), piece))
    elif span := _RANGE.search(piece):
        _checked_year(int(span.group(1)), piece)
        due = datetime.date(_checked_year(int(span.group(2)), piece), 12, 31)
    elif year := _YEAR.search(piece):
        due = datetime.date(_checked_year(int(year.group(1)), piece), 12, 31)
    else:
        # "Triển khai thường xuyên" and any wording without a date: nothing to track by date.
        return []
    return [ParsedMilestone(f"{kind.replace('_', '-')}-{due.isoformat()}", kind, piece, due)]


def parse_completion(text: str) -> list[ParsedMilestone]:
    """The milestones named by one "Thời gian hoàn thành" cell, in the order written."""
    milestones: list[ParsedMilestone] = []
    for segment in (s.strip() for s in (text or "").split(";")):
        if not segment or (_CONTINUOUS.search(segment) and not _YEAR.search(segment)):
            continue
        for piece in _SPLIT.split(segment):
            piece = piece.strip().rstrip(".")
            if piece:
                milestones.extend(_parse_piece(piece))
    keys = [m.key for m in milestones]
    if len(keys) != len(set(keys)):
        raise MilestoneDateError(f"{text!r} names the same milestone twice")
    return milestones
