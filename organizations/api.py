from django_filters import rest_framework as filters
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from mttq_portal.ordering import vietnamese_order
from mttq_portal.pagination import SmallPageNumberPagination
from mttq_portal.text import fold_vietnamese

from .models import AdministrativeUnit, Organization
from .selectors import commune_list, organizations_for_user, user_scope
from .tokens import ANY_TOKEN, PUBLIC


class CommuneOutput(serializers.ModelSerializer):
    class Meta:
        model = AdministrativeUnit
        fields = ["id", "code", "name", "kind", "is_remote_area"]


class CommuneFilter(filters.FilterSet):
    q = filters.CharFilter(method="filter_q", label="Search (diacritics ignored)")

    class Meta:
        model = AdministrativeUnit
        fields = ["kind", "is_remote_area"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(name_folded__contains=fold_vietnamese(value))


class CommuneListApi(generics.ListAPIView):
    """The communes and wards of the portal's province (public reference data)."""

    token_scope = PUBLIC
    serializer_class = CommuneOutput
    filterset_class = CommuneFilter
    pagination_class = SmallPageNumberPagination

    def get_queryset(self):
        return commune_list().order_by(*vietnamese_order("name"))


class OrganizationOutput(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.name")

    class Meta:
        model = Organization
        fields = ["id", "code", "name", "short_name", "kind", "level", "unit", "parent_id"]


class OrganizationFilter(filters.FilterSet):
    q = filters.CharFilter(method="filter_q")

    class Meta:
        model = Organization
        fields = ["kind", "level", "unit"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(name_folded__contains=fold_vietnamese(value))


class OrganizationListApi(generics.ListAPIView):
    token_scope = ANY_TOKEN
    serializer_class = OrganizationOutput
    filterset_class = OrganizationFilter
    pagination_class = SmallPageNumberPagination

    def get_queryset(self):
        return organizations_for_user(user=self.request.user).order_by("level", *vietnamese_order("name"))


class MeOutput(serializers.Serializer):
    username = serializers.CharField()
    is_admin = serializers.BooleanField()
    province_wide = serializers.BooleanField()
    front_unit_ids = serializers.ListField(child=serializers.IntegerField())
    agency_ids = serializers.ListField(child=serializers.IntegerField())


class MeApi(APIView):
    """Who the caller is and what it may see."""

    token_scope = ANY_TOKEN
    serializer_class = MeOutput

    def get(self, request):
        scope = user_scope(user=request.user)
        data = {
            "username": request.user.username,
            "is_admin": scope.is_admin,
            "province_wide": scope.province_wide,
            "front_unit_ids": sorted(scope.front_unit_ids),
            "agency_ids": sorted(scope.agency_ids),
        }
        return Response(MeOutput(data).data)
