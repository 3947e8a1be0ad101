"""The staff API: the scoped, filterable, cursor-paginated list of items, the detail, and one POST endpoint
per decision. Session or token authentication; every refusal in the project's one error shape (403 wrong
role, 404 outside the scope, 409 wrong state, 400 bad input)."""

from typing import ClassVar

from django.db.models import prefetch_related_objects
from django.shortcuts import get_object_or_404
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from mttq_portal.pagination import DefaultCursorPagination

from ..models import ITEM_TEXT_MAX, ExtensionRequest, Item, ItemEvent, PersonalDataAccess
from ..moves import STAFF_MOVES, ReasonInput, StaffMove
from ..selectors.items import item_get_for_user, item_identity_visible, items_for_user
from ..selectors.queue import ItemFilter
from ..services import workflow as wf


class ItemListSerializer(serializers.ModelSerializer):
    category = serializers.CharField(source="category.name_vi")
    commune = serializers.CharField(source="commune.name")
    current_agency = serializers.CharField(source="current_agency.name", default=None)
    public_status = serializers.CharField()

    class Meta:
        model = Item
        fields = [
            "id",
            "tracking_code",
            "type",
            "title",
            "category",
            "commune",
            "commune_id",
            "channel",
            "status",
            "public_status",
            "handling_level",
            "current_agency",
            "current_agency_id",
            "due_step",
            "due_date",
            "received_at",
            "is_mass_petition",
            "is_complex",
        ]


class EventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.get_username", default=None)
    agency = serializers.CharField(source="agency.name", default=None)

    class Meta:
        model = ItemEvent
        fields = [
            "id",
            "kind",
            "from_status",
            "to_status",
            "actor",
            "actor_label",
            "agency",
            "due_date",
            "note",
            "is_public",
            "data",
            "created_at",
        ]


class ExtensionRequestSerializer(serializers.ModelSerializer):
    class Meta:
        model = ExtensionRequest
        fields = [
            "id",
            "status",
            "reason",
            "requested_days",
            "requested_due_date",
            "previous_due_date",
            "granted_due_date",
            "decision_note",
            "created_at",
            "decided_at",
        ]


class ItemDetailSerializer(ItemListSerializer):
    events = EventSerializer(many=True, read_only=True)
    extension_requests = ExtensionRequestSerializer(many=True, read_only=True)
    identity_hidden = serializers.SerializerMethodField()

    class Meta(ItemListSerializer.Meta):
        fields = [
            *ItemListSerializer.Meta.fields,
            "content",
            "request_text",
            "address_text",
            "is_anonymous",
            "identity_hidden",
            "submitter_name",
            "submitter_phone",
            "submitter_email",
            "submitter_address",
            "consent_contact",
            "consent_publish",
            "consent_method",
            "triage_due_date",
            "triage_on_time",
            "answer_due_date",
            "answer_on_time",
            "answered_at",
            "closed_at",
            "extension_count",
            "public_answer",
            "merged_into_id",
            "events",
            "extension_requests",
        ]

    def get_identity_hidden(self, item) -> bool:
        return bool(getattr(item, "identity_hidden", False))


class ItemListApi(generics.ListAPIView):
    """Items in the caller's scope, newest first; filters as on the officer's queue."""

    serializer_class = ItemListSerializer
    filterset_class = ItemFilter
    pagination_class = DefaultCursorPagination

    def get_queryset(self):
        return items_for_user(user=self.request.user).order_by("-id")


def _detail(request, item_id, *, log=True):
    # The masked instance from the selector is the one serialised (an agency never gets a denouncer's identity).
    item = item_get_for_user(user=request.user, item_id=item_id)
    prefetch_related_objects([item], "events__actor", "events__agency", "extension_requests")
    if log and item_identity_visible(user=request.user, item=item):
        PersonalDataAccess.objects.create(user=request.user, item=item, action=PersonalDataAccess.Action.API)
    return item


class ItemDetailApi(APIView):
    @extend_schema(responses=ItemDetailSerializer)
    def get(self, request, item_id: int):
        item = _detail(request, item_id)
        return Response(ItemDetailSerializer(item).data)


class MoveOutputSerializer(serializers.Serializer):
    changed = serializers.BooleanField(help_text="False when the request repeated a decision already made.")
    item = ItemListSerializer()


class ExtensionInput(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, max_length=ITEM_TEXT_MAX)
    requested_days = serializers.IntegerField(required=False, allow_null=True)
    requested_due_date = serializers.DateField(required=False, allow_null=True)


class DecisionInput(serializers.Serializer):
    grant = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=ITEM_TEXT_MAX)


class BulkForwardInput(serializers.Serializer):
    items = serializers.ListField(child=serializers.IntegerField(), min_length=1, max_length=200)
    agency = serializers.IntegerField(help_text="Id of the agency (GET /api/v1/organizations/?agency=true).")
    note = serializers.CharField(required=False, allow_blank=True, max_length=ITEM_TEXT_MAX)


ERRORS = {
    400: OpenApiResponse(description="Bad input (error shape)"),
    403: OpenApiResponse(description="Not your role for this item (error shape)"),
    404: OpenApiResponse(description="No such item in your scope (error shape)"),
    409: OpenApiResponse(description="Not possible in the item's current state (error shape)"),
}


class MoveSchema(AutoSchema):
    """The schema of a move endpoint is its registry row: input, summary, operation id."""

    def get_request_serializer(self):
        return self.view.row.input

    def get_response_serializers(self):
        return {200: MoveOutputSerializer, **ERRORS}

    def get_summary(self):
        return self.view.row.summary

    def get_operation_id(self):
        return f"item_{self.view.row.move}"


class MoveApi(APIView):
    """POST one move on one item, as its row in ``feedback.moves.STAFF_MOVES`` says: validate the row's input,
    call the row's service, answer whether anything changed and the item as the caller now sees it."""

    row: ClassVar[StaffMove]
    parser_classes = [JSONParser, FormParser, MultiPartParser]
    schema = MoveSchema()

    def post(self, request, item_id: int):
        data = self.row.input(data=request.data)
        data.is_valid(raise_exception=True)
        result = self.row.perform(user=request.user, item_id=item_id, arguments=data.validated_data)
        return Response({"changed": result.changed, "item": _item_as_seen(request, result.item)})


def _item_as_seen(request, item: Item) -> dict:
    # After a return the item is no longer in the agency's scope: the unmasked row is all it gets back.
    visible = items_for_user(user=request.user).filter(pk=item.pk).exists()
    return ItemListSerializer(item_get_for_user(user=request.user, item_id=item.pk) if visible else item).data


def _move_api_class(row: StaffMove) -> type[MoveApi]:
    # Named by the row (``api_name``), so ``ItemForwardApi`` is found where the move is declared.
    return type(row.api_name, (MoveApi,), {"row": row, "__module__": __name__, "__qualname__": row.api_name})


# One class per row of the registry; ``feedback/api_urls.py`` routes each at ``items/<id>/<row.path>/``.
MOVE_APIS: dict[str, type[MoveApi]] = {move: _move_api_class(row) for move, row in STAFF_MOVES.items()}


class ItemEscalateApi(APIView):
    """Escalation is not a move of the lifecycle (the status stays): it changes who handles the item."""

    @extend_schema(
        request=ReasonInput,
        responses={200: MoveOutputSerializer, **ERRORS},
        summary="Escalate to the provincial Front",
        operation_id="item_escalate",
    )
    def post(self, request, item_id: int):
        data = ReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        result = wf.item_escalate(user=request.user, item_id=item_id, reason=data.validated_data["reason"])
        return Response({"changed": result.changed, "item": _item_as_seen(request, result.item)})


class ExtensionRequestApi(APIView):
    @extend_schema(
        request=ExtensionInput,
        responses={201: ExtensionRequestSerializer, **ERRORS},
        summary="Ask for an extension (agency)",
    )
    def post(self, request, item_id: int):
        data = ExtensionInput(data=request.data)
        data.is_valid(raise_exception=True)
        ext = wf.extension_request(
            user=request.user,
            item_id=item_id,
            reason=data.validated_data["reason"],
            requested_days=data.validated_data.get("requested_days"),
            requested_due_date=data.validated_data.get("requested_due_date"),
        )
        return Response(ExtensionRequestSerializer(ext).data, status=201)


class ExtensionDecisionApi(APIView):
    @extend_schema(
        request=DecisionInput,
        responses={200: ExtensionRequestSerializer, **ERRORS},
        summary="Grant or refuse an extension (Front)",
    )
    def post(self, request, request_id: int):
        get_object_or_404(ExtensionRequest.objects.filter(item__in=items_for_user(user=request.user)), pk=request_id)
        data = DecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        ext = wf.extension_decide(
            user=request.user,
            request_id=request_id,
            grant=data.validated_data["grant"],
            note=data.validated_data.get("note", ""),
        )
        return Response(ExtensionRequestSerializer(ext).data)


class BulkForwardApi(APIView):
    @extend_schema(
        request=BulkForwardInput,
        responses={
            200: inline_serializer(
                "BulkForwardResult",
                {
                    "forwarded": serializers.ListField(child=serializers.IntegerField()),
                    "unchanged": serializers.ListField(child=serializers.IntegerField()),
                    "refused": serializers.DictField(child=serializers.CharField()),
                },
            ),
            **ERRORS,
        },
        summary="Forward several items to one agency",
    )
    def post(self, request):
        data = BulkForwardInput(data=request.data)
        data.is_valid(raise_exception=True)
        result = wf.items_bulk_forward(
            user=request.user,
            item_ids=data.validated_data["items"],
            agency_id=data.validated_data["agency"],
            note=data.validated_data.get("note", ""),
        )
        return Response(
            {
                "forwarded": result.forwarded,
                "unchanged": result.unchanged,
                "refused": {str(k): v for k, v in result.refused.items()},
            }
        )
