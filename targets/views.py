"""Pages: the targets overview, a target's values per commune or organisation, the reporting form, the
approval queue and the on-demand rollup. Every list is paginated and read through the scoped selectors."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mttq_portal.errors import ApplicationError, NotAllowedError
from mttq_portal.files import file_response
from organizations.selectors import user_scope

from . import selectors
from .forms import ReportForm, ReturnForm
from .links import behind_url
from .models import Dimension, Horizon, RollupTrigger, ScopeKind, Source, ValueStatus
from .periods import FIRST_YEAR, LAST_YEAR, year_and_parts
from .services.reports import report_approve, report_return, report_submit

PAGE_SIZE = 50
STATUS_CLASSES = {
    ValueStatus.MET: "text-bg-success",
    ValueStatus.AT_RISK: "text-bg-warning",
    ValueStatus.MISSED: "text-bg-danger",
    ValueStatus.NO_DATA: "text-bg-secondary",
}
DETAIL_LABELS = {
    "due": gettext_lazy("due"),
    "answered": gettext_lazy("answered"),
    "on_time": gettext_lazy("on time"),
    "resolved": gettext_lazy("resolved"),
    "received": gettext_lazy("received"),
    "triaged": gettext_lazy("triaged"),
    "closed": gettext_lazy("closed"),
    "activities": gettext_lazy("activities"),
    "organizations": gettext_lazy("organisations reporting"),
}
SORTS = {
    "ten": ("sort_name", "id"),
    "-ten": ("-sort_name", "-id"),
    "gia-tri": (F("value").asc(nulls_first=True), "sort_name"),
    "-gia-tri": (F("value").desc(nulls_last=True), "sort_name"),
    "mau-so": ("denominator", "sort_name"),
    "-mau-so": ("-denominator", "sort_name"),
}


def _viewer(request):
    scope = user_scope(user=request.user)
    if not scope.is_staff_member:
        raise PermissionDenied
    return scope


def _year(request) -> int:
    try:
        year = int(request.GET.get("nam", ""))
    except ValueError:
        year = timezone.localdate().year
    return min(max(year, FIRST_YEAR), LAST_YEAR)


def _trajectory(values_by_year: dict[int, Decimal | None], threshold: Decimal) -> list[dict]:
    """For a 2030 target: each year's value beside the straight line from the first value to the threshold."""
    first_year = next((y for y in sorted(values_by_year) if values_by_year[y] is not None), None)
    rows = []
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        expected = None
        if first_year is not None and year >= first_year:
            start = values_by_year[first_year]
            span = LAST_YEAR - first_year
            expected = threshold if span == 0 else start + (threshold - start) * (year - first_year) / span
            expected = Decimal(expected).quantize(Decimal("0.01"))
        rows.append({"year": year, "value": values_by_year.get(year), "expected": expected})
    return rows


@login_required
@require_GET
def overview(request):
    scope = _viewer(request)
    year = _year(request)
    targets = list(selectors.targets_with_indicators())
    headline = {t.id: next((i for i in t.indicators.all() if i.is_headline), None) for t in targets}
    codes = [*year_and_parts(year), *(str(y) for y in range(FIRST_YEAR, LAST_YEAR + 1))]
    values = selectors.values_for_user(user=request.user).filter(dimension=Dimension.PROVINCE, period__code__in=codes)
    by_key = {(v.indicator_id, v.period.code): v for v in values}
    cards = []
    for target in targets:
        indicator = headline[target.id]
        if indicator is None:
            continue
        current = by_key.get((indicator.id, str(year)))
        quarters = [(f"Q{q}", by_key.get((indicator.id, f"{year}-Q{q}"))) for q in range(1, 5)]
        years = {
            y: getattr(by_key.get((indicator.id, str(y))), "value", None) for y in range(FIRST_YEAR, LAST_YEAR + 1)
        }
        cards.append(
            {
                "target": target,
                "indicator": indicator,
                "others": [(i, by_key.get((i.id, str(year)))) for i in target.indicators.all() if not i.is_headline],
                "current": current,
                "status_class": STATUS_CLASSES.get(current.status if current else ValueStatus.NO_DATA),
                "quarters": quarters,
                "years": [(y, years[y]) for y in years],
                "trajectory": _trajectory(years, indicator.threshold) if target.horizon == Horizon.BY_2030 else None,
            }
        )
    return render(
        request,
        "targets/overview.html",
        {
            "cards": cards,
            "year": year,
            "years": range(FIRST_YEAR, LAST_YEAR + 1),
            "runs": selectors.latest_runs(),
            "may_run": selectors.may_run_rollup(user=request.user),
            "status_classes": STATUS_CLASSES,
            "scope": scope,
        },
    )


def _default_dimension(indicator) -> str:
    if indicator.scope in (ScopeKind.COMMUNE, ScopeKind.UNIT):
        return Dimension.COMMUNE
    return Dimension.ORGANIZATION


@login_required
@require_GET
def target_detail(request, code: str):
    _viewer(request)
    target = selectors.target_get(code=code)
    if target is None:
        raise Http404
    indicators = list(target.indicators.all())
    indicator = next((i for i in indicators if i.code == request.GET.get("chi-so")), None) or next(
        (i for i in indicators if i.is_headline), indicators[0]
    )
    year = _year(request)
    period_code = request.GET.get("ky") or str(year)
    if period_code not in year_and_parts(year):
        period_code = str(year)
    dimensions = [Dimension.PROVINCE]
    if indicator.source == Source.FEEDBACK:
        dimensions += [Dimension.COMMUNE, Dimension.AGENCY, Dimension.SOURCE_ORGANIZATION, Dimension.CATEGORY]
    else:
        dimensions.append(_default_dimension(indicator))
    dimension = request.GET.get("chieu") or dimensions[min(1, len(dimensions) - 1)]
    if dimension not in dimensions:
        dimension = dimensions[-1]
    sort = request.GET.get("sap-xep", "ten")
    if sort not in SORTS:
        sort = "ten"
    rows = (
        selectors.values_for_user(user=request.user)
        .filter(indicator=indicator, period__code=period_code, dimension=dimension)
        .annotate(sort_name=Coalesce("unit__name", "organization__name", "category__name_vi"))
        .order_by(*SORTS[sort])
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("trang"))
    for value in page:
        value.behind_url = behind_url(value)
        value.status_class = STATUS_CLASSES[value.status]
        value.detail_items = [(DETAIL_LABELS.get(k, k), n) for k, n in value.details.items()]
    return render(
        request,
        "targets/target_detail.html",
        {
            "target": target,
            "indicators": indicators,
            "indicator": indicator,
            "year": year,
            "years": range(FIRST_YEAR, LAST_YEAR + 1),
            "period_code": period_code,
            "period_codes": year_and_parts(year),
            "dimension": dimension,
            "dimensions": [(d, Dimension(d).label) for d in dimensions],
            "sort": sort,
            "page": page,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_list(request):
    _viewer(request)
    form = ReportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = report_submit(
                user=request.user,
                indicator_id=data["indicator"].id,
                period_code=data["period"],
                organization_id=data["organization"].id,
                numerator=data["numerator"],
                denominator=data["denominator"],
                note=data["note"],
                evidence=data["evidence"],
            )
        except NotAllowedError as exc:
            raise PermissionDenied(exc.message) from exc
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("The report for %(indicator)s was sent to the provincial Front for approval.")
                % {"indicator": report.indicator.code},
            )
            return redirect("targets:report-list")
    reports = selectors.reports_for_user(user=request.user).order_by("-submitted_at", "-id")
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("trang"))
    return render(request, "targets/reports.html", {"form": form, "page": page})


@login_required
@require_GET
def report_detail(request, report_id: int):
    _viewer(request)
    report = selectors.report_get_for_user(user=request.user, report_id=report_id)
    if report is None:
        raise Http404
    return render(
        request,
        "targets/report_detail.html",
        {
            "report": report,
            "events": report.events.select_related("actor"),
            "may_approve": selectors.may_approve(user=request.user),
            "return_form": ReturnForm(),
        },
    )


@login_required
@require_GET
def evidence_download(request, report_id: int, evidence_id: int):
    _viewer(request)
    report = selectors.report_get_for_user(user=request.user, report_id=report_id)
    evidence = report.evidence.filter(id=evidence_id).first() if report else None
    if evidence is None:
        raise Http404
    return file_response(evidence.file.open("rb"), filename=evidence.original_name, content_type=evidence.content_type)


@login_required
@require_GET
def approval_queue(request):
    if not selectors.may_approve(user=request.user):
        raise PermissionDenied
    page = Paginator(selectors.approval_queue(user=request.user), PAGE_SIZE).get_page(request.GET.get("trang"))
    return render(request, "targets/approval_queue.html", {"page": page, "return_form": ReturnForm()})


@login_required
@require_POST
def report_decide(request, report_id: int):
    if not selectors.may_approve(user=request.user):
        raise PermissionDenied
    action = request.POST.get("action")
    try:
        if action == "approve":
            report = report_approve(user=request.user, report_id=report_id)
            messages.success(
                request,
                _("Report %(indicator)s of %(organization)s approved.")
                % {"indicator": report.indicator.code, "organization": report.organization.name},
            )
        elif action == "return":
            report = report_return(user=request.user, report_id=report_id, reason=request.POST.get("reason", ""))
            messages.info(
                request,
                _("Report %(indicator)s of %(organization)s returned.")
                % {"indicator": report.indicator.code, "organization": report.organization.name},
            )
        else:
            messages.error(request, _("Choose approve or return."))
    except NotAllowedError as exc:
        raise PermissionDenied(exc.message) from exc
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("targets:approval-queue")


@login_required
@require_POST
def rollup_now(request):
    if not selectors.may_run_rollup(user=request.user):
        raise PermissionDenied
    from .tasks import rollup_compliance_task

    try:
        year = min(max(int(request.POST.get("nam", "")), FIRST_YEAR), LAST_YEAR)
    except ValueError:
        year = min(max(timezone.localdate().year, FIRST_YEAR), LAST_YEAR)
    rollup_compliance_task.delay(year=year, trigger=RollupTrigger.ON_DEMAND, user_id=request.user.id)
    messages.success(request, _("The figures of %(year)s are being recomputed.") % {"year": year})
    return redirect(f"{reverse('targets:overview')}?nam={year}")
