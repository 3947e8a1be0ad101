"""The resolution's targets (section I.2.2: 7 annual, 4 by 2030), their indicators, the values per unit or
organisation and period, the reports organisations submit for the indicators the portal cannot compute,
and the record of each compliance rollup.

Statuses and kinds are ``TextChoices``; every state change of a report writes a ``ReportEvent`` row.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from organizations.models import AdministrativeUnit, Organization


def _bilingual(vi: str, en: str) -> str:
    return en if (get_language() or "vi").startswith("en") and en else vi


class Horizon(models.TextChoices):
    ANNUAL = "annual", _("Every year")
    BY_2030 = "2030", _("By 2030")


class Target(models.Model):
    """One target of section I.2.2, with its Vietnamese text exactly as the resolution words it."""

    code = models.CharField(_("code"), max_length=4, unique=True)
    horizon = models.CharField(_("horizon"), max_length=10, choices=Horizon.choices)
    number = models.PositiveSmallIntegerField(_("number in the resolution"))
    text_vi = models.TextField(_("text of the resolution"))
    summary_vi = models.CharField(_("summary (Vietnamese)"), max_length=255)
    summary_en = models.CharField(_("summary (English)"), max_length=255)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["order"]
        constraints = [models.UniqueConstraint(fields=["horizon", "number"], name="target_unique_number")]

    def __str__(self) -> str:
        return f"{self.code} · {self.summary}"

    @property
    def summary(self) -> str:
        return _bilingual(self.summary_vi, self.summary_en)

    @property
    def text_plain(self) -> str:
        """The verbatim text without the markdown emphasis of the source file."""
        return self.text_vi.replace("*", "")


class Comparator(models.TextChoices):
    EQ = "eq", "="
    GT = "gt", ">"
    GTE = "gte", "≥"


class ValueUnit(models.TextChoices):
    PERCENT = "percent", _("percent")
    PERCENT_PER_YEAR = "percent_per_year", _("percent a year")


class ScopeKind(models.TextChoices):
    """Whose value the indicator measures (besides the province's total)."""

    PROVINCE = "province", _("The province as a whole")
    COMMUNE = "commune", _("Each commune")
    UNIT = "unit", _("The province and each commune")
    ORGANIZATION = "organization", _("Each organisation of the listed kinds")


class PeriodKind(models.TextChoices):
    YEAR = "year", _("Year")
    HALF = "half", _("Half-year")
    QUARTER = "quarter", _("Quarter")
    CUMULATIVE = "cumulative", _("Cumulative to 2030")


class Source(models.TextChoices):
    FEEDBACK = "feedback", _("Computed from feedback items")
    ACTIVITIES = "activities", _("Computed from programme activities")
    PORTAL_USE = "portal_use", _("Computed from the use of the portal")
    REPORTED = "reported", _("Reported with evidence")


class Indicator(models.Model):
    """What is counted for a target: numerator over denominator, compared with a threshold."""

    target = models.ForeignKey(Target, verbose_name=_("target"), on_delete=models.PROTECT, related_name="indicators")
    code = models.CharField(_("code"), max_length=12, unique=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255)
    numerator_vi = models.CharField(_("numerator (Vietnamese)"), max_length=255)
    numerator_en = models.CharField(_("numerator (English)"), max_length=255)
    denominator_vi = models.CharField(_("denominator (Vietnamese)"), max_length=255)
    denominator_en = models.CharField(_("denominator (English)"), max_length=255)
    unit = models.CharField(_("unit"), max_length=20, choices=ValueUnit.choices, default=ValueUnit.PERCENT)
    comparator = models.CharField(_("comparator"), max_length=3, choices=Comparator.choices)
    threshold = models.DecimalField(_("threshold"), max_digits=6, decimal_places=2)
    scope = models.CharField(_("scope"), max_length=20, choices=ScopeKind.choices)
    # Organisation kinds (organizations.OrganizationKind values) an ORGANIZATION-scoped indicator covers.
    organization_kinds = models.JSONField(_("organisation kinds"), default=list, blank=True)
    period_kind = models.CharField(_("period"), max_length=12, choices=PeriodKind.choices, default=PeriodKind.YEAR)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    # The headline indicator's status is the target's status on the overview.
    is_headline = models.BooleanField(_("headline indicator"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["target__order", "order"]
        constraints = [
            models.CheckConstraint(
                name="indicator_threshold_in_range", condition=Q(threshold__gte=0, threshold__lte=100)
            ),
            models.UniqueConstraint(
                fields=["target"], condition=Q(is_headline=True), name="indicator_one_headline_per_target"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"

    @property
    def name(self) -> str:
        return _bilingual(self.name_vi, self.name_en)

    @property
    def numerator(self) -> str:
        return _bilingual(self.numerator_vi, self.numerator_en)

    @property
    def denominator(self) -> str:
        return _bilingual(self.denominator_vi, self.denominator_en)

    @property
    def threshold_label(self) -> str:
        suffix = "%/năm" if self.unit == ValueUnit.PERCENT_PER_YEAR else "%"
        if (get_language() or "vi").startswith("en") and self.unit == ValueUnit.PERCENT_PER_YEAR:
            suffix = "%/year"
        number = f"{self.threshold.normalize():f}".replace(".", ",")
        return f"{self.get_comparator_display()} {number}{suffix}"

    @property
    def is_reported(self) -> bool:
        return self.source == Source.REPORTED

    def is_met_by(self, value: Decimal) -> bool:
        if self.comparator == Comparator.GT:
            return value > self.threshold
        return value >= self.threshold  # "= 100%" cannot be exceeded; ≥ covers it


class Period(models.Model):
    """A year, a half-year, a quarter or the cumulative 2026-2030 period (codes 2026, 2026-H1, 2026-Q3, 2026-2030)."""

    code = models.CharField(_("code"), max_length=12, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=PeriodKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"))

    class Meta:
        verbose_name = _("period")
        verbose_name_plural = _("periods")
        ordering = ["starts_on", "-ends_on"]
        constraints = [
            models.CheckConstraint(name="period_dates_ordered", condition=Q(ends_on__gte=F("starts_on"))),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.kind == PeriodKind.HALF:
            return _("Half %(n)s/%(year)s") % {"n": self.code[-1], "year": self.year}
        if self.kind == PeriodKind.QUARTER:
            return _("Quarter %(n)s/%(year)s") % {"n": self.code[-1], "year": self.year}
        return self.code

    def is_closed_on(self, day) -> bool:
        return self.ends_on < day


class Dimension(models.TextChoices):
    PROVINCE = "province", _("Province")
    COMMUNE = "commune", _("Commune")
    ORGANIZATION = "organization", _("Organisation")
    AGENCY = "agency", _("Agency")
    SOURCE_ORGANIZATION = "source_organization", _("Source organisation")
    CATEGORY = "category", _("Category")


class ValueStatus(models.TextChoices):
    MET = "met", _("Met")
    AT_RISK = "at_risk", _("At risk")
    MISSED = "missed", _("Missed")
    NO_DATA = "no_data", _("Nothing to measure")


class Origin(models.TextChoices):
    COMPUTED = "computed", _("Computed")
    REPORTED = "reported", _("Reported")


class IndicatorValue(models.Model):
    """The value of an indicator for one period and one unit, organisation or breakdown key.

    ``(indicator, period, dimension, key)`` is unique: the rollup upserts on it, so running it twice gives the
    same rows. ``key`` is the id of the unit, organisation or category (0 for the province's total)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="values")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="values")
    dimension = models.CharField(_("breakdown"), max_length=24, choices=Dimension.choices)
    key = models.BigIntegerField(default=0)
    unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    category = models.ForeignKey(
        "feedback.Category",
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    numerator = models.PositiveIntegerField(_("numerator"))
    denominator = models.PositiveIntegerField(_("denominator"))
    value = models.DecimalField(_("value"), max_digits=7, decimal_places=2, null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ValueStatus.choices)
    origin = models.CharField(_("origin"), max_length=10, choices=Origin.choices)
    # Extra counts shown beside the value (A1: due, answered, on time, resolved; T4: received, triaged, closed).
    details = models.JSONField(default=dict, blank=True)
    computed_at = models.DateTimeField(_("when"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    report = models.ForeignKey(
        "Report", verbose_name=_("report"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rollup_run = models.ForeignKey("RollupRun", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        ordering = ["indicator__target__order", "indicator__order", "period__starts_on", "dimension", "key"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period", "dimension", "key"], name="value_unique_key"),
            models.CheckConstraint(name="value_numerator_le_denominator", condition=Q(numerator__lte=F("denominator"))),
        ]
        indexes = [
            models.Index(fields=["period", "dimension", "status"], name="value_period_dim_idx"),
            models.Index(fields=["unit", "period"], name="value_unit_idx"),
            models.Index(fields=["organization", "period"], name="value_org_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period.code} {self.dimension}:{self.key} = {self.value}"


class ReportStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned for correction")


class Report(models.Model):
    """An organisation's numerator, denominator and evidence for a reported indicator and a period.

    One per (indicator, period, organisation): a correction resubmits the same report; the history is in
    ``ReportEvent``. The provincial Front approves it (then it becomes an ``IndicatorValue``) or returns it."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="reports"
    )
    period = models.ForeignKey(Period, verbose_name=_("period"), on_delete=models.PROTECT, related_name="reports")
    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="target_reports"
    )
    numerator = models.PositiveIntegerField(_("numerator"))
    denominator = models.PositiveIntegerField(_("denominator"))
    note = models.TextField(_("explanation"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.SUBMITTED)
    return_reason = models.TextField(_("reason for returning"), blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("submitted"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("reported value")
        verbose_name_plural = _("reported values")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period", "organization"], name="report_unique_key"),
            models.CheckConstraint(
                name="report_numerator_le_denominator", condition=Q(numerator__lte=F("denominator"))
            ),
        ]
        indexes = [models.Index(fields=["status", "-submitted_at"], name="report_queue_idx")]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period.code} {self.organization}"

    @property
    def awaits_decision(self) -> bool:
        """Submitted and not yet approved or returned: the provincial Front may decide on it."""
        return self.status == ReportStatus.SUBMITTED

    @property
    def value(self) -> Decimal | None:
        if not self.denominator:
            return None
        return (Decimal(self.numerator) * 100 / Decimal(self.denominator)).quantize(Decimal("0.01"))


class ReportEvidence(models.Model):
    """A file proving a reported value. Its type is checked from its content, not its name."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(max_length=255)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class ReportEventKind(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    RESUBMITTED = "resubmitted", _("Corrected and resubmitted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")


class ReportEvent(models.Model):
    """One row per state change of a report: who, when, what, with the figures at that moment."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=15, choices=ReportEventKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    numerator = models.PositiveIntegerField()
    denominator = models.PositiveIntegerField()
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.report_id} {self.kind}"


class RollupTrigger(models.TextChoices):
    NIGHTLY = "nightly", _("Nightly schedule")
    ON_DEMAND = "on_demand", _("Requested on the page")
    COMMAND = "command", _("Management command")
    DEMO = "demo", _("Demo data")


class RollupState(models.TextChoices):
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class RollupRun(models.Model):
    """When the compliance rollup ran, for which year, how long it took and how many rows it wrote."""

    period_code = models.CharField(_("year"), max_length=12)
    trigger = models.CharField(_("trigger"), max_length=12, choices=RollupTrigger.choices)
    state = models.CharField(_("state"), max_length=10, choices=RollupState.choices, default=RollupState.RUNNING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    as_of = models.DateField(_("as of"))
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("values computed"), default=0)
    # Only the values that differ from the stored ones are written (a quiet night writes almost nothing).
    changed = models.PositiveIntegerField(_("values changed"), default=0)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("rollup run")
        verbose_name_plural = _("rollup runs")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.period_code} {self.started_at:%Y-%m-%d %H:%M} {self.state}"
