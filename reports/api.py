"""The report API for other systems (``/api/v1/reports/...``): compliance figures as JSON or CSV."""

from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, permissions, serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from feedback.models import Channel, Item, ItemType
from feedback.selectors.items import items_for_user
from mttq_portal.errors import ApplicationError, NotAllowedError
from organizations.selectors import user_scope

from .renderers import TableCSVRenderer
from .selectors import GROUPS, FigureFilters, compliance_figures, summary_refreshed_at
from .services import export_log


class SeesFigures(permissions.BasePermission):
    """Staff with aggregate rights, agency officers (their own agency's figures) and every valid API token."""

    def has_permission(self, request, view):
        scope = user_scope(user=request.user)
        if not (scope.sees_aggregates or scope.agency_ids or scope.organization_ids):
            raise NotAllowedError(_("You may not read these figures."))
        return True


FILTER_PARAMETERS = [
    OpenApiParameter(
        "period",
        OpenApiTypes.STR,
        description="2026, 2026-H1, 2026-Q2, 2026-05 or 2026-01-01..2026-03-31 (default: this year)",
    ),
    OpenApiParameter("commune", OpenApiTypes.INT),
    OpenApiParameter("category", OpenApiTypes.INT),
    OpenApiParameter("agency", OpenApiTypes.INT),
    OpenApiParameter("organization", OpenApiTypes.INT, description="source organisation"),
    OpenApiParameter("type", OpenApiTypes.STR, enum=[c for c, _label in ItemType.choices]),
    OpenApiParameter("channel", OpenApiTypes.STR, enum=[c for c, _label in Channel.choices]),
    OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "csv"]),
]


class ComplianceRowOutput(serializers.Serializer):
    key = serializers.CharField(allow_null=True)
    name = serializers.CharField()
    received = serializers.IntegerField()
    answered = serializers.IntegerField()
    answered_on_time = serializers.IntegerField()
    resolved = serializers.IntegerField()
    due = serializers.IntegerField(help_text="Lawful and legitimate items whose answer deadline has passed.")
    due_answered = serializers.IntegerField()
    due_on_time = serializers.IntegerField()
    due_resolved = serializers.IntegerField()
    answered_rate = serializers.FloatField(allow_null=True)
    on_time_rate = serializers.FloatField(allow_null=True)
    resolved_rate = serializers.FloatField(allow_null=True)


class ComplianceApi(APIView):
    """Target A1's compliance figures grouped by commune, agency, source organisation or category.

    Scoped to the caller: an API token sees what its organisation may see. Figures come from the summary
    tables, refreshed every few minutes (``refreshed_at``).
    """

    permission_classes = [SeesFigures]
    renderer_classes = [JSONRenderer, TableCSVRenderer]

    @extend_schema(
        parameters=[
            OpenApiParameter("group_by", OpenApiTypes.STR, enum=["commune", "agency", "organization", "category"]),
            *FILTER_PARAMETERS,
        ],
        responses=inline_serializer(
            "ComplianceOutput",
            {
                "group_by": serializers.CharField(),
                "period": inline_serializer(
                    "PeriodOutput",
                    {"code": serializers.CharField(), "start": serializers.DateField(), "end": serializers.DateField()},
                ),
                "refreshed_at": serializers.DateTimeField(allow_null=True),
                "results": ComplianceRowOutput(many=True),
            },
        ),
    )
    def get(self, request):
        group_by = request.query_params.get("group_by", "commune")
        if group_by not in ("commune", "agency", "organization", "category") or group_by not in GROUPS:
            raise ApplicationError(
                _("group_by must be one of: commune, agency, organization, category."),
                code="invalid_group_by",
                fields={"group_by": [group_by]},
            )
        filters = FigureFilters.from_query(request.query_params)
        rows = compliance_figures(user=request.user, group_by=group_by, filters=filters)
        if request.accepted_renderer.format == "csv":
            export_log(
                kind="api_csv",
                what=f"compliance/{group_by}",
                user=request.user,
                api_token=request.auth if hasattr(request.auth, "prefix") else None,
                filters=filters.as_query(),
                rows=len(rows),
            )
        return Response(
            {
                "group_by": group_by,
                # The contract names the last day of the period "end" (inclusive), as clients read it.
                "period": {"code": filters.period.code, "start": filters.period.start, "end": filters.period.last_day},
                "refreshed_at": summary_refreshed_at(),
                "results": ComplianceRowOutput(rows, many=True).data,
            }
        )


class ItemOutput(serializers.ModelSerializer):
    """An item for another system: the matter and its handling, never the submitter's personal data."""

    category = serializers.CharField(source="category.code")
    category_name = serializers.CharField(source="category.name")
    commune = serializers.IntegerField(source="commune.code")
    commune_name = serializers.CharField(source="commune.name")
    agency = serializers.IntegerField(source="current_agency_id", allow_null=True)
    agency_name = serializers.SerializerMethodField()
    public_status = serializers.CharField()

    class Meta:
        model = Item
        fields = [
            "id",
            "tracking_code",
            "type",
            "category",
            "category_name",
            "commune",
            "commune_name",
            "channel",
            "status",
            "public_status",
            "handling_level",
            "agency",
            "agency_name",
            "due_step",
            "due_date",
            "answer_due_date",
            "answer_on_time",
            "is_legitimate",
            "is_mass_petition",
            "is_complex",
            "received_at",
            "forwarded_at",
            "answered_at",
            "closed_at",
            "title",
            "content",
            "public_answer",
        ]

    def get_agency_name(self, item) -> str:
        return item.current_agency.name if item.current_agency_id else ""


class ItemFilter(filters.FilterSet):
    received_after = filters.DateFilter(field_name="received_at", lookup_expr="date__gte")
    received_before = filters.DateFilter(field_name="received_at", lookup_expr="date__lte")
    commune = filters.NumberFilter(field_name="commune_id")
    agency = filters.NumberFilter(field_name="current_agency_id")
    category = filters.CharFilter(field_name="category__code")

    class Meta:
        model = Item
        fields = ["status", "type", "channel", "commune", "agency", "category", "handling_level"]


class ReadsItems(permissions.BasePermission):
    """Staff see their scope; an API token only when issued to read items."""

    def has_permission(self, request, view):
        if hasattr(request.user, "may_read_items") and not request.user.may_read_items:
            raise NotAllowedError(_("This API token may read figures only, not items."), code="token_scope")
        return True


class ItemListApi(generics.ListAPIView):
    """Feedback items in the caller's scope (``feedback.selectors.items.items_for_user``), newest first,
    with cursor pagination; ``?format=csv`` returns the page as CSV."""

    serializer_class = ItemOutput
    permission_classes = [permissions.IsAuthenticated, ReadsItems]
    renderer_classes = [JSONRenderer, TableCSVRenderer]
    filterset_class = ItemFilter

    def get_queryset(self):
        return items_for_user(user=self.request.user).order_by("-id")
