"""The feedback item (one matter raised by the people), its history, attachments and the tables that
govern its deadlines. Workflow rules live in ``workflow.py``; writes in ``services/``."""

from collections.abc import Callable
from datetime import timedelta
from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.query import ModelIterable
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.models import AdministrativeUnit, AppendOnlyModel, Organization, ResidentialArea


class ItemType(models.TextChoices):
    OPINION = "opinion", _("Opinion")
    RECOMMENDATION = "recommendation", _("Recommendation")
    REPORT = "report", _("Report")
    COMPLAINT = "complaint", _("Complaint")
    DENUNCIATION = "denunciation", _("Denunciation")
    # The Front's own recommendations (counted by target A1).
    FRONT_RECOMMENDATION = "front_recommendation", _("Recommendation of the Front's Standing Board")
    OVERSIGHT_RECOMMENDATION = "oversight_recommendation", _("Recommendation after oversight")
    CRITIQUE_RECOMMENDATION = "critique_recommendation", _("Recommendation after social critique")
    INSPECTION_BOARD_RECOMMENDATION = (
        "inspection_board_recommendation",
        _("Recommendation of the People's Inspection Board"),
    )
    VOTER_PETITION = "voter_petition", _("Voters' petition")


# What a citizen may choose on the public form; the others are recorded by officers.
PUBLIC_ITEM_TYPES = (
    ItemType.OPINION,
    ItemType.RECOMMENDATION,
    ItemType.REPORT,
    ItemType.COMPLAINT,
    ItemType.DENUNCIATION,
)


class Channel(models.TextChoices):
    WEB = "web", _("Web form")
    API = "api", _("API")
    OPEN311 = "open311", _("Open311")
    PHONE = "phone", _("Hotline or phone")
    IN_PERSON = "in_person", _("In person")
    VOTER_MEETING = "voter_meeting", _("Voter meeting")
    DIALOGUE = "dialogue", _("Dialogue")
    LISTENING_SESSION = "listening_session", _("Listening session")
    LISTENING_MONTH = "listening_month", _("Listening-to-the-People Month")
    WORK_COMMITTEE = "work_committee", _("Front Work Committee")
    OVERSIGHT = "oversight", _("Oversight")
    SOCIAL_CRITIQUE = "social_critique", _("Social critique")
    IMPORT = "import", _("Spreadsheet import")


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    MERGED = "merged", _("Merged")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    FORWARDED = "forwarded", _("Forwarded")
    RETURNED = "returned", _("Returned by the agency")
    ANSWERED = "answered", _("Answered")
    RESOLVED = "resolved", _("Resolved")
    ON_ROADMAP = "on_roadmap", _("On the roadmap")
    CANNOT_RESOLVE = "cannot_resolve", _("Cannot be resolved")
    REOPENED = "reopened", _("Reopened")


class PublicStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    IN_PROGRESS = "in_progress", _("In progress")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


PUBLIC_STATUS = {
    Status.RECEIVED: PublicStatus.RECEIVED,
    Status.ACCEPTED: PublicStatus.IN_PROGRESS,
    Status.FORWARDED: PublicStatus.IN_PROGRESS,
    Status.RETURNED: PublicStatus.IN_PROGRESS,
    Status.REOPENED: PublicStatus.IN_PROGRESS,
    Status.ANSWERED: PublicStatus.ANSWERED,
    Status.RESOLVED: PublicStatus.CLOSED,
    Status.ON_ROADMAP: PublicStatus.CLOSED,
    Status.CANNOT_RESOLVE: PublicStatus.CLOSED,
    Status.REJECTED: PublicStatus.CLOSED,
    Status.MERGED: PublicStatus.CLOSED,
    Status.WITHDRAWN: PublicStatus.CLOSED,
}
# Status groups: the one definition of each, used by the lifecycle table, the services, the selectors, the
# views and (through the ``Item`` predicates) the templates.
# Waiting on the Front's triage clock: new, accepted but not yet forwarded, returned by the agency, disputed.
TRIAGE_STATUSES = frozenset({Status.RECEIVED, Status.ACCEPTED, Status.RETURNED, Status.REOPENED})
# Waiting on the agency's answer clock.
ANSWER_STATUSES = frozenset({Status.FORWARDED})
OPEN_STATUSES = frozenset({*TRIAGE_STATUSES, *ANSWER_STATUSES, Status.ANSWERED})
CLOSED_STATUSES = frozenset(set(Status) - OPEN_STATUSES)
# The three results the Front records after verifying an answer; a citizen may dispute them.
RESULT_STATUSES = frozenset({Status.RESOLVED, Status.ON_ROADMAP, Status.CANNOT_RESOLVE})
# An answer exists: the citizen may rate it, the public record may show it.
ANSWERED_STATUSES = frozenset({Status.ANSWERED, *RESULT_STATUSES})
# Nobody has answered yet: the citizen may still withdraw the matter.
WITHDRAWABLE_STATUSES = frozenset({*TRIAGE_STATUSES, *ANSWER_STATUSES})
# Refused, merged into another item or withdrawn: not counted as handled recommendations.
NOT_COUNTED_STATUSES = frozenset({Status.REJECTED, Status.MERGED, Status.WITHDRAWN})


class Step(models.TextChoices):
    """The clocks: the Front's triage, the agency's answer, and the Front's review of a disputed result."""

    TRIAGE = "triage", _("Triage by the Front")
    ANSWER = "answer", _("Answer by the agency")
    DISPUTE = "dispute", _("Review of a disputed result by the Front")


class HandlingLevel(models.TextChoices):
    COMMUNE = "commune", _("Commune Front")
    PROVINCE = "province", _("Provincial Front")


class ConsentMethod(models.TextChoices):
    ONLINE_FORM = "online_form", _("Ticked on the online form")
    API = "api", _("Given through the API")
    VERBAL = "verbal", _("Given orally to the officer")
    WRITTEN = "written", _("Signed on paper")
    MEETING_RECORD = "meeting_record", _("Recorded in the meeting minutes")


class Complexity(models.TextChoices):
    """How complex a case is; decides the longer periods and, for denunciations, how many extensions the
    Law on Denunciations 2018 Art. 30 allows (normal: none; complex: one; especially complex: two)."""

    NORMAL = "normal", _("Normal")
    COMPLEX = "complex", _("Complex")
    ESPECIALLY_COMPLEX = "especially_complex", _("Especially complex")


class Category(models.Model):
    """Admin-editable list of fields (land, environment, ...). Names in both languages."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=150)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)
    # Default handling of the field: a report of corruption is protected like a denunciation (the
    # submitter's identity is never shown to the agency, Law on Denunciations 2018 Arts. 8, 47).
    protects_identity = models.BooleanField(
        _("protect the submitter's identity as for a denunciation"),
        default=False,
        help_text=_("The agency never sees who sent an item of this category."),
    )

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["order", "name_vi"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        from django.utils.translation import get_language

        return self.name_en if (get_language() or "vi").startswith("en") else self.name_vi


class CategoryRoute(models.Model):
    """Admin-editable routing: the agency proposed first when an item of this category is forwarded, for one
    commune or (commune empty) for the whole province. The officer still chooses; the proposal only orders
    the list."""

    # No index of its own: route_one_per_category_commune's unique index leads with it (ADR 0177).
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.CASCADE, related_name="routes", db_index=False
    )
    commune = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("commune"),
        help_text=_("Empty: for every commune of the province without a rule of its own."),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    agency = models.ForeignKey(
        Organization, verbose_name=_("default agency"), on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = _("default agency of a category")
        verbose_name_plural = _("default agencies of categories")
        ordering = ["category", "commune"]
        constraints = [
            models.UniqueConstraint(fields=["category", "commune"], name="route_one_per_category_commune"),
            models.UniqueConstraint(
                fields=["category"], condition=Q(commune__isnull=True), name="route_one_province_wide_per_category"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category} → {self.agency}"


class Campaign(models.Model):
    """A Listening-to-the-People Month (Tháng nghe dân nói): items received in it are tagged with it."""

    name = models.CharField(_("name"), max_length=200)
    organization = models.ForeignKey(
        Organization, verbose_name=_("organising Front committee"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("scope"),
        help_text=_("A commune, or the province for a province-wide campaign."),
        on_delete=models.PROTECT,
        related_name="+",
    )
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Listening-to-the-People Month")
        verbose_name_plural = _("Listening-to-the-People Months")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(name="campaign_dates_ordered", condition=Q(ends_on__gte=models.F("starts_on")))
        ]

    def __str__(self) -> str:
        return self.name


# Personal data of the submitter: hidden from an agency for denunciations (Law on Denunciations Arts. 8, 47).
SUBMITTER_IDENTITY_FIELDS = ("submitter_name", "submitter_phone", "submitter_email", "submitter_address")


class _MaskingIterable(ModelIterable):
    """Yields items with the fields the viewer may not see blanked (see ``ItemQuerySet.mask_rows``)."""

    def __iter__(self):
        mask = self.queryset._row_mask
        for obj in super().__iter__():
            if mask is not None:
                mask(obj)
            yield obj


class ItemQuerySet(models.QuerySet["Item"]):
    """A queryset whose model rows can be masked for the viewer before any caller sees them, so a template
    or serializer cannot show what the scope forbids (the masking rule lives in ``selectors/items.py``)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._row_mask = None

    def _clone(self):
        clone = super()._clone()
        clone._row_mask = self._row_mask
        return clone

    def mask_rows(self, mask: Callable[["Item"], None] | None) -> Self:
        clone = self._chain()
        clone._row_mask = mask
        if clone._iterable_class is ModelIterable:
            clone._iterable_class = _MaskingIterable
        return clone


class Item(models.Model):
    """One matter raised by the people. At any moment: one status, one responsible agency, one due date."""

    # Found by equality (lookups) or iexact (the queue's search), never by LIKE: the unique index is the only
    # one, the varchar_pattern_ops twin Django adds is dropped (ADR 0177).
    tracking_code = models.CharField(_("tracking code"), max_length=20, unique=True)
    # Hash of the short secret given on the receipt (the secret itself is never stored).
    secret_hash = models.CharField(max_length=128)
    # One submission per form/idempotency key: a double tap or a retry returns the same item. Its unique index
    # is the only one: the varchar_pattern_ops twin Django adds for LIKE is dropped (no LIKE on it; ADR 0177).
    idempotency_key = models.CharField(max_length=64, unique=True, null=True, blank=True)

    type = models.CharField(_("type"), max_length=40, choices=ItemType.choices)
    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="items")
    # No index of its own: item_commune_work_idx leads with it (ADR 0177).
    commune = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        related_name="feedback_items",
        db_index=False,
    )
    residential_area = models.ForeignKey(
        ResidentialArea,
        verbose_name=_("residential area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="feedback_items",
    )
    address_text = models.CharField(_("place"), max_length=255, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    title = models.CharField(_("title"), max_length=200)
    content = models.TextField(_("what happened"))
    request_text = models.TextField(_("what is asked"), blank=True)
    # Lower-case, diacritic-free copy of title + content: accent-insensitive search and duplicate detection.
    search_text = models.TextField(editable=False, default="")
    channel = models.CharField(_("channel"), max_length=30, choices=Channel.choices)
    source_organization = models.ForeignKey(
        Organization,
        verbose_name=_("source organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="raised_items",
    )
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), null=True, blank=True, on_delete=models.PROTECT, related_name="items"
    )
    is_mass_petition = models.BooleanField(_("mass petition (5 or more signatories)"), default=False)
    is_complex = models.BooleanField(_("complex case"), default=False)
    # Chosen by the Front with its reason (an event row records each choice); ``is_complex`` follows it.
    complexity = models.CharField(_("complexity"), max_length=20, choices=Complexity.choices, default=Complexity.NORMAL)
    complexity_reason = models.TextField(_("why this complexity"), blank=True)

    # Submitter (all optional; anonymous allowed). Sensitive data (ethnicity, religion, ID images) is not collected.
    is_anonymous = models.BooleanField(_("anonymous"), default=False)
    submitter_name = models.CharField(_("full name"), max_length=120, blank=True)
    submitter_phone = models.CharField(_("phone"), max_length=20, blank=True)
    submitter_email = models.EmailField(_("email"), blank=True)
    submitter_address = models.CharField(_("address"), max_length=255, blank=True)

    # Consent per purpose (Law 91/2025 on personal data protection; Decree 356/2025).
    consent_processing = models.BooleanField(_("consent to handle and forward the item"), default=False)
    consent_contact = models.BooleanField(_("consent to be contacted"), default=False)
    consent_publish = models.BooleanField(_("consent to publish anonymised"), default=False)
    privacy_notice_version = models.CharField(_("privacy notice version"), max_length=20)
    consent_method = models.CharField(_("how consent was obtained"), max_length=30, choices=ConsentMethod.choices)

    # Workflow state. Only the workflow service assigns these.
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED)
    handling_level = models.CharField(
        _("handled by"), max_length=20, choices=HandlingLevel.choices, default=HandlingLevel.COMMUNE
    )
    # No index of its own: item_agency_work_idx leads with it (ADR 0177).
    current_agency = models.ForeignKey(
        Organization,
        verbose_name=_("responsible agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_items",
        db_index=False,
    )
    # The one current due date and the clock it belongs to; the rule that produced it is recorded.
    due_step = models.CharField(_("current step"), max_length=10, choices=Step.choices, default=Step.TRIAGE)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    due_rule = models.ForeignKey(
        "DeadlineRule",
        verbose_name=_("deadline rule"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    extension_count = models.PositiveSmallIntegerField(_("extensions granted"), default=0)
    # On time / late is frozen when each step closes, so later edits cannot change past statistics.
    triage_due_date = models.DateField(null=True, blank=True)
    triaged_at = models.DateTimeField(null=True, blank=True)
    triage_on_time = models.BooleanField(null=True)
    forwarded_at = models.DateTimeField(null=True, blank=True)
    answer_due_date = models.DateField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answer_on_time = models.BooleanField(null=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    is_legitimate = models.BooleanField(_("lawful and legitimate"), null=True)
    public_answer = models.TextField(_("public answer"), blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_items",
    )

    # The citizen's verdict on the answer.
    citizen_satisfied = models.BooleanField(_("satisfied"), null=True)
    rating_comment = models.TextField(_("comment on the answer"), blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)

    # No index of its own: item_received_idx (received_at DESC, id DESC) serves both directions (ADR 0177).
    received_at = models.DateTimeField(_("received"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    anonymized_at = models.DateTimeField(null=True, blank=True)
    # Set when the acknowledgement and other after-commit work has been queued; the sweeper finds the rest.
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    # Citizens who said "this happens to me too" on the form instead of sending the same matter again.
    support_count = models.PositiveIntegerField(_("citizens who reported the same matter"), default=0)
    # The language the citizen used (vi or en): every message to them is written in it.
    submitter_language = models.CharField(_("submitter's language"), max_length=10, blank=True, default="")

    objects = ItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("feedback item")
        verbose_name_plural = _("feedback items")
        ordering = ["-received_at"]
        indexes = [
            # Work lists: open items by due date, per commune and per agency.
            models.Index(fields=["commune", "status", "due_date"], name="item_commune_work_idx"),
            models.Index(fields=["current_agency", "status", "due_date"], name="item_agency_work_idx"),
            models.Index(fields=["status", "due_date"], name="item_status_due_idx"),
            models.Index(fields=["-received_at", "-id"], name="item_received_idx"),
            models.Index(fields=["answer_due_date"], name="item_answer_due_idx"),
            # The deadline chase (services/deadlines.py): the open items on a deadline clock, by step and due
            # date, carrying what its statement reads (index-only; docs/adr/0172).
            models.Index(
                fields=["due_step", "due_date"],
                include=["status", "id", "commune", "current_agency", "handling_level"],
                condition=Q(status__in=sorted(TRIAGE_STATUSES | ANSWER_STATUSES)),
                name="item_chase_idx",
            ),
            # Programme 9's quantity "complex cases handled on time" on the dashboard: a few percent of the
            # items, read by a range of receipt times without touching the others (ADR 0169).
            models.Index(
                fields=["received_at"],
                include=["id", "triage_on_time", "commune"],
                condition=Q(is_complex=True),
                name="item_complex_received_idx",
            ),
            # The published record, newest first (Open311's default page, the public record): only the answered
            # items with consent, so a page never steps over the unanswered bulk of recent items (ADR 0176).
            models.Index(
                fields=["-received_at", "-id"],
                condition=Q(consent_publish=True, status__in=sorted(ANSWERED_STATUSES)),
                name="item_published_idx",
            ),
            # ... and the public record's page, latest answers first.
            models.Index(
                fields=["-answered_at", "-id"],
                condition=Q(consent_publish=True, status__in=sorted(ANSWERED_STATUSES)),
                name="item_published_answered_idx",
            ),
            # The outbox sweeper: recent submissions whose after-commit notifications never ran.
            models.Index(
                fields=["received_at"], condition=Q(acknowledged_at__isnull=True), name="item_unacknowledged_idx"
            ),
            # The trigram index on search_text (pg_trgm) is created by migration 0002 in SQL.
        ]
        constraints = [
            models.CheckConstraint(name="item_consent_to_processing_required", condition=Q(consent_processing=True)),
            models.CheckConstraint(
                name="item_forwarded_has_agency",
                condition=~Q(status__in=["forwarded", "answered"]) | Q(current_agency__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_code} · {self.title}"

    # Set by the scoping selector on the instance it returns (not a column): the submitter is masked for this viewer.
    identity_hidden: bool = False
    # Set on the instances some reads return (not columns): how the citizen's lookup was opened (by the secret or
    # by the phone's digits), the cleaned title the public sees, and why ``selectors.queue.duplicate_candidates``
    # found the item a likely duplicate (the reasons, the distance between the pins in metres, the order).
    verified_by_secret: bool
    summary: str
    duplicate_reasons: list[str]
    distance: float | None
    rank: float

    @property
    def public_status(self) -> str:
        return PUBLIC_STATUS[Status(self.status)]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    # Predicates: "may this be done now" asked of the item by the services (which enforce it), the views and
    # the templates (which only show what the service would accept).

    @property
    def awaits_triage(self) -> bool:
        return self.status in TRIAGE_STATUSES

    @property
    def can_escalate(self) -> bool:
        """A commune's open item can be handed to the provincial Front (once)."""
        return self.is_open and self.handling_level == HandlingLevel.COMMUNE

    @property
    def extensions_allowed(self) -> int:
        # Law on Denunciations 2018 Art. 30: the number of extensions follows the case's complexity.
        return self.due_rule.extensions_allowed(self.complexity) if self.due_rule_id else 0

    @property
    def can_request_extension(self) -> bool:
        """The agency may ask for more time while the answer is due, within the rule's number of extensions."""
        return (
            self.status in ANSWER_STATUSES
            and self.due_date is not None
            and self.extension_count < self.extensions_allowed
        )

    @property
    def can_be_rated(self) -> bool:
        return self.status in ANSWERED_STATUSES and self.rated_at is None

    @property
    def dispute_deadline(self):
        """The last day the citizen may dispute the result (``FEEDBACK_DISPUTE_DAYS`` after closing), or None."""
        if self.status not in RESULT_STATUSES or self.closed_at is None:
            return None
        return timezone.localdate(self.closed_at) + timedelta(days=settings.FEEDBACK_DISPUTE_DAYS)

    @property
    def can_be_disputed(self) -> bool:
        deadline = self.dispute_deadline
        return deadline is not None and timezone.localdate() <= deadline

    @property
    def can_be_withdrawn(self) -> bool:
        return self.status in WITHDRAWABLE_STATUSES

    @property
    def is_published(self) -> bool:
        """Its public answer and the attachments published with it may be shown."""
        return self.status in ANSWERED_STATUSES


class EventKind(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    TRANSITION = "transition", _("Status changed")
    NOTE = "note", _("Internal note")
    EXTENSION_REQUESTED = "extension_requested", _("Extension requested")
    EXTENSION_GRANTED = "extension_granted", _("Extension granted")
    EXTENSION_REFUSED = "extension_refused", _("Extension refused")
    ESCALATED = "escalated", _("Escalated to the provincial Front")
    RATED = "rated", _("Answer rated by the citizen")
    ATTACHMENT = "attachment", _("Attachment added")
    EDITED = "edited", _("Details corrected")
    ANONYMIZED = "anonymized", _("Personal data anonymised")
    DATA_REQUEST = "data_request", _("Citizen's request about their data")
    REMINDER = "reminder", _("Reminder sent")
    COMPLEXITY_SET = "complexity_set", _("Complexity decided")
    SUPPORTED = "supported", _("Another citizen reported the same matter")


class ItemEvent(models.Model):
    """One row per thing that happened to an item: the audit trail and the source of every statistic."""

    # No index of its own: event_item_time_idx (item, created_at) serves the foreign key.
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="events", db_index=False)
    kind = models.CharField(max_length=30, choices=EventKind.choices)
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # "citizen" or "system" when there is no user.
    actor_label = models.CharField(max_length=40, blank=True)
    agency = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    due_date = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)
    is_public = models.BooleanField(default=False)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("item event")
        verbose_name_plural = _("item events")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["item", "created_at"], name="event_item_time_idx")]

    def __str__(self) -> str:
        return f"{self.item_id} {self.kind} {self.from_status}->{self.to_status}"

    @property
    def actor_display(self) -> str:
        """Who acted, in the reader's language: the user's name, or what ``actor_label`` stands for."""
        if self.actor_id and self.actor is not None:
            return self.actor.get_full_name() or self.actor.get_username()
        labels = {
            "citizen": _("the citizen"),
            "system": _("the system"),
            "front": _("the Front"),
            "agency": _("the agency"),
        }
        return str(labels.get(self.actor_label, self.actor_label))


class ItemSupport(models.Model):
    """A citizen who met the same matter ("tôi cũng gặp việc này") and joined an existing item instead of
    sending it again. Contact details only with consent; anonymised with the item's other personal data."""

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="supports")
    submitter_email = models.CharField(_("email"), max_length=254, blank=True)
    submitter_phone = models.CharField(_("phone"), max_length=40, blank=True)
    consent_contact = models.BooleanField(_("agreed to be contacted"), default=False)
    language = models.CharField(_("language"), max_length=10, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("citizen reporting the same matter")
        verbose_name_plural = _("citizens reporting the same matter")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.item_id} +1"


class Attachment(models.Model):
    """A file stored under MEDIA_ROOT with an unguessable name; served only through a permission check."""

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="attachments")
    event = models.ForeignKey(ItemEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(max_length=255)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    is_public = models.BooleanField(default=False)
    # Set when retention or an erasure request deleted the file from storage (the row stays for the history).
    erased_at = models.DateTimeField(null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class DayCount(models.TextChoices):
    WORKING = "working", _("Working days")
    CALENDAR = "calendar", _("Calendar days")


class DeadlineRule(models.Model):
    """Admin-editable: how long a step may take for a type, channel and category. The most specific active
    rule wins. Each rule cites the one article that sets its period; an extension no article grants is the
    province's own rule and says so (``extension_legal_reference`` left empty)."""

    step = models.CharField(_("step"), max_length=10, choices=Step.choices)
    item_type = models.CharField(
        _("item type"), max_length=40, choices=ItemType.choices, blank=True, help_text=_("Empty: every type.")
    )
    channel = models.CharField(
        _("channel"), max_length=30, choices=Channel.choices, blank=True, help_text=_("Empty: every channel.")
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: every category."),
    )
    days = models.PositiveSmallIntegerField(_("days"))
    day_count = models.CharField(_("counted in"), max_length=10, choices=DayCount.choices)
    complex_days = models.PositiveSmallIntegerField(_("days for a complex case"), null=True, blank=True)
    remote_days = models.PositiveSmallIntegerField(_("days in a remote area"), null=True, blank=True)
    remote_complex_days = models.PositiveSmallIntegerField(
        _("days for a complex case in a remote area"), null=True, blank=True
    )
    max_extensions = models.PositiveSmallIntegerField(_("extensions allowed"), default=1)
    max_extensions_complex = models.PositiveSmallIntegerField(
        _("extensions allowed for a complex case"), null=True, blank=True, help_text=_("Empty: as above.")
    )
    max_extensions_especially_complex = models.PositiveSmallIntegerField(
        _("extensions allowed for an especially complex case"),
        null=True,
        blank=True,
        help_text=_("Empty: as for a complex case."),
    )
    extension_days = models.PositiveSmallIntegerField(_("days per extension"), null=True, blank=True)
    legal_reference = models.CharField(_("legal basis"), max_length=255, help_text=_("One article."))
    extension_legal_reference = models.CharField(
        _("legal basis of the extensions"),
        max_length=255,
        blank=True,
        help_text=_("Empty while extensions are allowed: the province's own rule, labelled so."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("deadline rule")
        verbose_name_plural = _("deadline rules")
        ordering = ["step", "item_type", "channel"]
        constraints = [
            models.UniqueConstraint(
                fields=["step", "item_type", "channel"],
                condition=Q(is_active=True, category__isnull=True),
                name="one_active_rule_per_key",
            ),
            models.UniqueConstraint(
                fields=["step", "item_type", "channel", "category"],
                condition=Q(is_active=True, category__isnull=False),
                name="one_active_category_rule_per_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_step_display()} · {self.item_type or '*'} · {self.channel or '*'} · {self.days}"

    def extensions_allowed(self, complexity: str = Complexity.NORMAL) -> int:
        if complexity == Complexity.ESPECIALLY_COMPLEX:
            for value in (self.max_extensions_especially_complex, self.max_extensions_complex):
                if value is not None:
                    return value
        if complexity == Complexity.COMPLEX and self.max_extensions_complex is not None:
            return self.max_extensions_complex
        return self.max_extensions

    @property
    def allows_extensions(self) -> bool:
        return any(
            (n or 0) > 0
            for n in (self.max_extensions, self.max_extensions_complex, self.max_extensions_especially_complex)
        )

    @property
    def extension_is_provincial_rule(self) -> bool:
        """Extensions are allowed but no article grants them: the province's own rule."""
        return self.allows_extensions and not self.extension_legal_reference


class CalendarException(models.Model):
    """The government's yearly day swaps: a day off that is not in the holidays package, or a working Saturday."""

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("Day off")
        WORKING_DAY = "working_day", _("Working day")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=15, choices=Kind.choices)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("calendar exception")
        verbose_name_plural = _("calendar exceptions")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


class PersonalDataAccess(AppendOnlyModel):
    """Every view and export of personal data is logged (Law 91/2025). Written only by
    ``services.personal_data.personal_data_access_record``; append-only like the security log."""

    class Action(models.TextChoices):
        VIEW = "view", _("Viewed")
        EXPORT = "export", _("Exported")
        API = "api", _("Read through the API")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(Item, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=10, choices=Action.choices)
    detail = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.user_id} {self.action} {self.item_id}"


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the Front's decision")
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")


class ExtensionRequest(models.Model):
    """An agency asks for more time (gia hạn) with a reason; the Front grants or refuses it.

    Granting replaces the item's one due date through ``item_move(EXTEND)``; the request, the decision and
    the previous due date stay here and in the item's history. The deadline rule limits how many are granted.
    """

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="extension_requests")
    agency = models.ForeignKey(Organization, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    requested_days = models.PositiveSmallIntegerField(_("days requested"), null=True, blank=True)
    requested_due_date = models.DateField(_("new due date requested"))
    previous_due_date = models.DateField(_("due date when asked"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    granted_due_date = models.DateField(_("new due date granted"), null=True, blank=True)
    decision_note = models.TextField(_("grounds of the decision"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        ordering = ["-created_at", "-id"]
        constraints = [
            # One open question at a time per item: a second click cannot file a second request.
            models.UniqueConstraint(
                fields=["item"], condition=Q(status="pending"), name="one_pending_extension_per_item"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} → {self.requested_due_date} ({self.status})"


class NotificationChannel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")
    IN_APP = "in_app", _("In the portal")


class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    # Not to be sent any more: the person withdrew consent to be contacted, or the item was anonymised.
    CANCELLED = "cancelled", _("Cancelled")


class Notification(models.Model):
    """The outbox: one row per message to one recipient on one channel.

    The database, not the broker, records what must be sent: a row is written when the decision is made and
    a worker claims it (``pending`` → ``sending``) with a conditional UPDATE before delivering it. ``key`` is
    unique, so deciding the same thing twice (a retried task, two beat hosts) creates nothing the second time.
    """

    key = models.CharField(max_length=200, unique=True)
    template = models.CharField(_("message"), max_length=40)
    channel = models.CharField(_("channel"), max_length=10, choices=NotificationChannel.choices)
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notifications",
        # No index of its own: notification_user_idx (recipient_user, channel, -created_at) serves the key.
        db_index=False,
    )
    # The citizen's email address or phone number (cleared when the item is anonymised).
    recipient_address = models.CharField(_("address"), max_length=254, blank=True)
    # No database constraint on the item and the event (docs/adr/0173): checking them locked every item row the
    # chase notified about (FOR KEY SHARE) and cost a third of a million-item chase. Every writer takes both
    # from rows it has just read or written in the same transaction; items and events are never deleted (the
    # ORM's PROTECT below still refuses it).
    item = models.ForeignKey(
        Item,
        verbose_name=_("feedback item"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    event = models.ForeignKey(
        ItemEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    language = models.CharField(_("language"), max_length=10, default="vi")
    context = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=NotificationStatus.choices, default=NotificationStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # When a delivery task was last handed to the broker (null: never, e.g. the broker was down).
    queued_at = models.DateTimeField(null=True, blank=True)
    # Not before this time (backoff after a failure).
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The sweeper: rows still to deliver (only those: an in-app row is written already sent).
            models.Index(
                fields=["status", "next_attempt_at"],
                condition=Q(
                    status__in=[NotificationStatus.PENDING, NotificationStatus.SENDING, NotificationStatus.FAILED]
                ),
                name="notification_due_idx",
            ),
            # The bell and the list: a user's in-app notifications, newest first.
            models.Index(fields=["recipient_user", "channel", "-created_at"], name="notification_user_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                name="notification_has_recipient",
                condition=Q(recipient_user__isnull=False) | ~Q(recipient_address=""),
            )
        ]

    def __str__(self) -> str:
        return f"{self.template} · {self.get_channel_display()} · {self.recipient_user_id or self.recipient_address}"


class ChaseLevel(models.TextChoices):
    REMINDER = "reminder", _("Reminder before the due date")
    OVERDUE = "overdue", _("Overdue notice")
    ESCALATION = "escalation", _("Escalated to the superior and the provincial Front")
    BOARD = "board", _("On the provincial board's overdue list")


class DeadlineChase(models.Model):
    """One row per (item, step, level, due date): the unique constraint is what makes each chase happen once,
    whatever the scheduler does (a retried job, two beat hosts, two concurrent runs)."""

    # No index of its own: the unique constraint (item, step, level, due_date) serves the foreign key.
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="chases", db_index=False)
    step = models.CharField(_("step"), max_length=10, choices=Step.choices)
    level = models.CharField(_("level"), max_length=12, choices=ChaseLevel.choices)
    due_date = models.DateField(_("due date"))
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("deadline chase")
        verbose_name_plural = _("deadline chases")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["item", "step", "level", "due_date"], name="one_chase_per_item_step_level")
        ]
        indexes = [models.Index(fields=["level", "-created_at"], name="chase_level_idx")]

    def __str__(self) -> str:
        return f"{self.item_id} {self.step} {self.level} {self.due_date}"


class DataRequestKind(models.TextChoices):
    ACCESS = "access", _("Copy of the data held")
    WITHDRAW_PUBLISH = "withdraw_publish", _("Consent to publish withdrawn")
    WITHDRAW_CONTACT = "withdraw_contact", _("Consent to be contacted withdrawn")
    ERASURE = "erasure", _("Erasure")


class DataRequestStatus(models.TextChoices):
    OPEN = "open", _("Waiting for the Front")
    DONE = "done", _("Done")


class DataSubjectRequest(models.Model):
    """A citizen's request about the personal data of their item (Law 91/2025; Decree 356/2025): the register
    the Front answers within 2 working days. Access and withdrawals take effect at once and are recorded done;
    an erasure waits for the Front's one action."""

    item = models.ForeignKey(Item, verbose_name=_("feedback item"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("request"), max_length=20, choices=DataRequestKind.choices)
    status = models.CharField(_("status"), max_length=10, choices=DataRequestStatus.choices)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    due_date = models.DateField(_("due date"))
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("data request")
        verbose_name_plural = _("data requests")
        ordering = ["status", "due_date", "id"]
        indexes = [models.Index(fields=["status", "due_date"], name="datarequest_open_idx")]
        constraints = [
            # One open erasure request per item: asking twice does not file twice.
            models.UniqueConstraint(
                fields=["item", "kind"], condition=Q(status="open"), name="one_open_data_request_per_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.item_id} {self.kind} {self.status}"

    @property
    def can_be_handled(self) -> bool:
        return self.status == DataRequestStatus.OPEN


# The longest free text an item or a decision takes (description, request, answer, notes): the database's text
# columns are unbounded, this is the rule.
ITEM_TEXT_MAX = 10_000


def item_field_max(name: str) -> int:
    """The longest value of an ``Item`` field: its column's ``max_length``, or ``ITEM_TEXT_MAX`` for a text.
    Forms, API serializers and services all read their limits here."""
    return Item._meta.get_field(name).max_length or ITEM_TEXT_MAX
