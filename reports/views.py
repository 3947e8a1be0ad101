"""Dashboards (province and commune), the list behind each number, and its exports."""

from urllib.parse import quote_plus, urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from feedback.selectors.items import item_get_for_figures, items_for_figures
from feedback.selectors.public import item_public_timeline
from feedback.selectors.statistics import MEASURE_LABELS, items_for_measure
from mttq_portal.errors import ApplicationError
from organizations.mfa import mfa_reauth_redirect
from organizations.selectors import may_export_personal_data, units_for_user, user_scope

from .documents import (
    NATIONAL_MOTTO,
    NATIONAL_NAME,
    campaigns_for_reports,
    report_build,
    report_docx,
    report_file_name,
    report_groups,
    report_xlsx,
    summary_sentences,
)
from .exports import item_export
from .forms import FigureFilterForm
from .periods import period_parse
from .selectors import FigureFilters, dashboard_build
from .services import export_log


def _filters(request, **fixed) -> FigureFilters:
    params = request.GET.copy()
    for key, value in fixed.items():
        params[key] = str(value)
    try:
        return FigureFilters.from_query(params)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return FigureFilters(period=period_parse(None))


def _list_link_maker(request, filters: FigureFilters):
    """Links from a number to the items behind it; None for viewers who see figures but no items."""
    scope = user_scope(user=request.user)
    if not (scope.is_admin or scope.is_front_officer or scope.is_agency_officer or scope.is_board_viewer):
        return None
    query = filters.as_query()
    base = f"{reverse('reports-items')}?"
    prefixes: dict[tuple, str] = {}  # one urlencode per row, not per number

    def link(measure: str, **extra) -> str:
        key = tuple(extra.items())
        if key not in prefixes:
            encoded = urlencode({**query, **{k: v for k, v in extra.items() if v is not None}})
            prefixes[key] = f"{base}{encoded}&" if encoded else base
        return f"{prefixes[key]}measure={quote_plus(measure)}"

    return link


def _render_dashboard(request, *, filters, title, commune=None):
    board = dashboard_build(user=request.user, filters=filters, with_league=commune is None)
    link = _list_link_maker(request, filters)
    chart_data = {
        "months": [
            m["month"].strftime("%m/%Y") + (f" ({_('in progress')})" if m.get("in_progress") else "")
            for m in board.months
        ],
        "received": [m["received"] for m in board.months],
        "answered": [m["answered"] for m in board.months],
        "resolved": [m["resolved"] for m in board.months],
        "categories": [c["name"] for c in board.categories],
        "category_received": [c["received"] for c in board.categories],
        "labels": {
            "received": _("Received"),
            "answered": _("Answered"),
            "resolved": _("Resolved"),
        },
    }
    form = FigureFilterForm(request.GET or {"period": filters.period.code}, user=request.user)
    form.is_valid()
    return render(
        request,
        "reports/dashboard.html",
        {
            "board": board,
            "title": title,
            "commune": commune,
            "form": form,
            "link": link,
            "chart_data": chart_data,
            "kpis": _kpis(board.totals, link),
            "months": [
                {**m, "links": _row_links(link, MONTH_LINKS, period=_month_code(m["month"]))} for m in board.months
            ],
            "categories": [
                {**c, "links": _row_links(link, CATEGORY_LINKS, category=c["key"])} for c in board.categories
            ],
            "communes": [{**c, "links": _row_links(link, COMMUNE_LINKS, commune=c["key"])} for c in board.communes],
            "agencies": [{**a, "links": _row_links(link, AGENCY_LINKS, agency=a["key"])} for a in board.agencies],
        },
    )


def _month_code(month) -> str:
    return month.strftime("%Y-%m")


# The numbers each table of the dashboard shows, each linked to its list (only those: a table of 150
# agencies with every measure linked would build thousands of links nobody sees).
MONTH_LINKS = ("received", "answered", "resolved")
CATEGORY_LINKS = ("received", "resolved")
COMMUNE_LINKS = ("received", "due", "due_on_time", "due_resolved", "open", "overdue")
AGENCY_LINKS = ("waiting", "waiting_overdue", "answered")


def _row_links(link, measures: tuple[str, ...], **extra) -> dict:
    if link is None:
        return {}
    return {m: link(m, **extra) for m in measures}


def _kpis(totals: dict, link) -> list[dict]:
    items = [
        ("received", _("Received"), totals["received"], None),
        ("open", _("In progress now"), totals["in_progress"], None),
        ("overdue", _("Overdue now"), totals["overdue_now"], None),
        ("due_on_time", _("Answered on time"), totals["due_on_time"], totals["on_time_rate"]),
        ("resolved", _("Resolved"), totals["resolved"], None),
    ]
    return [
        {"measure": m, "label": label, "value": value, "rate": rate, "url": link(m) if link else None}
        for m, label, value, rate in items
    ]


@login_required
def province_dashboard(request):
    scope = user_scope(user=request.user)
    if not scope.sees_aggregates:
        raise PermissionDenied
    title = _("Province dashboard") if (scope.sees_whole_province or scope.is_board_viewer) else _("Dashboard")
    return _render_dashboard(request, filters=_filters(request), title=title)


@login_required
def commune_dashboard(request, commune_id: int):
    commune = get_object_or_404(units_for_user(user=request.user), pk=commune_id)
    filters = _filters(request, commune=commune.pk)
    return _render_dashboard(
        request, filters=filters, title=_("Dashboard of %(commune)s") % {"commune": commune.name}, commune=commune
    )


@login_required
def item_list(request):
    """The items behind a number (``measure``) under the dashboard's filters, in the viewer's scope."""
    scope = user_scope(user=request.user)
    if not scope.is_staff_member:
        raise PermissionDenied
    filters = _filters(request)
    measure = request.GET.get("measure") or "received"
    if measure not in MEASURE_LABELS:
        messages.error(request, _("Unknown figure; showing the items received."))
        measure = "received"
    qs = items_for_figures(user=request.user)
    qs = items_for_measure(
        qs, measure=measure, start=filters.period.start, end=filters.period.end, today=timezone.localdate()
    )
    for column, value in (
        ("commune_id", filters.commune_id),
        ("category_id", filters.category_id),
        ("type", filters.type),
        ("channel", filters.channel),
        ("current_agency_id", filters.agency_id),
        ("source_organization_id", filters.organization_id),
    ):
        if value not in (None, ""):
            qs = qs.filter(**{column: value})
    qs = qs.order_by("-received_at", "-id")
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        if may_export_personal_data(user=request.user) and (reauth := mfa_reauth_redirect(request=request)):
            return reauth
        content, content_type, name = item_export(
            user=request.user,
            items=qs,
            fmt=export,
            what=f"danh-sach-{EXPORT_NAMES.get(measure, measure)}",
            filters={**filters.as_query(), "measure": measure},
        )
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    query = {**filters.as_query(), "measure": measure}
    return render(
        request,
        "reports/item_list.html",
        {
            "page": page,
            "measure": measure,
            "measure_label": MEASURE_NAMES().get(measure, measure),
            "filters": filters,
            "query": urlencode(query),
            "item_url_name": "workspace-item" if _handles_items(scope) else "reports-item",
        },
    )


# Export file names in Vietnamese without accents (what officers see in their downloads folder).
EXPORT_NAMES = {
    "received": "da-tiep-nhan",
    "answered": "da-tra-loi",
    "answered_on_time": "tra-loi-dung-han",
    "resolved": "da-giai-quyet",
    "due": "den-han",
    "due_answered": "den-han-da-tra-loi",
    "due_on_time": "den-han-dung-han",
    "due_resolved": "den-han-da-giai-quyet",
    "open": "dang-xu-ly",
    "overdue": "qua-han",
    "waiting": "cho-co-quan",
    "waiting_overdue": "cho-co-quan-qua-han",
}


def _handles_items(scope) -> bool:
    """Officers open an item in their workspace; the board, which handles none, in the read-only page."""
    return scope.is_admin or scope.is_front_officer or scope.is_agency_officer


@login_required
def item_detail(request, item_id: int):
    """One item behind a number, read-only and without the submitter's identity, for the board."""
    scope = user_scope(user=request.user)
    if _handles_items(scope):
        return redirect("workspace-item", item_id=item_id)
    if not scope.is_board_viewer:
        raise PermissionDenied
    item = item_get_for_figures(user=request.user, item_id=item_id)
    return render(request, "reports/item_detail.html", {"item": item, "timeline": item_public_timeline(item=item)})


def MEASURE_NAMES() -> dict:
    return {
        "received": _("Received"),
        "answered": _("Answered"),
        "answered_on_time": _("Answered on time"),
        "resolved": _("Resolved"),
        "due": _("Deadline passed"),
        "due_answered": _("Deadline passed, answered"),
        "due_on_time": _("Deadline passed, answered on time"),
        "due_resolved": _("Deadline passed, resolved"),
        "open": _("In progress now"),
        "overdue": _("Overdue now"),
        "waiting": _("Waiting for the agency"),
        "waiting_overdue": _("Waiting for the agency, overdue"),
    }


@login_required
def report_files(request):
    """Choose a report and download it as Word or Excel, or open the printable page."""
    scope = user_scope(user=request.user)
    if not scope.sees_aggregates:
        raise PermissionDenied
    today = timezone.localdate()
    halves = [f"{y}-H{h}" for y in range(today.year, today.year - 3, -1) for h in (2, 1)]
    years = [str(y) for y in range(today.year, today.year - 3, -1)]
    return render(
        request,
        "reports/report_files.html",
        {"halves": halves, "years": years, "campaigns": campaigns_for_reports(user=request.user)},
    )


@login_required
def report_download(request):
    scope = user_scope(user=request.user)
    if not scope.sees_aggregates:
        raise PermissionDenied
    kind = request.GET.get("kind", "")
    fmt = request.GET.get("format", "print")
    if fmt not in ("docx", "xlsx", "print"):
        fmt = "print"
    try:
        report = report_build(
            user=request.user,
            kind=kind,
            period_code=request.GET.get("period", ""),
            campaign_id=request.GET.get("campaign"),
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("reports-files")
    what = f"report-{kind}-{report.period.code}"
    log_kind = {"docx": "report_docx", "xlsx": "report_xlsx", "print": "report_print"}[fmt]
    export_log(
        kind=log_kind,
        what=what,
        user=request.user,
        filters={"kind": kind, "period": report.period.code, "campaign": request.GET.get("campaign")},
    )
    if fmt == "print":
        context = {
            "report": report,
            "groups": report_groups(report),
            "sentences": summary_sentences(report),
            "national_name": NATIONAL_NAME,
            "national_motto": NATIONAL_MOTTO,
        }
        return render(request, "reports/report_print.html", context)
    if fmt == "docx":
        content = report_docx(report)
        content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    else:
        content = report_xlsx(report)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(content, content_type=content_type)
    name = report_file_name(kind=kind, period_code=report.period.code, fmt=fmt)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
