"""Writes of the programs app. Views, API views, tasks and the demo generator all call these."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import TypedDict, Unpack

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mttq_portal.errors import ApplicationError, ConflictError, NotAllowedError
from mttq_portal.files import CheckedFile
from mttq_portal.text import fold_vietnamese
from organizations.models import AdministrativeUnit, Organization, ResidentialArea, User
from organizations.selectors import AnyUser

from . import evidence as evidence_files
from .models import (
    MAX_PARTICIPANTS,
    MAX_SESSIONS,
    PERIOD_END,
    PERIOD_START,
    Activity,
    ActivityItem,
    ActivityKind,
    EvidenceFile,
    Milestone,
    Programme,
    ProgrammeEvent,
    ProgrammeEventKind,
    ProgrammeSubRow,
    RecognitionLevel,
    SkilfulMobilisationModel,
    SkilfulModelField,
)
from .selectors import (
    can_complete_milestones,
    can_record,
    linkable_items,
    recordable_communes,
    recordable_organizations,
)


def _check_date(value: datetime.date, *, field: str, today: datetime.date) -> None:
    if not PERIOD_START <= value <= PERIOD_END:
        raise ApplicationError(
            _("The date must be within the resolution's period, from 01/01/2025 to 31/12/2030."),
            code="date_outside_period",
            fields={field: [_("Outside 2025-2030.")]},
        )
    if value > today:
        raise ApplicationError(
            _("The date cannot be in the future."), code="date_in_future", fields={field: [_("In the future.")]}
        )


def _check_range(value: int, *, low: int, high: int, field: str, label: str) -> None:
    if not low <= value <= high:
        raise ApplicationError(
            _("%(label)s must be between %(low)s and %(high)s.") % {"label": label, "low": low, "high": high},
            code="out_of_range",
            fields={field: [_("Out of range.")]},
        )


def _check_files(files: Sequence[UploadedFile[bytes]]) -> list[CheckedFile]:
    if len(files) > evidence_files.MAX_FILES:
        raise ApplicationError(
            _("At most %(n)s evidence files at once.") % {"n": evidence_files.MAX_FILES},
            code="too_many_files",
            fields={"evidence": [_("Too many files.")]},
        )
    return [evidence_files.check_evidence(f) for f in files]


class EvidenceOwner(TypedDict, total=False):
    """What evidence files belong to: one of an activity, a milestone or a "Dân vận khéo" model."""

    activity: Activity
    milestone: Milestone
    skilful_model: SkilfulMobilisationModel


def _store_files(checked: list[CheckedFile], *, user: User, **owner: Unpack[EvidenceOwner]) -> list[EvidenceFile]:
    stored = []
    for f in checked:
        stored.append(
            EvidenceFile.objects.create(
                file=evidence_files.store(f),
                original_name=f.original_name,
                content_type=f.content_type,
                size=f.size,
                sha256=f.sha256,
                uploaded_by=user,
                **owner,
            )
        )
    return stored


def _organization_in_scope(*, user: AnyUser, organization_id: int) -> Organization:
    organization = recordable_organizations(user=user).filter(id=organization_id).first()
    if organization is None:
        raise NotAllowedError(
            _("This organisation is outside your scope: you may record only for the organisations of your commune."),
            code="organization_out_of_scope",
            fields={"organization": [_("Outside your scope.")]},
        )
    return organization


def _commune_for(*, user: AnyUser, organization: Organization, commune_id: int | None) -> AdministrativeUnit | None:
    """A commune-level organisation records for its own commune; a provincial one may name a commune."""
    if organization.unit.parent_id is not None:
        if commune_id and commune_id != organization.unit_id:
            raise ApplicationError(
                _("The commune must be the organisation's own commune."),
                code="commune_mismatch",
                fields={"commune": [_("Not the organisation's commune.")]},
            )
        return organization.unit
    if not commune_id:
        return None
    commune = recordable_communes(user=user).filter(id=commune_id).first()
    if commune is None:
        raise NotAllowedError(
            _("This commune is outside your scope."),
            code="commune_out_of_scope",
            fields={"commune": [_("Outside your scope.")]},
        )
    return commune


@transaction.atomic
def activity_record(
    *,
    user: User,
    programme_id: int,
    kind: str,
    held_on: datetime.date,
    organization_id: int,
    description: str,
    sub_row_id: int | None = None,
    commune_id: int | None = None,
    residential_area_ids: Iterable[int] = (),
    participants: int = 0,
    session_count: int = 1,
    outputs: str = "",
    item_ids: Iterable[int] = (),
    evidence: Sequence[UploadedFile[bytes]] = (),
    today: datetime.date | None = None,
) -> Activity:
    """Record what an organisation did against a programme, with its evidence and the items raised at it."""
    if not can_record(user=user):
        raise NotAllowedError(_("Only Front officers record programme activities."))
    today = today or timezone.localdate()
    programme = Programme.objects.filter(id=programme_id).first()
    if programme is None:
        raise ApplicationError(_("Unknown programme."), code="unknown_programme", fields={"programme": [_("Unknown.")]})
    if sub_row_id and not ProgrammeSubRow.objects.filter(id=sub_row_id, programme=programme).exists():
        raise ApplicationError(
            _("This activity line does not belong to the programme."),
            code="unknown_sub_row",
            fields={"sub_row": [_("Unknown.")]},
        )
    if kind not in ActivityKind.values:
        raise ApplicationError(_("Unknown kind of activity."), code="unknown_kind", fields={"kind": [_("Unknown.")]})
    description = (description or "").strip()
    if not description:
        raise ApplicationError(
            _("Describe the activity."), code="description_required", fields={"description": [_("Required.")]}
        )
    _check_date(held_on, field="held_on", today=today)
    _check_range(participants, low=0, high=MAX_PARTICIPANTS, field="participants", label=_("Participants"))
    _check_range(session_count, low=1, high=MAX_SESSIONS, field="session_count", label=_("Number of sessions"))
    organization = _organization_in_scope(user=user, organization_id=organization_id)
    commune = _commune_for(user=user, organization=organization, commune_id=commune_id)
    areas = _areas_in(commune, residential_area_ids)
    items = _linkable_item_ids(user=user, item_ids=item_ids)
    checked = _check_files(evidence)

    activity = Activity.objects.create(
        programme=programme,
        sub_row_id=sub_row_id,
        kind=kind,
        held_on=held_on,
        organization=organization,
        commune=commune,
        participants=participants,
        session_count=session_count,
        description=description,
        outputs=(outputs or "").strip(),
        search_text=fold_vietnamese(f"{description} {outputs}"),
        created_by=user,
    )
    if areas:
        activity.residential_areas.set(areas)
    ActivityItem.objects.bulk_create([ActivityItem(activity=activity, item_id=i) for i in items])
    stored = _store_files(checked, user=user, activity=activity)
    ProgrammeEvent.objects.create(
        kind=ProgrammeEventKind.ACTIVITY_RECORDED,
        programme=programme,
        activity=activity,
        actor=user,
        data={"kind": kind, "held_on": held_on.isoformat(), "items": sorted(items), "evidence": [e.id for e in stored]},
    )
    return activity


def _areas_in(commune: AdministrativeUnit | None, residential_area_ids: Iterable[int]) -> list[ResidentialArea]:
    area_ids = set(residential_area_ids)
    areas = list(ResidentialArea.objects.filter(id__in=area_ids, commune=commune)) if area_ids else []
    if len(areas) != len(area_ids):
        raise ApplicationError(
            _("Residential areas must belong to the activity's commune."),
            code="area_outside_commune",
            fields={"residential_areas": [_("Not in the commune.")]},
        )
    return areas


def _linkable_item_ids(*, user: AnyUser, item_ids: Iterable[int]) -> list[int]:
    wanted_items = set(item_ids)
    items = list(linkable_items(user=user).filter(id__in=wanted_items).values_list("id", flat=True))
    if len(items) != len(wanted_items):
        raise NotAllowedError(
            _("Some feedback items do not exist or are outside your scope."),
            code="item_out_of_scope",
            fields={"items": [_("Outside your scope.")]},
        )
    return items


@transaction.atomic
def activity_evidence_add(*, user: User, activity_id: int, files: Sequence[UploadedFile[bytes]]) -> list[EvidenceFile]:
    from .selectors import activity_get_for_user

    activity = activity_get_for_user(user=user, activity_id=activity_id)
    if activity is None or not can_record(user=user):
        raise NotAllowedError(_("You may not add evidence to this activity."))
    _organization_in_scope(user=user, organization_id=activity.organization_id)
    if not files:
        raise ApplicationError(_("Choose at least one file."), code="no_file", fields={"evidence": [_("Required.")]})
    stored = _store_files(_check_files(files), user=user, activity=activity)
    ProgrammeEvent.objects.create(
        kind=ProgrammeEventKind.EVIDENCE_ADDED,
        programme_id=activity.programme_id,
        activity=activity,
        actor=user,
        data={"evidence": [e.id for e in stored]},
    )
    return stored


@transaction.atomic
def milestone_complete(
    *,
    user: User,
    milestone_id: int,
    done_on: datetime.date,
    evidence_note: str = "",
    evidence: Sequence[UploadedFile[bytes]] = (),
    today: datetime.date | None = None,
) -> Milestone:
    """Mark a milestone done with its evidence (the provincial Front). A second completion is refused."""
    if not can_complete_milestones(user=user):
        raise NotAllowedError(_("Only the provincial Front marks programme milestones done."))
    milestone = Milestone.objects.select_for_update().filter(id=milestone_id).first()
    if milestone is None:
        raise ApplicationError(_("Unknown milestone."), code="unknown_milestone")
    if not milestone.can_be_completed():
        raise ConflictError(
            _("This milestone was already marked done on %(date)s.")
            % {"date": milestone.done_on.strftime("%d/%m/%Y") if milestone.done_on else ""},
            code="milestone_already_done",
        )
    _check_date(done_on, field="done_on", today=today or timezone.localdate())
    evidence_note = (evidence_note or "").strip()
    checked = _check_files(evidence)
    if not evidence_note and not checked:
        raise ApplicationError(
            _("Give the evidence: a note (document number, minutes) or a file."),
            code="evidence_required",
            fields={"evidence_note": [_("Required.")]},
        )
    milestone.done_on = done_on
    milestone.done_by = user
    milestone.evidence_note = evidence_note
    milestone.completed_at = timezone.now()
    milestone.save(update_fields=["done_on", "done_by", "evidence_note", "completed_at"])
    stored = _store_files(checked, user=user, milestone=milestone)
    ProgrammeEvent.objects.create(
        kind=ProgrammeEventKind.MILESTONE_DONE,
        programme_id=milestone.programme_id,
        milestone=milestone,
        actor=user,
        data={
            "done_on": done_on.isoformat(),
            "on_time": done_on <= milestone.due_date,
            "evidence": [e.id for e in stored],
        },
    )
    return milestone


@transaction.atomic
def skilful_model_register(
    *,
    user: User,
    name: str,
    organization_id: int,
    year: int,
    field: str,
    description: str,
    commune_id: int | None = None,
    recognition_level: str = RecognitionLevel.NONE,
    recognition: str = "",
    evidence: Sequence[UploadedFile[bytes]] = (),
) -> SkilfulMobilisationModel:
    """Add a typical "Dân vận khéo" model to the register (target A4)."""
    if not can_record(user=user):
        raise NotAllowedError(_('Only Front officers register "Dân vận khéo" models.'))
    name, description = (name or "").strip(), (description or "").strip()
    if not name or not description:
        raise ApplicationError(
            _("Give the model's name and a description."),
            code="required",
            fields={"name" if not name else "description": [_("Required.")]},
        )
    _check_range(year, low=PERIOD_START.year, high=PERIOD_END.year, field="year", label=_("Year"))
    if field not in SkilfulModelField.values or recognition_level not in RecognitionLevel.values:
        raise ApplicationError(_("Unknown field or recognition."), code="invalid_choice")
    organization = _organization_in_scope(user=user, organization_id=organization_id)
    commune = _commune_for(user=user, organization=organization, commune_id=commune_id)
    checked = _check_files(evidence)
    model = SkilfulMobilisationModel.objects.create(
        name=name,
        organization=organization,
        commune=commune,
        year=year,
        field=field,
        description=description,
        recognition_level=recognition_level,
        recognition=(recognition or "").strip(),
        name_folded=fold_vietnamese(name),
        created_by=user,
    )
    stored = _store_files(checked, user=user, skilful_model=model)
    ProgrammeEvent.objects.create(
        kind=ProgrammeEventKind.MODEL_REGISTERED,
        skilful_model=model,
        actor=user,
        data={"year": year, "evidence": [e.id for e in stored]},
    )
    return model
