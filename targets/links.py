"""Links from a number to what is behind it: the items in the officers' workspace, the activities of the
programmes, the reported value."""

from datetime import timedelta
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from .models import Dimension, IndicatorValue, Source

ACTIVITY_KINDS = {"A5.1": "dialogue", "A6.1": "working_session", "A7.1": "listening_session"}


def items_url(value: IndicatorValue) -> str:
    """The workspace list filtered to the items counted: deadline in the period (and passed), legitimate."""
    period = value.period
    if value.indicator.source == Source.PORTAL_USE:
        # T4 counts what the Front did with items in the period: the items received in it.
        params = {
            "tab": "all",
            "received_from": period.starts_on.isoformat(),
            "received_to": period.ends_on.isoformat(),
        }
        return f"{reverse('workspace-queue')}?{urlencode(params)}"
    # The deadline fell in the period and has passed (items not yet due are not counted).
    due_to = min(period.ends_on, timezone.localdate() - timedelta(days=1))
    params = {
        "tab": "all",
        "answer_due_from": period.starts_on.isoformat(),
        "answer_due_to": due_to.isoformat(),
        "counted_for_a1": "true",
    }
    column = {
        Dimension.COMMUNE: "commune",
        Dimension.AGENCY: "agency",
        Dimension.SOURCE_ORGANIZATION: "source_organization",
        Dimension.CATEGORY: "category",
    }.get(value.dimension)
    if column:
        params[column] = str(value.key)
    return f"{reverse('workspace-queue')}?{urlencode(params)}"


def activities_url(value: IndicatorValue) -> str:
    params = {"nam": str(value.period.year), "loai": ACTIVITY_KINDS.get(value.indicator.code, "")}
    if value.dimension == Dimension.ORGANIZATION:
        params["to_chuc"] = str(value.key)
    elif value.dimension == Dimension.COMMUNE:
        params["xa"] = str(value.key)
    return f"{reverse('programs:programme_list')}?{urlencode(params)}"


def evidence_url(value: IndicatorValue) -> str:
    if value.report_id:
        return reverse("targets:report-detail", args=[value.report_id])
    return ""


def behind_url(value: IndicatorValue) -> str:
    source = value.indicator.source
    if source in (Source.FEEDBACK, Source.PORTAL_USE):
        return items_url(value)
    if source == Source.ACTIVITIES:
        return activities_url(value)
    return evidence_url(value)
