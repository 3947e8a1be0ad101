"""REST API of the targets: targets with their indicators, indicator values (filterable, cursor-paginated) and
the reported values' use cases (submit, approve, return). Reads go through the scoped selectors."""

from django.db.models import Q
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from mttq_portal.filters import IdFilter
from mttq_portal.pagination import DefaultCursorPagination
from organizations.models import ApiTokenScope
from organizations.selectors import user_scope

from . import selectors
from .models import Dimension, Indicator, IndicatorValue, Report, Source, Target, ValueStatus
from .services.reports import report_approve, report_return, report_submit


class OrderedCursorPagination(DefaultCursorPagination):
    ordering = ("id",)


class IndicatorOutput(serializers.ModelSerializer):
    target = serializers.CharField(source="target.code")
    name = serializers.CharField()
    numerator = serializers.CharField()
    denominator = serializers.CharField()
    threshold_label = serializers.CharField()

    class Meta:
        model = Indicator
        fields = [
            "id",
            "code",
            "target",
            "name",
            "name_vi",
            "name_en",
            "numerator",
            "denominator",
            "unit",
            "comparator",
            "threshold",
            "threshold_label",
            "scope",
            "organization_kinds",
            "period_kind",
            "source",
            "is_headline",
        ]


class TargetOutput(serializers.ModelSerializer):
    summary = serializers.CharField()
    indicators = IndicatorOutput(many=True, read_only=True)

    class Meta:
        model = Target
        fields = ["id", "code", "horizon", "number", "text_vi", "summary", "indicators"]


class TargetListApi(generics.ListAPIView):
    """The 11 targets of the resolution with their indicators (text verbatim in Vietnamese)."""

    token_scope = ApiTokenScope.FIGURES

    serializer_class = TargetOutput
    pagination_class = OrderedCursorPagination

    def get_queryset(self):
        if not user_scope(user=self.request.user).is_staff_member:
            return Target.objects.none()
        return selectors.targets_with_indicators()


class IndicatorFilter(filters.FilterSet):
    target = filters.CharFilter(field_name="target__code")
    source = filters.ChoiceFilter(choices=Source.choices)

    class Meta:
        model = Indicator
        fields = ["target", "source"]


class IndicatorListApi(generics.ListAPIView):
    token_scope = ApiTokenScope.FIGURES
    serializer_class = IndicatorOutput
    filterset_class = IndicatorFilter
    pagination_class = OrderedCursorPagination

    def get_queryset(self):
        if not user_scope(user=self.request.user).is_staff_member:
            return Indicator.objects.none()
        return Indicator.objects.select_related("target")


class ValueOutput(serializers.ModelSerializer):
    indicator = serializers.CharField(source="indicator.code")
    target = serializers.CharField(source="indicator.target.code")
    period = serializers.CharField(source="period.code")
    unit_name = serializers.CharField(source="unit.name", default=None, allow_null=True)
    organization_name = serializers.CharField(source="organization.name", default=None, allow_null=True)

    class Meta:
        model = IndicatorValue
        fields = [
            "id",
            "target",
            "indicator",
            "period",
            "dimension",
            "key",
            "unit",
            "unit_name",
            "organization",
            "organization_name",
            "category",
            "numerator",
            "denominator",
            "value",
            "status",
            "origin",
            "details",
            "computed_at",
            "report",
        ]


class ValueFilter(filters.FilterSet):
    period = filters.CharFilter(field_name="period__code", label="Period code: 2026, 2026-H1, 2026-Q3")
    indicator = filters.CharFilter(field_name="indicator__code")
    target = filters.CharFilter(field_name="indicator__target__code")
    unit = IdFilter(method="filter_unit", label="Administrative unit id (the unit or its organisations)")
    organization = IdFilter(field_name="organization_id")
    status = filters.ChoiceFilter(choices=ValueStatus.choices)
    dimension = filters.ChoiceFilter(choices=Dimension.choices)

    class Meta:
        model = IndicatorValue
        fields = ["period", "indicator", "target", "unit", "organization", "status", "dimension"]

    def filter_unit(self, queryset, name, value):
        return queryset.filter(Q(unit_id=value) | Q(organization__unit_id=value))


class ValueListApi(generics.ListAPIView):
    """Indicator values per period and unit, organisation, agency or category, with their status."""

    token_scope = ApiTokenScope.FIGURES

    serializer_class = ValueOutput
    filterset_class = ValueFilter
    pagination_class = OrderedCursorPagination

    def get_queryset(self):
        return selectors.values_for_user(user=self.request.user)


class ReportOutput(serializers.ModelSerializer):
    indicator = serializers.CharField(source="indicator.code")
    period = serializers.CharField(source="period.code")
    evidence = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = [
            "id",
            "indicator",
            "period",
            "organization",
            "numerator",
            "denominator",
            "note",
            "status",
            "return_reason",
            "submitted_at",
            "decided_at",
            "evidence",
        ]

    def get_evidence(self, report) -> list[dict]:
        return [
            {"id": e.id, "name": e.original_name, "content_type": e.content_type, "size": e.size, "sha256": e.sha256}
            for e in report.evidence.all()
        ]


class ReportListApi(generics.ListAPIView):
    token_scope = ApiTokenScope.FIGURES
    serializer_class = ReportOutput
    pagination_class = OrderedCursorPagination

    def get_queryset(self):
        return selectors.reports_for_user(user=self.request.user)


class ReportSubmitInput(serializers.Serializer):
    indicator = serializers.CharField(help_text="Indicator code, e.g. A3.1")
    period = serializers.CharField(help_text="Year, e.g. 2026")
    organization = serializers.IntegerField()
    numerator = serializers.IntegerField()
    denominator = serializers.IntegerField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    evidence = serializers.ListField(child=serializers.FileField(), required=False)


class ReportSubmitApi(APIView):
    """Submit (or correct) an organisation's figures with evidence files (multipart)."""

    token_scope = ApiTokenScope.FIGURES

    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(request=ReportSubmitInput, responses={201: ReportOutput})
    def post(self, request):
        data = ReportSubmitInput(data=request.data)
        data.is_valid(raise_exception=True)
        indicator = Indicator.objects.filter(code=data.validated_data["indicator"]).first()
        report = report_submit(
            user=request.user,
            indicator_id=indicator.id if indicator else 0,
            period_code=data.validated_data["period"],
            organization_id=data.validated_data["organization"],
            numerator=data.validated_data["numerator"],
            denominator=data.validated_data["denominator"],
            note=data.validated_data.get("note", ""),
            evidence=request.FILES.getlist("evidence"),
        )
        return Response(ReportOutput(report).data, status=status.HTTP_201_CREATED)


class ReportReturnInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class ReportApproveApi(APIView):
    token_scope = ApiTokenScope.FIGURES

    @extend_schema(request=None, responses={200: ReportOutput})
    def post(self, request, report_id: int):
        return Response(ReportOutput(report_approve(user=request.user, report_id=report_id)).data)


class ReportReturnApi(APIView):
    token_scope = ApiTokenScope.FIGURES

    @extend_schema(request=ReportReturnInput, responses={200: ReportOutput})
    def post(self, request, report_id: int):
        data = ReportReturnInput(data=request.data)
        data.is_valid(raise_exception=True)
        report = report_return(user=request.user, report_id=report_id, reason=data.validated_data["reason"])
        return Response(ReportOutput(report).data)
