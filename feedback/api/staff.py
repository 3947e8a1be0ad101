"""The staff API: the scoped, filterable, cursor-paginated list of items, the detail, and one POST endpoint
per decision. Session or token authentication; every refusal in the project's one error shape (403 wrong
role, 404 outside the scope, 409 wrong state, 400 bad input)."""

from django.db.models import prefetch_related_objects
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from mttq_portal.pagination import DefaultCursorPagination

from ..models import Complexity, ExtensionRequest, Item, ItemEvent, ItemType, PersonalDataAccess
from ..selectors.items import item_get_for_user, item_identity_visible, items_for_user
from ..selectors.queue import ItemFilter
from ..services import workflow as wf
from ..services.recommendations import RECOMMENDATION_TYPES, recommendation_record
from ..workflow import Move


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
            "complexity",
            "complexity_reason",
            "source_organization_id",
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


class NoteInput(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=10_000)


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, max_length=10_000)


class MergeInput(NoteInput):
    target = serializers.IntegerField(help_text="Id of the item this one duplicates.")


class AgencyInput(NoteInput):
    agency = serializers.IntegerField(help_text="Id of the agency (GET /api/v1/organizations/?agency=true).")


class AnswerInput(serializers.Serializer):
    answer = serializers.CharField(allow_blank=True, max_length=10_000)
    attachments = serializers.ListField(child=serializers.FileField(), required=False, max_length=5)


class CloseInput(NoteInput):
    public_answer = serializers.CharField(allow_blank=True, max_length=10_000)


class ExtensionInput(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, max_length=10_000)
    requested_days = serializers.IntegerField(required=False, allow_null=True)
    requested_due_date = serializers.DateField(required=False, allow_null=True)


class DecisionInput(NoteInput):
    grant = serializers.BooleanField()


class BulkForwardInput(AgencyInput):
    items = serializers.ListField(child=serializers.IntegerField(), min_length=1, max_length=200)


ERRORS = {
    400: OpenApiResponse(description="Bad input (error shape)"),
    403: OpenApiResponse(description="Not your role for this item (error shape)"),
    404: OpenApiResponse(description="No such item in your scope (error shape)"),
    409: OpenApiResponse(description="Not possible in the item's current state (error shape)"),
}


def _move_api(name: str, move_label: str, input_cls, run):
    class MoveApi(APIView):
        parser_classes = [JSONParser, FormParser, MultiPartParser]

        @extend_schema(
            request=input_cls,
            responses={200: MoveOutputSerializer, **ERRORS},
            summary=move_label,
            operation_id=f"item_{name}",
        )
        def post(self, request, item_id: int):
            data = input_cls(data=request.data)
            data.is_valid(raise_exception=True)
            result = run(request.user, item_id, data.validated_data)
            item = item_get_for_user(user=request.user, item_id=result.item.pk) if _visible(request, result) else None
            return Response({"changed": result.changed, "item": ItemListSerializer(item or result.item).data})

    MoveApi.__name__ = MoveApi.__qualname__ = f"Item{name.title().replace('_', '')}Api"
    return MoveApi


def _visible(request, result) -> bool:
    return items_for_user(user=request.user).filter(pk=result.item.pk).exists()


ItemAcceptApi = _move_api(
    "accept",
    "Accept as lawful and legitimate",
    NoteInput,
    lambda u, i, d: wf.item_accept(user=u, item_id=i, note=d.get("note", "")),
)
ItemRejectApi = _move_api(
    "reject",
    "Reject with a public reason",
    ReasonInput,
    lambda u, i, d: wf.item_reject(user=u, item_id=i, reason=d["reason"]),
)
ItemMergeApi = _move_api(
    "merge",
    "Merge into another item",
    MergeInput,
    lambda u, i, d: wf.item_merge(user=u, item_id=i, target_id=d["target"], note=d.get("note", "")),
)
ItemWithdrawApi = _move_api(
    "withdraw",
    "Record the citizen's withdrawal",
    NoteInput,
    lambda u, i, d: wf.item_withdraw_on_request(user=u, item_id=i, note=d.get("note", "")),
)
ItemForwardApi = _move_api(
    "forward",
    "Accept if needed and forward to one agency",
    AgencyInput,
    lambda u, i, d: wf.item_accept_and_forward(user=u, item_id=i, agency_id=d["agency"], note=d.get("note", "")),
)
ItemReforwardApi = _move_api(
    "reforward",
    "Forward to another agency",
    AgencyInput,
    lambda u, i, d: wf.item_reforward(user=u, item_id=i, agency_id=d["agency"], note=d.get("note", "")),
)
ItemReturnApi = _move_api(
    "return",
    "Return: not our competence",
    ReasonInput,
    lambda u, i, d: wf.item_return(user=u, item_id=i, reason=d["reason"]),
)
ItemAnswerApi = _move_api(
    "answer",
    "Answer (agency)",
    AnswerInput,
    lambda u, i, d: wf.item_answer(user=u, item_id=i, answer=d["answer"], attachments=d.get("attachments", ())),
)
ItemSendBackApi = _move_api(
    "send_back",
    "Send the answer back to the agency",
    ReasonInput,
    lambda u, i, d: wf.item_send_back(user=u, item_id=i, reason=d["reason"]),
)


def _close(move):
    return lambda u, i, d: wf.item_close(
        user=u, item_id=i, result=move, public_answer=d["public_answer"], note=d.get("note", "")
    )


ItemResolveApi = _move_api("resolve", "Close as resolved", CloseInput, _close(Move.RESOLVE))
ItemRoadmapApi = _move_api("roadmap", "Close as on the roadmap", CloseInput, _close(Move.ROADMAP))
ItemCannotResolveApi = _move_api(
    "cannot_resolve", "Close as cannot be resolved", CloseInput, _close(Move.CANNOT_RESOLVE)
)


class _Escalated:
    def __init__(self, item):
        self.item, self.changed = item, True


ItemEscalateApi = _move_api(
    "escalate",
    "Escalate to the provincial Front",
    ReasonInput,
    lambda u, i, d: _Escalated(wf.item_escalate(user=u, item_id=i, reason=d["reason"])),
)


class ComplexityInput(serializers.Serializer):
    complexity = serializers.ChoiceField(choices=Complexity.choices)
    reason = serializers.CharField(max_length=2000)


class ItemComplexityApi(APIView):
    @extend_schema(
        request=ComplexityInput,
        responses={200: ItemDetailSerializer, **ERRORS},
        summary="Decide how complex the case is, with the reason (Front)",
    )
    def post(self, request, item_id: int):
        data = ComplexityInput(data=request.data)
        data.is_valid(raise_exception=True)
        wf.item_set_complexity(
            user=request.user,
            item_id=item_id,
            complexity=data.validated_data["complexity"],
            reason=data.validated_data["reason"],
        )
        return Response(ItemDetailSerializer(_detail(request, item_id)).data)


class RecommendationInput(serializers.Serializer):
    source_organization = serializers.IntegerField(help_text="Who recommended: the Front, a member organisation.")
    addressee = serializers.IntegerField(help_text="To whom: the agency (party committee, authority) it goes to.")
    commune = serializers.IntegerField()
    category = serializers.IntegerField()
    type = serializers.ChoiceField(choices=[(t.value, t.label) for t in RECOMMENDATION_TYPES], required=False)
    title = serializers.CharField(max_length=200)
    content = serializers.CharField(max_length=10000)
    request_text = serializers.CharField(max_length=10000, required=False, allow_blank=True)
    made_on = serializers.DateField(required=False, help_text="When it was made (default: today).")


class RecommendationRecordApi(APIView):
    @extend_schema(
        request=RecommendationInput,
        responses={201: ItemDetailSerializer, **ERRORS},
        summary="Record a recommendation of the Front or a member organisation and forward it (target A1)",
    )
    def post(self, request):
        data = RecommendationInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        item = recommendation_record(
            user=request.user,
            source_organization_id=v["source_organization"],
            addressee_id=v["addressee"],
            commune_id=v["commune"],
            category_id=v["category"],
            type=v.get("type", ItemType.FRONT_RECOMMENDATION),
            title=v["title"],
            content=v["content"],
            request_text=v.get("request_text", ""),
            made_on=v.get("made_on"),
        )
        return Response(ItemDetailSerializer(_detail(request, item.pk, log=False)).data, status=201)


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
