"""Places (the province, its communes and residential areas), organisations, staff and their roles."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mttq_portal.ordering import vietnamese_order


class UnitKind(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("Centrally-run city")
    COMMUNE = "commune", _("Commune")
    WARD = "ward", _("Ward")
    SPECIAL_ZONE = "special_zone", _("Special zone")


class Level(models.TextChoices):
    PROVINCE = "province", _("Province")
    COMMUNE = "commune", _("Commune")


class AdministrativeUnit(models.Model):
    """The province or one of its communes/wards (two-level local government since 1 July 2025)."""

    code = models.PositiveIntegerField(_("official code"), unique=True)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("province"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    is_remote_area = models.BooleanField(
        _("remote area"), default=False, help_text=_("Vùng sâu, vùng xa: longer legal deadlines apply.")
    )
    # The document that lists the commune as remote (or not); the seed fills it only while it is empty, so a
    # decision the staff recorded is never overwritten (ADR 0142).
    remote_area_source = models.CharField(_("legal source of the remote-area flag"), max_length=255, blank=True)
    # Lower-case, diacritic-free copy of the name for accent-insensitive search.
    name_folded = models.CharField(max_length=120, editable=False, db_index=True)

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = vietnamese_order("name")
        constraints = [
            models.CheckConstraint(
                name="unit_province_has_no_parent",
                condition=Q(kind__in=["province", "city"], parent__isnull=True)
                | (~Q(kind__in=["province", "city"]) & Q(parent__isnull=False)),
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def level(self) -> str:
        return Level.PROVINCE if self.kind in (UnitKind.PROVINCE, UnitKind.CITY) else Level.COMMUNE


class ResidentialArea(models.Model):
    """Khu dân cư (thôn, bản, tổ dân phố): maintained by staff, no official list exists."""

    class Kind(models.TextChoices):
        VILLAGE = "thon", _("Village (thôn)")
        HAMLET = "ban", _("Hamlet (bản)")
        STREET_GROUP = "to_dan_pho", _("Residential group (tổ dân phố)")
        OTHER = "other", _("Other")

    commune = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="residential_areas"
    )
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.HAMLET)
    work_committee_head = models.CharField(_("head of the Front Work Committee"), max_length=120, blank=True)
    # Annex row 9: "100% khu dân cư vùng dân tộc, tôn giáo đăng ký thực hiện cuộc vận động" counts these areas.
    is_ethnic_or_religious_area = models.BooleanField(_("ethnic-minority or religious area"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    name_folded = models.CharField(max_length=120, editable=False, db_index=True)

    class Meta:
        verbose_name = _("residential area")
        verbose_name_plural = _("residential areas")
        ordering = [*vietnamese_order("commune__name"), *vietnamese_order("name")]
        constraints = [models.UniqueConstraint(fields=["commune", "name"], name="unique_area_name_per_commune")]

    def __str__(self) -> str:
        return f"{self.name} ({self.commune.name})"


class OrganizationKind(models.TextChoices):
    FRONT_COMMITTEE = "front_committee", _("Fatherland Front committee")
    FRONT_STANDING_BOARD = "front_standing_board", _("Front Standing Board")
    TRADE_UNION = "trade_union", _("Trade Union")
    FARMERS_UNION = "farmers_union", _("Farmers' Union")
    YOUTH_UNION = "youth_union", _("Ho Chi Minh Communist Youth Union")
    WOMENS_UNION = "womens_union", _("Women's Union")
    VETERANS = "veterans_association", _("Veterans' Association")
    MASS_ASSOCIATION = "mass_association", _("Mass association")
    PEOPLES_INSPECTION_BOARD = "peoples_inspection_board", _("People's Inspection Board")
    COMMUNITY_INVESTMENT_BOARD = "community_investment_board", _("Community Investment Supervision Board")
    PARTY_COMMITTEE = "party_committee", _("Party committee")
    PROPAGANDA_COMMISSION = "propaganda_commission", _("Propaganda and Mass Mobilisation Commission")
    PEOPLES_COUNCIL = "peoples_council", _("People's Council")
    PEOPLES_COMMITTEE = "peoples_committee", _("People's Committee")
    DEPARTMENT = "department", _("Provincial department or body")
    # Bodies of the central State or the armed forces placed in the province, which answer citizens too:
    # police, military command, border guard, court, procuracy, social insurance, Social Policy Bank.
    SECTOR_BODY = "sector_body", _("Police, armed forces, court, procuracy or central-sector body")
    # The working departments of the provincial Front committee (Ban ... of Ủy ban MTTQ tỉnh).
    FRONT_DEPARTMENT = "front_department", _("Department of the Front committee")
    NA_DELEGATION = "na_delegation", _("National Assembly delegation")
    UTILITY = "utility", _("Utility or enterprise")
    OTHER = "other", _("Other body")


SOCIO_POLITICAL_KINDS = frozenset(
    {
        OrganizationKind.TRADE_UNION,
        OrganizationKind.FARMERS_UNION,
        OrganizationKind.YOUTH_UNION,
        OrganizationKind.WOMENS_UNION,
        OrganizationKind.VETERANS,
    }
)
# Bodies that receive forwarded items and must answer them.
AGENCY_KINDS = frozenset(
    {
        OrganizationKind.PARTY_COMMITTEE,
        OrganizationKind.PEOPLES_COUNCIL,
        OrganizationKind.PEOPLES_COMMITTEE,
        OrganizationKind.DEPARTMENT,
        OrganizationKind.SECTOR_BODY,
        OrganizationKind.NA_DELEGATION,
        OrganizationKind.UTILITY,
        OrganizationKind.OTHER,
    }
)


class Organization(models.Model):
    code = models.SlugField(_("code"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=80, blank=True)
    kind = models.CharField(_("kind"), max_length=40, choices=OrganizationKind.choices)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("administrative unit"),
        on_delete=models.PROTECT,
        related_name="organizations",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("superior organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    email = models.EmailField(_("email"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    name_folded = models.CharField(max_length=255, editable=False, db_index=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["level", *vietnamese_order("name")]
        indexes = [models.Index(fields=["unit", "kind"], name="org_unit_kind_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_agency(self) -> bool:
        return self.kind in AGENCY_KINDS

    @property
    def is_front(self) -> bool:
        return self.kind in (OrganizationKind.FRONT_COMMITTEE, OrganizationKind.FRONT_STANDING_BOARD)


class User(AbstractUser):
    """A staff account. Citizens need no account.

    A service account (``is_service_account``) is the actor of an organisation's API tokens: one per
    organisation, no usable password, its memberships give it the organisation's scope. Events, access logs
    and approvals made through a token record it like any officer.
    """

    phone = models.CharField(_("phone"), max_length=20, blank=True)
    is_service_account = models.BooleanField(
        _("service account"), default=False, help_text=_("Acts for the organisation's API tokens; cannot log in.")
    )
    service_organization = models.OneToOneField(
        "Organization",
        verbose_name=_("service account of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_account",
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                name="service_account_has_organization",
                condition=Q(is_service_account=True, service_organization__isnull=False)
                | Q(is_service_account=False, service_organization__isnull=True),
            )
        ]


class Role(models.TextChoices):
    FRONT_OFFICER = "front_officer", _("Front officer")
    AGENCY_OFFICER = "agency_officer", _("Agency officer")
    BOARD_VIEWER = "board_viewer", _("Provincial board viewer")
    ORGANIZATION_OFFICER = "organization_officer", _("Organisation officer")
    ADMINISTRATOR = "administrator", _("Administrator")


class Membership(models.Model):
    """A user works for an organisation in a role. The organisation's level and unit give the scope."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["user", "organization", "role"], name="unique_membership_role")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.organization}"


class ApiTokenScope(models.TextChoices):
    """What a REST client may do with its token, within its organisation's scope (ADR 0110).

    Reading needs the read scope; any write through the API needs the matching ``:write`` scope.
    """

    FIGURES = "figures", _("Read figures (compliance, targets, programmes)")
    FIGURES_WRITE = "figures:write", _("Record programme activities and target reports")
    ITEMS = "items", _("Read feedback items (no personal data)")
    ITEMS_WRITE = "items:write", _("Move feedback items (forward, answer, close, ...)")
    OPEN311_SUBMIT = "open311:submit", _("Submit feedback items (Open311)")


class ApiToken(models.Model):
    """A per-organisation key for another system. Only a hash of the key is stored; the key is shown once.

    The client acts as a service identity whose scope is its organisation's (a commune Front sees its
    commune, an agency its forwarded items, the provincial Front or board the province).
    """

    name = models.CharField(_("name"), max_length=120, help_text=_("Which system uses this key."))
    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="api_tokens"
    )
    scopes = models.JSONField(
        _("scopes"),
        default=list,
        blank=True,
        help_text=_("What the key may do: a list of figures, figures:write, items, items:write, open311:submit."),
    )
    # The first characters of the key, shown in the admin and used to find the row; the rest is secret.
    prefix = models.CharField(_("key prefix"), max_length=16, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    created_by = models.ForeignKey(
        User, verbose_name=_("issued by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("issued"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, verbose_name=_("revoked by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def has_scope(self, scope: str) -> bool:
        return scope in (self.scopes or ())


class AppendOnlyQuerySet(models.QuerySet):
    """A record that is written once and never changed: bulk UPDATE and DELETE are refused here, and a
    PostgreSQL trigger refuses them for any other client (docs/adr/0120-security-event-log.md)."""

    def update(self, **kwargs):
        raise TypeError(f"{self.model.__name__} is append-only: rows are never updated.")

    def delete(self):
        raise TypeError(f"{self.model.__name__} is append-only: rows are removed only by its retention run.")

    update.queryset_only = True
    delete.queryset_only = True


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError(f"{type(self).__name__} is append-only: rows are never updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError(f"{type(self).__name__} is append-only: rows are removed only by its retention run.")


class SecurityEventKind(models.TextChoices):
    LOGIN = "login", _("Logged in")
    LOGOUT = "logout", _("Logged out")
    LOGIN_FAILED = "login_failed", _("Login failed")
    LOCKED_OUT = "locked_out", _("Locked out")
    UNLOCKED = "unlocked", _("Lock-out lifted")
    SESSION_EXPIRED = "session_expired", _("Session expired")
    MFA_ENROLLED = "mfa_enrolled", _("Second factor enrolled")
    MFA_REMOVED = "mfa_removed", _("Second factor removed")
    MFA_VERIFIED = "mfa_verified", _("Second factor used")
    MFA_FAILED = "mfa_failed", _("Second factor refused")
    ACCESS_REFUSED = "access_refused", _("Access refused")
    TOKEN_ISSUED = "token_issued", _("API token issued")
    TOKEN_USED = "token_used", _("API token used")
    TOKEN_REVOKED = "token_revoked", _("API token revoked")
    EXPORT = "export", _("Export of personal data")
    PERSONAL_DATA_READ = "personal_data_read", _("Personal data read")
    MEMBERSHIP_GRANTED = "membership_granted", _("Membership granted")
    MEMBERSHIP_REVOKED = "membership_revoked", _("Membership revoked")
    RETENTION_RUN = "retention_run", _("Retention run")
    PASSWORD_CHANGED = "password_changed", _("Password changed")
    INVITATION_SENT = "invitation_sent", _("Invitation sent")
    DATA_SUBJECT_REQUEST = "data_subject_request", _("Citizen's data request")


class SecurityEvent(AppendOnlyModel):
    """One row per security-relevant event (OWASP ASVS V7). Append-only; never personal data of citizens.

    ``actor_id`` is not a foreign key on purpose: the log outlives accounts and must not block or be
    changed by a user's removal; ``actor_username`` keeps who it was.
    """

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("event"), max_length=30, choices=SecurityEventKind.choices, db_index=True)
    actor_id = models.BigIntegerField(_("user id"), null=True, blank=True, db_index=True)
    actor_username = models.CharField(_("user"), max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    object_type = models.CharField(_("object type"), max_length=60, blank=True)
    object_id = models.CharField(_("object"), max_length=64, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        verbose_name = _("security event")
        verbose_name_plural = _("security events")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["kind", "-created_at"], name="secevent_kind_created_idx")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.kind} {self.actor_username}"
