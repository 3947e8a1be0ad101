"""The Vietnamese working-day calendar and the two counting rules.

- "N ngày làm việc": N working days (Monday-Friday, not public holidays), counted from the day after receipt.
- "N ngày": N calendar days counted from the day after receipt; a period that ends on a weekend or a
  holiday ends on the next working day (Civil Code 2015, Arts. 147-148).

Public holidays come from the ``holidays`` package (country VN: Tết, Hùng Kings, 30/4, 1/5, 2/9 and
Vietnam Culture Day 24/11 with observed days), and so do the make-up working Saturdays of the government's
day swaps that the package knows (``weekend_workdays``, e.g. Saturday 22/8/2026 worked for Monday 31/8/2026).
The admin table of exceptions adds the swaps the package does not know and wins over the package (ADR 0140).
"""

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays
from django.db.models import Q

from .models import CalendarException, Category, DayCount, DeadlineRule, ItemType, Step


@lru_cache(maxsize=32)
def _package_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("VN", years=year, observed=True).keys())


@lru_cache(maxsize=32)
def package_make_up_days(year: int) -> frozenset[date]:
    """The weekend days of ``year`` the package lists as working days (the make-up day of a swap).

    A swap may cross the new year (the day off of January 2015 was worked on Saturday 27/12/2014), so the
    following year is loaded too; ``weekend_workdays`` is then filtered to ``year``."""
    calendar_ = holidays.country_holidays("VN", years=[year, year + 1], observed=True)
    return frozenset(day for day in calendar_.weekend_workdays if day.year == year)


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
        if day in self.days_off:
            return False
        if day.weekday() >= 5:
            return day in package_make_up_days(day.year)
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


def rule_for(
    *, step: str, item_type: str, channel: str, category_id: int | None = None, rules=None
) -> DeadlineRule | None:
    """The most specific active rule: a rule for the item's category beats every rule without one; then
    (type, channel) > (type, *) > (*, channel) > (*, *).

    ``rules``: the active rules already loaded (a caller's cache); otherwise they are queried."""
    if rules is not None:
        candidates = [
            r
            for r in rules
            if r.step == step
            and r.is_active
            and r.item_type in (item_type, "")
            and r.channel in (channel, "")
            and r.category_id in (None, category_id)
        ]
    else:
        candidates = DeadlineRule.objects.filter(
            Q(category__isnull=True) | Q(category_id=category_id),
            step=step,
            is_active=True,
            item_type__in=[item_type, ""],
            channel__in=[channel, ""],
        )
    best, best_score = None, -1
    for rule in candidates:
        score = (4 if rule.category_id else 0) + (2 if rule.item_type else 0) + (1 if rule.channel else 0)
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


DEFAULT_TRIAGE_DAYS = 10


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
    category_id: int | None = None,
) -> DueDate:
    cal = cal or calendar()
    rule = rule_for(step=step, item_type=item_type, channel=channel, category_id=category_id, rules=rules)
    if rule is None:
        # No rule configured (should not happen once seeded): 10 working days for triage (Law on Citizen
        # Reception 2013 Art. 28), 15 days for an answer.
        days, count = (DEFAULT_TRIAGE_DAYS, DayCount.WORKING) if step == Step.TRIAGE else (15, DayCount.CALENDAR)
        return DueDate(cal.add(start, days, count), None, days, count)
    days = rule_days(rule, is_complex=is_complex, is_remote=is_remote)
    return DueDate(cal.add(start, days, rule.day_count), rule, days, rule.day_count)


# The administrative-procedures category, whose petitions follow Decree 20/2008 Art. 9 at triage.
ADMINISTRATIVE_REGULATIONS_CATEGORY = "thu-tuc-hanh-chinh"


@dataclass(frozen=True)
class RuleSpec:
    """One seeded rule; every period cites the one article that sets it (docs/doc-nghi-quyet-21.md)."""

    step: str
    item_type: str
    days: int
    day_count: str
    legal_reference: str
    category_code: str = ""
    complex_days: int | None = None
    remote_days: int | None = None
    remote_complex_days: int | None = None
    max_extensions: int = 0
    max_extensions_complex: int | None = None
    max_extensions_especially_complex: int | None = None
    extension_days: int | None = None
    extension_legal_reference: str = ""


# Defaults of DOMAIN §3 "Deadlines", seeded into the admin-editable table (ADR 0141).
DEFAULT_RULES = [
    # The Front's review of a disputed result: no article sets it; the province's own rule, labelled so.
    RuleSpec(
        Step.DISPUTE,
        "",
        10,
        DayCount.WORKING,
        "Quy định của tỉnh (không có điều luật quy định thời hạn xem xét lại kết quả)",
    ),
    RuleSpec(
        Step.TRIAGE,
        "",
        10,
        DayCount.WORKING,
        "Luật Tiếp công dân 2013, Điều 28 (10 ngày làm việc: thông báo thụ lý, chuyển hoặc từ chối)",
    ),
    RuleSpec(
        Step.TRIAGE,
        "",
        5,
        DayCount.WORKING,
        "Nghị định 20/2008/NĐ-CP, Điều 9 (phản ánh, kiến nghị về quy định hành chính)",
        category_code=ADMINISTRATIVE_REGULATIONS_CATEGORY,
    ),
    # No article sets the answer period of a citizen's recommendation forwarded by the Front: the province's
    # coordination regulation does, and so does its one 15-day extension (no extension article: labelled).
    RuleSpec(
        Step.ANSWER,
        "",
        15,
        DayCount.CALENDAR,
        "Quy chế phối hợp giữa chính quyền và Mặt trận Tổ quốc tỉnh (quy định riêng của tỉnh, có thể điều chỉnh)",
        max_extensions=1,
        extension_days=15,
    ),
    RuleSpec(
        Step.ANSWER,
        ItemType.COMPLAINT,
        30,
        DayCount.CALENDAR,
        "Luật Khiếu nại 2011, Điều 28",
        complex_days=45,
        remote_days=45,
        remote_complex_days=60,
    ),
    RuleSpec(
        Step.ANSWER,
        ItemType.DENUNCIATION,
        30,
        DayCount.CALENDAR,
        "Luật Tố cáo 2018, Điều 30 (khoản 1)",
        max_extensions=0,
        max_extensions_complex=1,
        max_extensions_especially_complex=2,
        extension_days=30,
        extension_legal_reference="Luật Tố cáo 2018, Điều 30 (vụ việc phức tạp: 1 lần; đặc biệt phức tạp: 2 lần; "
        "mỗi lần không quá 30 ngày)",
    ),
    RuleSpec(
        Step.ANSWER,
        ItemType.VOTER_PETITION,
        60,
        DayCount.CALENDAR,
        "Luật Hoạt động giám sát của Quốc hội và Hội đồng nhân dân 2015 (kiến nghị cử tri do Quốc hội chuyển; "
        "điều khoản cần xác nhận)",
    ),
    RuleSpec(
        Step.ANSWER,
        ItemType.INSPECTION_BOARD_RECOMMENDATION,
        15,
        DayCount.CALENDAR,
        "Luật Thực hiện dân chủ ở cơ sở 2022, Điều 40",
    ),
]

RULE_FIELDS = (
    "days",
    "day_count",
    "complex_days",
    "remote_days",
    "remote_complex_days",
    "max_extensions",
    "max_extensions_complex",
    "max_extensions_especially_complex",
    "extension_days",
    "legal_reference",
    "extension_legal_reference",
)


# The defaults the first release seeded, field by field. A rule still equal to its old default is brought
# to its article by the seed; a rule an administrator changed in any field is left alone.
_OLD_FIELDS = ("days", "day_count", "max_extensions", "extension_days", "legal_reference")
SUPERSEDED_DEFAULTS = {
    (Step.TRIAGE, ""): (
        5,
        DayCount.WORKING,
        0,
        None,
        "Nghị định 20/2008/NĐ-CP, Điều 9; Luật Tiếp công dân 2013, Điều 28",
    ),
    (Step.ANSWER, ""): (
        15,
        DayCount.CALENDAR,
        1,
        15,
        "Quy chế phối hợp giữa chính quyền và Mặt trận Tổ quốc (mặc định, có thể điều chỉnh)",
    ),
    (Step.ANSWER, ItemType.DENUNCIATION): (30, DayCount.CALENDAR, 2, 30, "Luật Tố cáo 2018, Điều 30"),
    (Step.ANSWER, ItemType.VOTER_PETITION): (
        60,
        DayCount.CALENDAR,
        1,
        30,
        "Luật Hoạt động giám sát của Quốc hội và HĐND; kiến nghị cử tri do Quốc hội chuyển",
    ),
    (Step.ANSWER, ItemType.INSPECTION_BOARD_RECOMMENDATION): (
        15,
        DayCount.CALENDAR,
        1,
        15,
        "Luật Thực hiện dân chủ ở cơ sở 2022, Điều 40",
    ),
}


def seed_deadline_rules(*, stdout) -> None:
    """Create the default rules, and bring the untouched defaults of the first release to the article they
    cite. Idempotent: a second run changes nothing; a rule an administrator edited or deactivated is kept."""
    created = changed = 0
    codes = [spec.category_code for spec in DEFAULT_RULES if spec.category_code]
    categories = dict(Category.objects.filter(code__in=codes).values_list("code", "id"))
    for spec in DEFAULT_RULES:
        category_id = categories.get(spec.category_code) if spec.category_code else None
        if spec.category_code and category_id is None:
            continue  # categories are seeded first; without the category the narrower rule applies to nothing
        values = {field: getattr(spec, field) for field in RULE_FIELDS}
        rule = DeadlineRule.objects.filter(
            step=spec.step, item_type=spec.item_type, channel="", category_id=category_id, is_active=True
        ).first()
        if rule is None:
            DeadlineRule.objects.create(
                step=spec.step, item_type=spec.item_type, channel="", category_id=category_id, **values
            )
            created += 1
        elif category_id is None and tuple(getattr(rule, f) for f in _OLD_FIELDS) == SUPERSEDED_DEFAULTS.get(
            (spec.step, spec.item_type)
        ):
            differs = [field for field, value in values.items() if getattr(rule, field) != value]
            for field in differs:
                setattr(rule, field, values[field])
            rule.save(update_fields=differs)
            changed += 1
    stdout.write(f"  {len(DEFAULT_RULES)} deadline rules ({created} new, {changed} brought to their article)")
