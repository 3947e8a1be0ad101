"""Pages: the programme list with this year's progress, a programme's page, the activity form, marking a
milestone done, the activity page, the "Dân vận khéo" register and the campaigns counted by row 4."""

import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from mttq_portal.errors import ApplicationError
from mttq_portal.files import file_response
from mttq_portal.filters import year_or_none
from mttq_portal.text import fold_vietnamese

from . import selectors, services
from .forms import ActivityForm, EvidenceForm, MilestoneCompleteForm, SkilfulModelForm
from .models import PERIOD_YEARS, ActivityKind, MilestoneState

PAGE_SIZE = 20


def _year(request) -> int:
    try:
        year = int(request.GET.get("nam", ""))
    except ValueError:
        year = timezone.localdate().year
    return year if year in PERIOD_YEARS else min(max(timezone.localdate().year, PERIOD_YEARS[0]), PERIOD_YEARS[-1])


def _apply_error(form, error: ApplicationError) -> None:
    """Show a service's refusal on the form: next to the field it names, else above the form."""
    field = next((name for name in error.fields if name in form.fields), None)
    form.add_error(field, error.message)


def _programme_or_404(user, number: int):
    programme = selectors.programme_get_for_user(user=user, number=number)
    if programme is None:
        raise Http404
    return programme


@login_required
@require_GET
def programme_list(request):
    year = _year(request)
    rows = selectors.programme_progress_list(user=request.user, year=year)
    return render(
        request,
        "programs/programme_list.html",
        {
            "rows": rows,
            "year": year,
            "years": PERIOD_YEARS,
            "behind": sum(1 for r in rows if r.is_behind),
            "can_record": selectors.can_record(user=request.user),
        },
    )


@login_required
@require_GET
def programme_detail(request, number: int):
    programme = _programme_or_404(request.user, number)
    year = _year(request)
    today = timezone.localdate()
    scope = selectors.require_viewer(user=request.user)
    milestones = list(programme.milestones.select_related("sub_row").order_by("due_date", "id"))
    for milestone in milestones:
        milestone.current_state = milestone.state(today)
    activities = selectors.activity_list(user=request.user).filter(programme=programme)
    kind = request.GET.get("loai", "")
    if kind in ActivityKind.values:
        activities = activities.filter(kind=kind)
    query = request.GET.get("q", "")[:100]
    activities = selectors.activity_search(activities, query)
    page = Paginator(activities, PAGE_SIZE).get_page(request.GET.get("trang"))
    quantities = [
        selectors.quantity_progress(scope=scope, quantity=q, year=year, with_organizations=True)
        for q in programme.quantities.all()
    ]
    return render(
        request,
        "programs/programme_detail.html",
        {
            "programme": programme,
            "milestones": milestones,
            "states": MilestoneState,
            "page": page,
            "quantities": quantities,
            "year": year,
            "years": PERIOD_YEARS,
            "kind": kind,
            "kinds": ActivityKind.choices,
            "query": query,
            "query_prefix": urlencode({"nam": year, "loai": kind, "q": query}) + "&",
            "can_record": selectors.can_record(user=request.user),
            "can_complete": selectors.can_complete_milestones(user=request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity_create(request, number: int):
    programme = _programme_or_404(request.user, number)
    if not selectors.can_record(user=request.user):
        raise PermissionDenied
    form = ActivityForm(request.POST or None, request.FILES or None, user=request.user, programme=programme)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            activity = services.activity_record(
                user=request.user,
                programme_id=programme.id,
                sub_row_id=int(data["sub_row"]) if data.get("sub_row") else None,
                kind=data["kind"],
                held_on=data["held_on"],
                organization_id=data["organization"].id,
                commune_id=data["commune"].id if data["commune"] else None,
                residential_area_ids=[a.id for a in data["residential_areas"]],
                participants=data["participants"],
                session_count=data["session_count"],
                description=data["description"],
                outputs=data["outputs"],
                item_ids=data["tracking_codes"],
                evidence=data["evidence"],
            )
        except ApplicationError as error:
            _apply_error(form, error)
        else:
            messages.success(request, _("The activity was recorded."))
            return redirect("programs:activity_detail", activity_id=activity.id)
    status = 400 if request.method == "POST" else 200
    return render(request, "programs/activity_form.html", {"form": form, "programme": programme}, status=status)


@login_required
@require_GET
def activity_detail(request, activity_id: int):
    activity = selectors.activity_get_for_user(user=request.user, activity_id=activity_id)
    if activity is None:
        raise Http404
    return render(
        request,
        "programs/activity_detail.html",
        {"activity": activity, "evidence_form": EvidenceForm(), "can_record": selectors.can_record(user=request.user)},
    )


@login_required
@require_http_methods(["POST"])
def activity_evidence_add(request, activity_id: int):
    activity = selectors.activity_get_for_user(user=request.user, activity_id=activity_id)
    if activity is None:
        raise Http404
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.activity_evidence_add(
                user=request.user, activity_id=activity.id, files=form.cleaned_data["evidence"]
            )
        except ApplicationError as error:
            _apply_error(form, error)
        else:
            messages.success(request, _("The evidence was added."))
            return redirect("programs:activity_detail", activity_id=activity.id)
    context = {"activity": activity, "evidence_form": form, "can_record": True}
    return render(request, "programs/activity_detail.html", context, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def milestone_complete(request, milestone_id: int):
    milestone = selectors.milestone_get_for_user(user=request.user, milestone_id=milestone_id)
    if milestone is None:
        raise Http404
    if not selectors.can_complete_milestones(user=request.user):
        raise PermissionDenied
    form = MilestoneCompleteForm(request.POST or None, request.FILES or None, initial={"done_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.milestone_complete(
                user=request.user,
                milestone_id=milestone.id,
                done_on=form.cleaned_data["done_on"],
                evidence_note=form.cleaned_data["evidence_note"],
                evidence=form.cleaned_data["evidence"],
            )
        except ApplicationError as error:
            _apply_error(form, error)
        else:
            messages.success(request, _("The milestone was marked done."))
            return redirect("programs:programme_detail", number=milestone.programme.number)
    status = 400 if request.method == "POST" else 200
    return render(request, "programs/milestone_complete.html", {"form": form, "milestone": milestone}, status=status)


@login_required
@require_GET
def evidence_download(request, evidence_id: int):
    evidence = selectors.evidence_get_for_user(user=request.user, evidence_id=evidence_id)
    if evidence is None:
        raise Http404
    return file_response(evidence.file.open("rb"), filename=evidence.original_name, content_type=evidence.content_type)


@login_required
@require_GET
def skilful_model_list(request):
    models = selectors.skilful_model_list(user=request.user)
    year = request.GET.get("nam", "")
    if (number := year_or_none(year)) is not None:
        models = models.filter(year=number)
    query = request.GET.get("q", "")[:100]
    if folded := fold_vietnamese(query):
        models = models.filter(name_folded__contains=folded)
    page = Paginator(models, PAGE_SIZE).get_page(request.GET.get("trang"))
    return render(
        request,
        "programs/skilful_model_list.html",
        {
            "page": page,
            "year": year,
            "years": PERIOD_YEARS,
            "can_record": selectors.can_record(user=request.user),
            "query": query,
            "query_prefix": urlencode({"nam": year, "q": query}) + "&",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def skilful_model_create(request):
    selectors.require_viewer(user=request.user)
    if not selectors.can_record(user=request.user):
        raise PermissionDenied
    form = SkilfulModelForm(
        request.POST or None, request.FILES or None, user=request.user, initial={"year": timezone.localdate().year}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.skilful_model_register(
                user=request.user,
                name=data["name"],
                organization_id=data["organization"].id,
                commune_id=data["commune"].id if data["commune"] else None,
                year=data["year"],
                field=data["field"],
                description=data["description"],
                recognition_level=data["recognition_level"],
                recognition=data["recognition"],
                evidence=data["evidence"],
            )
        except ApplicationError as error:
            _apply_error(form, error)
        else:
            messages.success(request, _("The model was added to the register."))
            return redirect("programs:skilful_model_list")
    status = 400 if request.method == "POST" else 200
    return render(request, "programs/skilful_model_form.html", {"form": form}, status=status)


@login_required
@require_GET
def skilful_model_detail(request, model_id: int):
    model = selectors.skilful_model_get_for_user(user=request.user, model_id=model_id)
    if model is None:
        raise Http404
    return render(request, "programs/skilful_model_detail.html", {"model": model})


@login_required
@require_GET
def campaign_list(request):
    year = _year(request)
    campaigns = selectors.campaign_list(user=request.user).filter(
        starts_on__range=(datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    )
    page = Paginator(campaigns, PAGE_SIZE).get_page(request.GET.get("trang"))
    return render(
        request,
        "programs/campaign_list.html",
        {"page": page, "year": year, "years": PERIOD_YEARS, "query_prefix": f"nam={year}&"},
    )
