"""The 13 programmes of the resolution's annex, their milestones and yearly quantities, the activities the
organisations record against them, the "Dân vận khéo" register and the reminders sent before milestones.

The annex text is stored verbatim (``programs/annex.py`` is the source); organisations named in it are
linked where they exist and the text is kept as written either way.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from organizations.models import AdministrativeUnit, Organization, ResidentialArea

# The resolution's period. Dates outside it are refused everywhere (forms, API, database).
PERIOD_START = datetime.date(2025, 1, 1)
PERIOD_END = datetime.date(2030, 12, 31)
PERIOD_YEARS = range(PERIOD_START.year, PERIOD_END.year + 1)


def _in_period(field: str) -> Q:
    return Q(**{f"{field}__gte": PERIOD_START, f"{field}__lte": PERIOD_END})


class Programme(models.Model):
    """One numbered row of the annex. The cells are those of its first line; further lines are sub-rows."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    title = models.TextField(_("programme or group of key tasks"))
    main_activities = models.TextField(_("main activities"), blank=True)
    lead_text = models.TextField(_("lead organisations (as written)"), blank=True)
    coordinating_text = models.TextField(_("coordinating organisations (as written)"), blank=True)
    outputs = models.TextField(_("outputs"), blank=True)
    rhythm = models.TextField(_("implementation time"), blank=True)
    completion_text = models.TextField(_("completion time"), blank=True)
    lead_organizations = models.ManyToManyField(
        Organization, verbose_name=_("lead organisations"), blank=True, related_name="led_programmes"
    )
    coordinating_organizations = models.ManyToManyField(
        Organization, verbose_name=_("coordinating organisations"), blank=True, related_name="coordinated_programmes"
    )
    title_folded = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class ProgrammeSubRow(models.Model):
    """A continuation line of an annex row (row 7 has three activity lines, row 9 two): the first line's
    cells are on the programme, so positions start at 2."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="sub_rows")
    position = models.PositiveSmallIntegerField(_("position"))
    main_activities = models.TextField(_("main activities"), blank=True)
    lead_text = models.TextField(_("lead organisations (as written)"), blank=True)
    coordinating_text = models.TextField(_("coordinating organisations (as written)"), blank=True)
    outputs = models.TextField(_("outputs"), blank=True)
    rhythm = models.TextField(_("implementation time"), blank=True)
    completion_text = models.TextField(_("completion time"), blank=True)
    lead_organizations = models.ManyToManyField(
        Organization, verbose_name=_("lead organisations"), blank=True, related_name="led_programme_sub_rows"
    )
    coordinating_organizations = models.ManyToManyField(
        Organization,
        verbose_name=_("coordinating organisations"),
        blank=True,
        related_name="coordinated_programme_sub_rows",
    )

    class Meta:
        verbose_name = _("programme sub-row")
        verbose_name_plural = _("programme sub-rows")
        ordering = ["programme__number", "position"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "position"], name="unique_subrow_position"),
            models.CheckConstraint(name="subrow_position_after_first", condition=Q(position__gte=2)),
        ]

    def __str__(self) -> str:
        return f"{self.programme.number}.{self.position}"


class MilestoneKind(models.TextChoices):
    ISSUE = "issue", _("Issue")
    COMPLETION = "completion", _("Completion")
    REPORT = "report", _("Report")
    REPLICATION = "replication", _("Replication")
    HALF_YEAR = "half_year", _("Six-monthly review")
    ANNUAL = "annual", _("Annual review")
    INTERIM_REVIEW = "interim_review", _("Interim review")
    FINAL_REVIEW = "final_review", _("Final review")
    DEADLINE = "deadline", _("Deadline")


class MilestoneState(models.TextChoices):
    DONE_ON_TIME = "done_on_time", _("Done on time")
    DONE_LATE = "done_late", _("Done late")
    LATE = "late", _("Late")
    DUE_SOON = "due_soon", _("Due within 30 days")
    UPCOMING = "upcoming", _("Upcoming")


class Milestone(models.Model):
    """A completion milestone parsed from the annex's wording (see docs/adr on milestone dates)."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="milestones")
    sub_row = models.ForeignKey(
        ProgrammeSubRow, null=True, blank=True, on_delete=models.PROTECT, related_name="milestones"
    )
    key = models.SlugField(max_length=60, help_text="Stable identifier used by the idempotent seed.")
    kind = models.CharField(_("kind"), max_length=20, choices=MilestoneKind.choices)
    label = models.CharField(_("as written in the annex"), max_length=255)
    due_date = models.DateField(_("due date"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    evidence_note = models.TextField(_("evidence"), blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due_date", "programme__number", "id"]
        indexes = [models.Index(fields=["due_date", "done_on"], name="milestone_due_idx")]
        constraints = [
            models.UniqueConstraint(fields=["programme", "key"], name="unique_milestone_key"),
            models.CheckConstraint(name="milestone_due_in_period", condition=_in_period("due_date")),
            models.CheckConstraint(
                name="milestone_done_in_period", condition=Q(done_on__isnull=True) | _in_period("done_on")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme.number} · {self.label} · {self.due_date:%d/%m/%Y}"

    @property
    def is_done(self) -> bool:
        return self.done_on is not None

    def state(self, today: datetime.date) -> MilestoneState:
        if self.done_on is not None:
            return MilestoneState.DONE_ON_TIME if self.done_on <= self.due_date else MilestoneState.DONE_LATE
        if self.due_date < today:
            return MilestoneState.LATE
        if (self.due_date - today).days <= 30:
            return MilestoneState.DUE_SOON
        return MilestoneState.UPCOMING

    def can_be_completed(self) -> bool:
        return self.done_on is None


class QuantityMeasure(models.TextChoices):
    CAMPAIGNS = "campaigns", _("Listening-to-the-People Months held (from the feedback campaigns)")
    ACTIVITIES = "activities", _("Activities of a kind")
    SESSIONS = "sessions", _("Sessions of a kind")
    AREA_COVERAGE = "area_coverage", _("Share of residential areas covered by an activity of a kind")
    ETHNIC_AREA_COVERAGE = (
        "ethnic_area_coverage",
        _("Share of residential areas of ethnic-minority or religious regions covered by an activity of a kind"),
    )
    COMPLEX_PROMPT = "complex_prompt", _("Share of complex cases handled on time at the grassroots")


class QuantityUnit(models.TextChoices):
    COUNT = "count", _("count")
    PERCENT = "percent", _("percent")


class ActivityKind(models.TextChoices):
    DIALOGUE = "dialogue", _("Dialogue")
    WORKING_SESSION = "working_session", _("Working session")
    LISTENING_SESSION = "listening_session", _("Listening session")
    LISTENING_MONTH = "listening_month", _("Listening-to-the-People Month")
    INTER_AGENCY_CONFERENCE = "inter_agency_conference", _("Inter-agency conference")
    PROPAGANDA_SESSION = "propaganda_session", _("Propaganda session")
    GREAT_UNITY_FESTIVAL = "great_unity_festival", _("Great Unity festival")
    CAMPAIGN_REGISTRATION = "campaign_registration", _("Registration to carry out the campaign")
    TRAINING_COURSE = "training_course", _("Training course")
    OVERSIGHT = "oversight", _("Oversight")
    SOCIAL_CRITIQUE = "social_critique", _("Social critique")
    RELIEF = "relief", _("Relief distribution")
    SKILFUL_MOBILISATION_MODEL = "skilful_mobilisation_model", _('"Dân vận khéo" model')
    OTHER = "other", _("Other")


class ProgrammeQuantity(models.Model):
    """A yearly quantity the annex requires, e.g. row 4: two Listening-to-the-People Months a year.

    ``per_organization``: the target applies to each organisation (row 4: each Front committee holds two);
    otherwise to the whole scope (the province, or the commune of a commune officer)."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="quantities")
    code = models.SlugField(_("code"), max_length=60, unique=True)
    label = models.CharField(_("as written in the annex"), max_length=255)
    measure = models.CharField(_("measured as"), max_length=20, choices=QuantityMeasure.choices)
    activity_kind = models.CharField(_("activity kind"), max_length=40, choices=ActivityKind.choices, blank=True)
    unit = models.CharField(_("unit"), max_length=10, choices=QuantityUnit.choices)
    per_year_min = models.PositiveIntegerField(_("minimum a year"))
    per_year_max = models.PositiveIntegerField(_("maximum a year"), null=True, blank=True)
    per_organization = models.BooleanField(_("per organisation"), default=False)
    # How the portal reads the annex's words (rows 4 and 5: "02 lần", "02 hội nghị" read as per year; ADR 0146).
    reading = models.CharField(_("how the portal reads it"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("required quantity")
        verbose_name_plural = _("required quantities")
        ordering = ["programme__number", "code"]
        constraints = [
            models.CheckConstraint(
                name="quantity_range_ordered",
                condition=Q(per_year_max__isnull=True) | Q(per_year_max__gte=models.F("per_year_min")),
            ),
            models.CheckConstraint(
                name="quantity_percent_at_most_100", condition=~Q(unit="percent") | Q(per_year_min__lte=100)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme.number} · {self.label}"


# Bounds a recorded activity must respect (also database constraints).
MAX_PARTICIPANTS = 100_000
MAX_SESSIONS = 500


class Activity(models.Model):
    """Something an organisation did against a programme: a dialogue, a listening session, a festival..."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="activities"
    )
    sub_row = models.ForeignKey(
        ProgrammeSubRow,
        verbose_name=_("activity line"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities",
    )
    kind = models.CharField(_("kind"), max_length=40, choices=ActivityKind.choices)
    held_on = models.DateField(_("date"))
    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="programme_activities"
    )
    commune = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("commune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="programme_activities",
    )
    residential_areas = models.ManyToManyField(
        ResidentialArea, verbose_name=_("residential areas"), blank=True, related_name="programme_activities"
    )
    participants = models.PositiveIntegerField(_("participants"), default=0)
    session_count = models.PositiveSmallIntegerField(_("number of sessions"), default=1)
    description = models.TextField(_("description"))
    outputs = models.TextField(_("outputs"), blank=True)
    search_text = models.TextField(editable=False, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-held_on", "-id"]
        indexes = [
            models.Index(fields=["programme", "-held_on", "-id"], name="activity_programme_idx"),
            models.Index(fields=["commune", "held_on"], name="activity_commune_idx"),
            models.Index(fields=["organization", "held_on"], name="activity_org_idx"),
            models.Index(fields=["kind", "held_on"], name="activity_kind_idx"),
        ]
        constraints = [
            models.CheckConstraint(name="activity_held_in_period", condition=_in_period("held_on")),
            models.CheckConstraint(
                name="activity_sessions_in_range", condition=Q(session_count__gte=1, session_count__lte=MAX_SESSIONS)
            ),
            models.CheckConstraint(
                name="activity_participants_in_range", condition=Q(participants__lte=MAX_PARTICIPANTS)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.held_on:%d/%m/%Y} · {self.organization}"


class ActivityItem(models.Model):
    """A feedback item raised at an activity. Lives in programs: feedback never imports programs."""

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="item_links")
    item = models.ForeignKey("feedback.Item", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["activity", "item"], name="unique_activity_item")]

    def __str__(self) -> str:
        return f"{self.activity_id} ← {self.item_id}"


class SkilfulModelField(models.TextChoices):
    ECONOMY = "economy", _("Economy and livelihoods")
    CULTURE_SOCIETY = "culture_society", _("Culture and society")
    DEFENCE_SECURITY = "defence_security", _("Defence and security")
    PARTY_GOVERNMENT = "party_government", _("Party and government building")
    ETHNIC_RELIGION = "ethnic_religion", _("Ethnic and religious affairs")
    OTHER = "other", _("Other")


class RecognitionLevel(models.TextChoices):
    NONE = "none", _("Not yet recognised")
    COMMUNE = "commune", _("Recognised by the commune")
    PROVINCE = "province", _("Recognised by the province")
    CENTRAL = "central", _("Recognised nationally")


class SkilfulMobilisationModel(models.Model):
    """The register of typical "Dân vận khéo" models (target A4)."""

    name = models.CharField(_("model"), max_length=255)
    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="skilful_models"
    )
    commune = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("commune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="skilful_models",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    field = models.CharField(_("field"), max_length=30, choices=SkilfulModelField.choices)
    description = models.TextField(_("description"))
    recognition_level = models.CharField(
        _("recognition"), max_length=20, choices=RecognitionLevel.choices, default=RecognitionLevel.NONE
    )
    recognition = models.CharField(_("recognition details"), max_length=255, blank=True)
    name_folded = models.CharField(max_length=255, editable=False, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _('"Dân vận khéo" model')
        verbose_name_plural = _('"Dân vận khéo" models')
        ordering = ["-year", "-id"]
        indexes = [models.Index(fields=["commune", "year"], name="skilful_commune_year_idx")]
        constraints = [
            models.CheckConstraint(
                name="skilful_year_in_period",
                condition=Q(year__gte=PERIOD_START.year, year__lte=PERIOD_END.year),
            )
        ]

    def __str__(self) -> str:
        return self.name


class EvidenceFile(models.Model):
    """A file stored under MEDIA_ROOT with an unguessable name, type checked from its content, served only
    through a permission check. Belongs to exactly one activity, milestone or "Dân vận khéo" model."""

    activity = models.ForeignKey(Activity, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence")
    milestone = models.ForeignKey(Milestone, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence")
    skilful_model = models.ForeignKey(
        SkilfulMobilisationModel, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence"
    )
    file = models.FileField(max_length=255)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                name="evidence_has_exactly_one_owner",
                condition=Q(activity__isnull=False, milestone__isnull=True, skilful_model__isnull=True)
                | Q(activity__isnull=True, milestone__isnull=False, skilful_model__isnull=True)
                | Q(activity__isnull=True, milestone__isnull=True, skilful_model__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return self.original_name


class ProgrammeEventKind(models.TextChoices):
    ACTIVITY_RECORDED = "activity_recorded", _("Activity recorded")
    EVIDENCE_ADDED = "evidence_added", _("Evidence added")
    MILESTONE_DONE = "milestone_done", _("Milestone marked done")
    REMINDER_SENT = "reminder_sent", _("Milestone reminder sent")
    MODEL_REGISTERED = "model_registered", _('"Dân vận khéo" model registered')


class ProgrammeEvent(models.Model):
    """One row per change in this app: the audit trail. Nothing here is deleted."""

    kind = models.CharField(max_length=30, choices=ProgrammeEventKind.choices)
    programme = models.ForeignKey(Programme, null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    activity = models.ForeignKey(Activity, null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    milestone = models.ForeignKey(Milestone, null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    skilful_model = models.ForeignKey(
        SkilfulMobilisationModel, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("programme event")
        verbose_name_plural = _("programme events")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.created_at:%Y-%m-%d %H:%M}"


class MilestoneReminder(models.Model):
    """A reminder claimed for (milestone, days before): the unique constraint makes it once each, whatever
    happens to the scheduler (the claim is a conditional insert)."""

    milestone = models.ForeignKey(Milestone, on_delete=models.PROTECT, related_name="reminders")
    days_before = models.PositiveSmallIntegerField()
    due_date = models.DateField()
    recipients = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("milestone reminder")
        verbose_name_plural = _("milestone reminders")
        constraints = [
            models.UniqueConstraint(fields=["milestone", "days_before"], name="one_reminder_per_milestone_and_day")
        ]

    def __str__(self) -> str:
        return f"{self.milestone_id} −{self.days_before}d"
