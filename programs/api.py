"""REST API of the programs app: programmes, milestones, activities and the campaigns programme 4 counts.

Reads: generic list/retrieve views whose queryset is a selector and whose filtering is a FilterSet, with
cursor pagination. Writes: one APIView per use case, a small input serializer, one service call.
"""

from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from feedback.models import Campaign
from mttq_portal.filters import IdFilter, YearFilter
from mttq_portal.pagination import DefaultCursorPagination
from organizations.models import ApiTokenScope
from organizations.selectors import user_scope
from organizations.tokens import TokenScopePermission

from . import selectors, services
from .models import Activity, ActivityKind, Milestone, MilestoneKind, MilestoneState, Programme


class ProgrammeViewer(permissions.BasePermission):
    """Staff who may see the programmes: the Front (province and communes), the provincial board, admins."""

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and user_scope(user=request.user).sees_aggregates)


class ByNumberPagination(DefaultCursorPagination):
    ordering = "number"


class ByDuePagination(DefaultCursorPagination):
    ordering = ("due_date", "id")


class ByDatePagination(DefaultCursorPagination):
    ordering = ("-held_on", "-id")


class ByStartPagination(DefaultCursorPagination):
    ordering = ("-starts_on", "-id")


# --- programmes ----------------------------------------------------------------------------------------


class SubRowOutput(serializers.Serializer):
    position = serializers.IntegerField()
    main_activities = serializers.CharField()
    lead_text = serializers.CharField()
    coordinating_text = serializers.CharField()
    outputs = serializers.CharField()
    rhythm = serializers.CharField()
    completion_text = serializers.CharField()


class ProgrammeOutput(serializers.ModelSerializer):
    sub_rows = SubRowOutput(many=True, read_only=True)
    lead_organization_ids = serializers.SerializerMethodField()

    class Meta:
        model = Programme
        fields = [
            "id",
            "number",
            "title",
            "main_activities",
            "lead_text",
            "coordinating_text",
            "outputs",
            "rhythm",
            "completion_text",
            "lead_organization_ids",
            "sub_rows",
        ]

    def get_lead_organization_ids(self, obj) -> list[int]:
        return [o.id for o in obj.lead_organizations.all()]


class ProgrammeListApi(generics.ListAPIView):
    permission_classes = [TokenScopePermission, ProgrammeViewer]
    token_scope = ApiTokenScope.FIGURES
    serializer_class = ProgrammeOutput
    pagination_class = ByNumberPagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Programme.objects.none()
        return selectors.programme_list(user=self.request.user)


class ProgrammeDetailApi(generics.RetrieveAPIView):
    permission_classes = [TokenScopePermission, ProgrammeViewer]
    token_scope = ApiTokenScope.FIGURES
    serializer_class = ProgrammeOutput
    lookup_field = "number"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Programme.objects.none()
        return selectors.programme_list(user=self.request.user)


# --- milestones ----------------------------------------------------------------------------------------


class MilestoneOutput(serializers.ModelSerializer):
    programme = serializers.IntegerField(source="programme.number")
    sub_row = serializers.IntegerField(source="sub_row.position", allow_null=True, default=None)
    state = serializers.SerializerMethodField()

    class Meta:
        model = Milestone
        fields = ["id", "programme", "sub_row", "key", "kind", "label", "due_date", "done_on", "evidence_note", "state"]

    def get_state(self, obj) -> str:
        return str(obj.state(timezone.localdate()))


class MilestoneFilter(filters.FilterSet):
    programme = IdFilter(field_name="programme__number")
    kind = filters.ChoiceFilter(choices=MilestoneKind.choices)
    state = filters.ChoiceFilter(choices=MilestoneState.choices, method="filter_state")
    year = YearFilter(field_name="due_date__year")
    due_after = filters.DateFilter(field_name="due_date", lookup_expr="gte")
    due_before = filters.DateFilter(field_name="due_date", lookup_expr="lte")

    class Meta:
        model = Milestone
        fields = ["programme", "kind", "state", "year", "due_after", "due_before"]

    def filter_state(self, queryset, name, value):
        return selectors.filter_milestones_by_state(queryset, value, timezone.localdate())


class MilestoneListApi(generics.ListAPIView):
    """Milestones of every programme; `state=late` lists those past their date and not done."""

    permission_classes = [TokenScopePermission, ProgrammeViewer]
    token_scope = ApiTokenScope.FIGURES
    serializer_class = MilestoneOutput
    filterset_class = MilestoneFilter
    pagination_class = ByDuePagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Milestone.objects.none()
        return selectors.milestone_list(user=self.request.user)


class MilestoneDetailApi(generics.RetrieveAPIView):
    permission_classes = [TokenScopePermission, ProgrammeViewer]
    token_scope = ApiTokenScope.FIGURES
    serializer_class = MilestoneOutput

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Milestone.objects.none()
        return selectors.milestone_list(user=self.request.user)


class MilestoneCompleteInput(serializers.Serializer):
    done_on = serializers.DateField()
    evidence_note = serializers.CharField(required=False, allow_blank=True, default="")
    evidence = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class MilestoneCompleteApi(APIView):
    """Mark a milestone done with its evidence (the provincial Front)."""

    permission_classes = [TokenScopePermission, ProgrammeViewer]
    token_scope = ApiTokenScope.FIGURES
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(request=MilestoneCompleteInput, responses=MilestoneOutput)
    def post(self, request, pk: int):
        if selectors.milestone_get_for_user(user=request.user, milestone_id=pk) is None:
            raise NotFound
        data = MilestoneCompleteInput(data=request.data)
        data.is_valid(raise_exception=True)
        milestone = services.milestone_complete(user=request.user, milestone_id=pk, **data.validated_data)
        return Response(MilestoneOutput(milestone).data)


# --- activities ----------------------------------------------------------------------------------------


class ActivityOutput(serializers.ModelSerializer):
    programme = serializers.IntegerField(source="programme.number")
    sub_row = serializers.IntegerField(source="sub_row.position", allow_null=True, default=None)
    organization = serializers.IntegerField(source="organization_id")
    organization_name = serializers.CharField(source="organization.name")
    commune = serializers.IntegerField(source="commune_id", allow_null=True)
    residential_area_ids = serializers.SerializerMethodField()

    class Meta:
        model = Activity
        fields = [
            "id",
            "programme",
            "sub_row",
            "kind",
            "held_on",
            "organization",
            "organization_name",
            "commune",
            "residential_area_ids",
            "participants",
            "session_count",
            "description",
            "outputs",
            "created_at",
        ]

    def get_residential_area_ids(self, obj) -> list[int]:
        return [a.id for a in obj.residential_areas.all()]


class ActivityFilter(filters.FilterSet):
    programme = IdFilter(field_name="programme__number")
    kind = filters.ChoiceFilter(choices=ActivityKind.choices)
    held_after = filters.DateFilter(field_name="held_on", lookup_expr="gte")
    held_before = filters.DateFilter(field_name="held_on", lookup_expr="lte")
    year = YearFilter(field_name="held_on__year")
    q = filters.CharFilter(method="filter_q", label="Search (diacritics ignored)")

    class Meta:
        model = Activity
        fields = ["programme", "kind", "organization", "commune", "held_after", "held_before", "year", "q"]

    def filter_q(self, queryset, name, value):
        return selectors.activity_search(queryset, value)


class ActivityListApi(generics.ListAPIView):
    permission_classes = [TokenScopePermission, ProgrammeViewer]
    token_scope = ApiTokenScope.FIGURES
    serializer_class = ActivityOutput
    filterset_class = ActivityFilter
    pagination_class = ByDatePagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Activity.objects.none()
        return selectors.activity_list(user=self.request.user)


class ActivityDetailApi(generics.RetrieveAPIView):
    permission_classes = [TokenScopePermission, ProgrammeViewer]
    token_scope = ApiTokenScope.FIGURES
    serializer_class = ActivityOutput

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Activity.objects.none()
        return selectors.activity_list(user=self.request.user)


class ActivityRecordInput(serializers.Serializer):
    programme = serializers.IntegerField(help_text="Programme number (1-13).")
    sub_row = serializers.IntegerField(required=False, allow_null=True, default=None, help_text="Sub-row position.")
    kind = serializers.ChoiceField(choices=ActivityKind.choices)
    held_on = serializers.DateField()
    organization = serializers.IntegerField()
    commune = serializers.IntegerField(required=False, allow_null=True, default=None)
    residential_areas = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    participants = serializers.IntegerField(required=False, default=0)
    session_count = serializers.IntegerField(required=False, default=1)
    description = serializers.CharField()
    outputs = serializers.CharField(required=False, allow_blank=True, default="")
    items = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    evidence = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class ActivityRecordApi(APIView):
    """Record an activity against a programme (Front officers, for the organisations of their scope)."""

    permission_classes = [TokenScopePermission, ProgrammeViewer]
    token_scope = ApiTokenScope.FIGURES
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(request=ActivityRecordInput, responses={201: ActivityOutput})
    def post(self, request):
        data = ActivityRecordInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        programme = Programme.objects.filter(number=v["programme"]).first()
        sub_row_id = None
        if programme is not None and v["sub_row"]:
            sub_row_id = programme.sub_rows.filter(position=v["sub_row"]).values_list("id", flat=True).first() or -1
        activity = services.activity_record(
            user=request.user,
            programme_id=programme.id if programme else -1,
            sub_row_id=sub_row_id,
            kind=v["kind"],
            held_on=v["held_on"],
            organization_id=v["organization"],
            commune_id=v["commune"],
            residential_area_ids=v["residential_areas"],
            participants=v["participants"],
            session_count=v["session_count"],
            description=v["description"],
            outputs=v["outputs"],
            item_ids=v["items"],
            evidence=v["evidence"],
        )
        activity = selectors.activity_list(user=request.user).get(id=activity.id)
        return Response(ActivityOutput(activity).data, status=status.HTTP_201_CREATED)


class EvidenceInput(serializers.Serializer):
    evidence = serializers.ListField(child=serializers.FileField(), allow_empty=False)


class EvidenceOutput(serializers.Serializer):
    id = serializers.IntegerField()
    original_name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()


class ActivityEvidenceAddApi(APIView):
    """Add evidence files to an activity (multipart, field `evidence`, repeated)."""

    permission_classes = [TokenScopePermission, ProgrammeViewer]
    token_scope = ApiTokenScope.FIGURES
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request=EvidenceInput, responses={201: EvidenceOutput(many=True)})
    def post(self, request, pk: int):
        if selectors.activity_get_for_user(user=request.user, activity_id=pk) is None:
            raise NotFound
        data = EvidenceInput(data=request.data)
        data.is_valid(raise_exception=True)
        stored = services.activity_evidence_add(
            user=request.user, activity_id=pk, files=data.validated_data["evidence"]
        )
        return Response(EvidenceOutput(stored, many=True).data, status=status.HTTP_201_CREATED)


# --- campaigns (feedback's model, counted by programme 4) -----------------------------------------------


class CampaignOutput(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name")
    unit_name = serializers.CharField(source="unit.name")

    class Meta:
        model = Campaign
        fields = ["id", "name", "organization", "organization_name", "unit", "unit_name", "starts_on", "ends_on"]


class CampaignFilter(filters.FilterSet):
    year = YearFilter(field_name="starts_on__year")

    class Meta:
        model = Campaign
        fields = ["organization", "unit", "year"]


class CampaignListApi(generics.ListAPIView):
    """Listening-to-the-People Months in the caller's scope (opened through the feedback app)."""

    permission_classes = [TokenScopePermission, ProgrammeViewer]
    token_scope = ApiTokenScope.FIGURES
    serializer_class = CampaignOutput
    filterset_class = CampaignFilter
    pagination_class = ByStartPagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Campaign.objects.none()
        return selectors.campaign_list(user=self.request.user)


class CampaignDetailApi(generics.RetrieveAPIView):
    permission_classes = [TokenScopePermission, ProgrammeViewer]
    token_scope = ApiTokenScope.FIGURES
    serializer_class = CampaignOutput

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Campaign.objects.none()
        return selectors.campaign_list(user=self.request.user)
