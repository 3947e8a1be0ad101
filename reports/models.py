"""Summary tables the dashboards and the report API read, and the export log.

The summaries are derived data, rebuilt by a set-based job from the feedback items (ADR 0021): a page
request sums a few thousand summary rows instead of scanning the items.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ItemFigures(models.Model):
    """The dimensions and measures every item summary row carries (the columns of
    ``feedback.selectors.statistics.DIMENSIONS`` and ``MEASURES``)."""

    commune_id = models.BigIntegerField()
    agency_id = models.BigIntegerField(null=True)
    source_organization_id = models.BigIntegerField(null=True)
    category_id = models.BigIntegerField()
    type = models.CharField(max_length=40)
    channel = models.CharField(max_length=30)
    # The Listening-to-the-People Month the items were raised in (its consolidated report).
    campaign_id = models.BigIntegerField(null=True)
    received = models.IntegerField(default=0)
    answered = models.IntegerField(default=0)
    answered_on_time = models.IntegerField(default=0)
    resolved = models.IntegerField(default=0)
    due = models.IntegerField(default=0)
    due_answered = models.IntegerField(default=0)
    due_on_time = models.IntegerField(default=0)
    due_resolved = models.IntegerField(default=0)

    class Meta:
        abstract = True


class DailyItemSummary(ItemFigures):
    """Per day and per (commune, agency, source organisation, category, type, channel): the day's counts.

    ``received``/``answered``/``resolved`` count items by the day it happened; the ``due*`` columns count
    the lawful and legitimate items whose answer deadline is that day (target A1's denominator).
    """

    day = models.DateField()

    class Meta:
        indexes = [
            models.Index(fields=["day", "commune_id"], name="summary_day_commune_idx"),
            models.Index(fields=["commune_id", "day"], name="summary_commune_day_idx"),
            models.Index(fields=["agency_id", "day"], name="summary_agency_day_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.commune_id} {self.category_id}"


class MonthlyItemSummary(ItemFigures):
    """``DailyItemSummary`` summed by calendar month, same dimensions and measures (ADR 0169).

    Dashboards read whole months that have ended from here and only the partial months at the edges of a
    period (and the month in progress) from the daily table, so a year is about twelve times fewer rows.
    Rebuilt from the daily rows by the same job, in the same transaction, for the months it touched.
    """

    month = models.DateField()  # the first day of the month

    class Meta:
        indexes = [
            models.Index(fields=["month", "commune_id"], name="monthly_month_commune_idx"),
            models.Index(fields=["commune_id", "month"], name="monthly_commune_month_idx"),
            models.Index(fields=["agency_id", "month"], name="monthly_agency_month_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.commune_id} {self.category_id}"


class AnswerTimeSummary(models.Model):
    """How many answers took ``days_taken`` days since forwarding, per answer day and dimensions (medians)."""

    day = models.DateField()
    commune_id = models.BigIntegerField()
    agency_id = models.BigIntegerField()
    category_id = models.BigIntegerField()
    type = models.CharField(max_length=40)
    channel = models.CharField(max_length=30)
    days_taken = models.IntegerField()
    answers = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["day", "agency_id"], name="answertime_day_agency_idx")]

    def __str__(self) -> str:
        return f"{self.day} {self.agency_id} {self.days_taken}d×{self.answers}"


class OpenItemSnapshot(models.Model):
    """The open items at the last refresh, per dimensions and status, with how many are overdue."""

    commune_id = models.BigIntegerField()
    agency_id = models.BigIntegerField(null=True)
    source_organization_id = models.BigIntegerField(null=True)
    category_id = models.BigIntegerField()
    type = models.CharField(max_length=40)
    channel = models.CharField(max_length=30)
    status = models.CharField(max_length=20)
    items = models.IntegerField()
    overdue = models.IntegerField()

    def __str__(self) -> str:
        return f"{self.commune_id} {self.status} {self.items}"


class SummaryState(models.Model):
    """One row: when the summaries were last refreshed (the next incremental run starts from there)."""

    key = models.CharField(max_length=20, unique=True, default="default")
    refreshed_at = models.DateTimeField(null=True)
    full_rebuild_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"{self.key} {self.refreshed_at}"


class ExportLog(models.Model):
    """Every export and report file downloaded: who, what (list and filters), how many rows, when."""

    class Kind(models.TextChoices):
        LIST_CSV = "list_csv", _("List as CSV")
        LIST_XLSX = "list_xlsx", _("List as Excel")
        REPORT_DOCX = "report_docx", _("Report as Word")
        REPORT_XLSX = "report_xlsx", _("Report as Excel")
        REPORT_PRINT = "report_print", _("Printable report")
        API_CSV = "api_csv", _("API table as CSV")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    api_token = models.ForeignKey(
        "organizations.ApiToken", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    what = models.CharField(_("what"), max_length=100)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    rows = models.IntegerField(_("rows"), default=0)
    with_personal_data = models.BooleanField(_("with personal data"), default=False)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("export log")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.kind} {self.what}"
