"""The Vietnamese working-day calendar and the two counting rules.

- "N ngày làm việc": N working days (Monday-Friday, not public holidays), counted from the day after receipt.
- "N ngày": N calendar days counted from the day after receipt; a period that ends on a weekend or a
  holiday ends on the next working day (Civil Code 2015, Arts. 147-148).

Public holidays come from the ``holidays`` package (country VN: Tết, Hùng Kings, 30/4, 1/5, 2/9 and
Vietnam Culture Day 24/11 with observed days) plus the admin table of exceptions (the government's yearly
day swaps: extra days off and working Saturdays).
"""

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays

from .models import CalendarException, DayCount, DeadlineRule, ItemType, Step


@lru_cache(maxsize=32)
def _package_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("VN", years=year, observed=True).keys())


@dataclass(frozen=True)
class WorkingCalendar:
    """Built once per computation from the exception table; pure afterwards."""

    days_off: frozenset[date]
    working_days: frozenset[date]

    @classmethod
    def load(cls, *, start: date | None = None, end: date | None = None) -> "WorkingCalendar":
        rows = CalendarException.objects.all()
        if start and end:
            rows = rows.filter(date__gte=start, date__lte=end)
        off, work = set(), set()
        for row in rows.only("date", "kind"):
            (off if row.kind == CalendarException.Kind.DAY_OFF else work).add(row.date)
        return cls(days_off=frozenset(off), working_days=frozenset(work))

    def is_working_day(self, day: date) -> bool:
        if day in self.working_days:
            return True
        if day in self.days_off or day.weekday() >= 5:
            return False
        return day not in _package_holidays(day.year)

    def next_working_day(self, day: date) -> date:
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def add_working_days(self, start: date, days: int) -> date:
        day, remaining = start, days
        while remaining > 0:
            day += timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def add_calendar_days(self, start: date, days: int) -> date:
        return self.next_working_day(start + timedelta(days=days))

    def add(self, start: date, days: int, day_count: str) -> date:
        if day_count == DayCount.WORKING:
            return self.add_working_days(start, days)
        return self.add_calendar_days(start, days)

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 when end <= start)."""
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            count += self.is_working_day(day)
        return count


def calendar() -> WorkingCalendar:
    return WorkingCalendar.load()


def rule_for(*, step: str, item_type: str, channel: str, rules=None) -> DeadlineRule | None:
    """The most specific active rule: (type, channel) > (type, *) > (*, channel) > (*, *).

    ``rules``: the active rules already loaded (a caller's cache); otherwise they are queried."""
    if rules is not None:
        candidates = [
            r
            for r in rules
            if r.step == step and r.is_active and r.item_type in (item_type, "") and r.channel in (channel, "")
        ]
    else:
        candidates = DeadlineRule.objects.filter(
            step=step, is_active=True, item_type__in=[item_type, ""], channel__in=[channel, ""]
        )
    best, best_score = None, -1
    for rule in candidates:
        score = (2 if rule.item_type else 0) + (1 if rule.channel else 0)
        if score > best_score:
            best, best_score = rule, score
    return best


def rule_days(rule: DeadlineRule, *, is_complex: bool, is_remote: bool) -> int:
    if is_remote and is_complex and rule.remote_complex_days:
        return rule.remote_complex_days
    if is_remote and rule.remote_days:
        return rule.remote_days
    if is_complex and rule.complex_days:
        return rule.complex_days
    return rule.days


@dataclass(frozen=True)
class DueDate:
    due_date: date
    rule: DeadlineRule | None
    days: int
    day_count: str


DEFAULT_TRIAGE_DAYS = 5


def compute_due_date(
    *,
    step: str,
    item_type: str,
    channel: str,
    start: date,
    is_complex: bool = False,
    is_remote: bool = False,
    cal: WorkingCalendar | None = None,
    rules=None,
) -> DueDate:
    cal = cal or calendar()
    rule = rule_for(step=step, item_type=item_type, channel=channel, rules=rules)
    if rule is None:
        # No rule configured (should not happen once seeded): the legal floor of 5 working days for triage,
        # 15 days for an answer.
        days, count = (DEFAULT_TRIAGE_DAYS, DayCount.WORKING) if step == Step.TRIAGE else (15, DayCount.CALENDAR)
        return DueDate(cal.add(start, days, count), None, days, count)
    days = rule_days(rule, is_complex=is_complex, is_remote=is_remote)
    return DueDate(cal.add(start, days, rule.day_count), rule, days, rule.day_count)


# Defaults of DOMAIN §3 "Deadlines", seeded into the admin-editable table.
DEFAULT_RULES = [
    # step, type, channel, days, count, complex, remote, remote_complex, max_ext, ext_days, legal basis
    # The Front's review of a disputed result: no article sets it; the province's own rule, labelled so.
    (
        Step.DISPUTE,
        "",
        "",
        10,
        DayCount.WORKING,
        None,
        None,
        None,
        0,
        None,
        "Quy định của tỉnh (không có điều luật quy định thời hạn xem xét lại kết quả)",
    ),
    (
        Step.TRIAGE,
        "",
        "",
        5,
        DayCount.WORKING,
        None,
        None,
        None,
        0,
        None,
        "Nghị định 20/2008/NĐ-CP, Điều 9; Luật Tiếp công dân 2013, Điều 28",
    ),
    (
        Step.ANSWER,
        "",
        "",
        15,
        DayCount.CALENDAR,
        None,
        None,
        None,
        1,
        15,
        "Quy chế phối hợp giữa chính quyền và Mặt trận Tổ quốc (mặc định, có thể điều chỉnh)",
    ),
    (Step.ANSWER, ItemType.COMPLAINT, "", 30, DayCount.CALENDAR, 45, 45, 60, 0, None, "Luật Khiếu nại 2011, Điều 28"),
    (
        Step.ANSWER,
        ItemType.DENUNCIATION,
        "",
        30,
        DayCount.CALENDAR,
        None,
        None,
        None,
        2,
        30,
        "Luật Tố cáo 2018, Điều 30",
    ),
    (
        Step.ANSWER,
        ItemType.VOTER_PETITION,
        "",
        60,
        DayCount.CALENDAR,
        None,
        None,
        None,
        1,
        30,
        "Luật Hoạt động giám sát của Quốc hội và HĐND; kiến nghị cử tri do Quốc hội chuyển",
    ),
    (
        Step.ANSWER,
        ItemType.INSPECTION_BOARD_RECOMMENDATION,
        "",
        15,
        DayCount.CALENDAR,
        None,
        None,
        None,
        1,
        15,
        "Luật Thực hiện dân chủ ở cơ sở 2022, Điều 40",
    ),
]


def seed_deadline_rules(*, stdout) -> None:
    created = 0
    for step, item_type, channel, days, count, cx, rm, rmcx, max_ext, ext_days, ref in DEFAULT_RULES:
        _rule, was_created = DeadlineRule.objects.get_or_create(
            step=step,
            item_type=item_type,
            channel=channel,
            is_active=True,
            defaults={
                "days": days,
                "day_count": count,
                "complex_days": cx,
                "remote_days": rm,
                "remote_complex_days": rmcx,
                "max_extensions": max_ext,
                "extension_days": ext_days,
                "legal_reference": ref,
            },
        )
        created += was_created
    stdout.write(f"  {len(DEFAULT_RULES)} deadline rules ({created} new)")
