"""The public API: submit an item (multipart for attachments, or JSON) and read it back with its secret.

No authentication: the same rules, rate limits and throttles as the web form apply. A repeat with the same
``Idempotency-Key`` header (or ``idempotency_key`` field) returns the same item with 200 instead of 201.
"""

import json
from functools import cache

from django.conf import settings
from django.urls import get_script_prefix, reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.utils.json import strict_constant
from rest_framework.views import APIView

from mttq_portal.errors import ApplicationError, api_exception_handler
from mttq_portal.serializer_fields import FrozenFieldsMixin, plain_validated_data
from organizations.tokens import PUBLIC, TokenScopePermission

from .. import ratelimit
from ..models import PUBLIC_ITEM_TYPES, Category, Channel, ConsentMethod, PublicStatus, item_field_max
from ..selectors import public as public_selectors
from ..services.intake import IDEMPOTENCY_KEY_MAX, PHONE_INPUT_MAX, SubmitResult, item_submit
from ..views.public import attachment_token


class TooManyRequests(ApplicationError):
    http_status = status.HTTP_429_TOO_MANY_REQUESTS


class PublicItemInputSerializer(FrozenFieldsMixin, serializers.Serializer):
    # Its fields are built once per process, not per request (ADR 0174).
    type = serializers.ChoiceField(choices=[(t.value, t.label) for t in PUBLIC_ITEM_TYPES])
    category = serializers.IntegerField(
        min_value=1, help_text="Category id (GET /api/v1/public/categories/ lists them)."
    )
    commune = serializers.IntegerField(min_value=1, help_text="Commune or ward id (GET /api/v1/communes/ lists them).")
    residential_area = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    address_text = serializers.CharField(required=False, allow_blank=True, max_length=item_field_max("address_text"))
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True)
    longitude = serializers.DecimalField(max_digits=10, decimal_places=6, required=False, allow_null=True)
    title = serializers.CharField(max_length=item_field_max("title"))
    content = serializers.CharField(max_length=item_field_max("content"))
    request_text = serializers.CharField(required=False, allow_blank=True, max_length=item_field_max("request_text"))
    is_anonymous = serializers.BooleanField(required=False, default=False)
    submitter_name = serializers.CharField(
        required=False, allow_blank=True, max_length=item_field_max("submitter_name")
    )
    submitter_phone = serializers.CharField(required=False, allow_blank=True, max_length=PHONE_INPUT_MAX)
    submitter_email = serializers.CharField(
        required=False, allow_blank=True, max_length=item_field_max("submitter_email")
    )
    submitter_address = serializers.CharField(
        required=False, allow_blank=True, max_length=item_field_max("submitter_address")
    )
    consent_processing = serializers.BooleanField(help_text="Must be true: the Front may handle and forward the item.")
    consent_contact = serializers.BooleanField(required=False, default=False)
    consent_publish = serializers.BooleanField(required=False, default=False)
    privacy_notice_version = serializers.CharField(
        required=False,
        max_length=item_field_max("privacy_notice_version"),
        help_text="The privacy-notice version the citizen was shown (default: current).",
    )
    idempotency_key = serializers.CharField(required=False, allow_blank=True, max_length=IDEMPOTENCY_KEY_MAX)
    attachments = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        max_length=settings.FEEDBACK_MAX_ATTACHMENTS,
        help_text=f"Up to {settings.FEEDBACK_MAX_ATTACHMENTS} files (multipart only).",
    )


class PublicHistoryEntrySerializer(serializers.Serializer):
    date = serializers.DateTimeField(source="created_at")
    kind = serializers.CharField()
    status = serializers.CharField(source="to_status")
    agency = serializers.CharField(source="agency.name", default=None, allow_null=True)
    due_date = serializers.DateField(allow_null=True)
    note = serializers.CharField()


class PublicAttachmentSerializer(serializers.Serializer):
    name = serializers.CharField(source="original_name")
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    url = serializers.CharField()


class PublicItemSerializer(serializers.Serializer):
    tracking_code = serializers.CharField()
    public_status = serializers.ChoiceField(choices=PublicStatus.choices)
    public_status_label = serializers.CharField()
    title = serializers.CharField()
    commune = serializers.CharField(source="commune.name")
    category = serializers.CharField(source="category.name")
    received_at = serializers.DateTimeField()
    triage_due_date = serializers.DateField()
    due_date = serializers.DateField(allow_null=True)
    public_answer = serializers.CharField()
    history = PublicHistoryEntrySerializer(many=True)
    attachments = PublicAttachmentSerializer(many=True)


class ReceiptSerializer(FrozenFieldsMixin, serializers.Serializer):
    tracking_code = serializers.CharField()
    secret = serializers.CharField(help_text="Shown once; only its hash is stored.")
    public_status = serializers.ChoiceField(choices=PublicStatus.choices)
    received_at = serializers.DateTimeField()
    triage_due_date = serializers.DateField(help_text="The Front accepts and forwards, or refuses, by this date.")
    lookup_url = serializers.CharField()


class PublicItemCreateApi(APIView):
    authentication_classes: list = []
    permission_classes = [TokenScopePermission]
    token_scope = PUBLIC
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        operation_id="public_item_submit",
        summary="Submit a feedback item (no login)",
        tags=["public"],
        request={"multipart/form-data": PublicItemInputSerializer, "application/json": PublicItemInputSerializer},
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="16-64 characters (a UUID). A repeat returns the same item with 200.",
            )
        ],
        responses={
            201: ReceiptSerializer,
            200: OpenApiResponse(ReceiptSerializer, description="A repeat of the same idempotency key."),
            400: OpenApiResponse(description="Invalid input: {error: {code, message, fields}}"),
            409: OpenApiResponse(description="Idempotency key reused with different content."),
            429: OpenApiResponse(description="Too many submissions from this client."),
        },
        examples=[
            OpenApiExample(
                "A recommendation",
                value={
                    "type": "recommendation",
                    "category": 5,
                    "commune": 12,
                    "title": "Đường vào bản bị sạt lở",
                    "content": "Sau mưa lớn, đoạn đường vào bản bị sạt.",
                    "consent_processing": True,
                },
                request_only=True,
            )
        ],
    )
    def post(self, request):
        raw = request.data
        if hasattr(raw, "getlist"):  # multipart or form: files arrive apart from the fields
            data = {key: raw.get(key) for key in raw if key != "attachments"}
            data["attachments"] = request.FILES.getlist("attachments")
        else:
            data = raw
        if isinstance(data, dict) and data.get("fax_number"):
            raise ApplicationError(_("Your submission could not be accepted. Please try again."), code="rejected")
        return _claim_and_submit(request, lambda: _validated(data))


def _validated(data) -> dict:
    serializer = PublicItemInputSerializer(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _claim_and_submit(request, read_input) -> Response:
    """Count the submission against its client's limit, then read the input, store it and answer the receipt;
    a submission that is refused or only repeats an earlier one gives its slot back."""
    claim = ratelimit.submit_claim(request)
    if claim.refused:
        raise TooManyRequests(
            _("Too many submissions from this connection. Please try again in an hour, or call the Front."),
            code="rate_limited",
        )
    try:
        result = _submit(request, read_input())
    except BaseException:
        claim.release()
        raise
    if not result.created:
        claim.release()
    item = result.item
    body = ReceiptSerializer(
        {
            "tracking_code": item.tracking_code,
            "secret": result.secret,
            "public_status": item.public_status,
            "received_at": item.received_at,
            "triage_due_date": item.triage_due_date,
            "lookup_url": request.build_absolute_uri(_lookup_path(get_script_prefix())),
        }
    ).data
    return Response(body, status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK)


@cache
def _lookup_path(script_prefix: str) -> str:
    """The lookup page's path under the deployment's prefix (``reverse`` reads it), worked out once per prefix."""
    return reverse("feedback-lookup")


def _submit(request, v: dict) -> SubmitResult:
    return item_submit(
        type=v["type"],
        category_id=v["category"],
        commune_id=v["commune"],
        residential_area_id=v.get("residential_area"),
        address_text=v.get("address_text", ""),
        latitude=v.get("latitude"),
        longitude=v.get("longitude"),
        title=v["title"],
        content=v["content"],
        request_text=v.get("request_text", ""),
        channel=Channel.API,
        privacy_notice_version=v.get("privacy_notice_version") or settings.PRIVACY_NOTICE_VERSION,
        consent_method=ConsentMethod.API,
        consent_processing=v["consent_processing"],
        consent_contact=v.get("consent_contact", False),
        consent_publish=v.get("consent_publish", False),
        is_anonymous=v.get("is_anonymous", False),
        submitter_name=v.get("submitter_name", ""),
        submitter_phone=v.get("submitter_phone", ""),
        submitter_email=v.get("submitter_email", ""),
        submitter_address=v.get("submitter_address", ""),
        attachments=v.get("attachments", []),
        idempotency_key=request.headers.get("Idempotency-Key") or v.get("idempotency_key") or None,
    )


# ---- the plain JSON submission's shortcut (ADR 0183) --------------------------------------------------------

_JSON_RENDERER = JSONRenderer()
# The Accept headers under which DRF's content negotiation picks the JSON renderer for this view.
_JSON_ACCEPTS = frozenset({"", "*/*", "application/json"})


def _plain_json_input(request) -> dict | None:
    """The validated input of a POST whose body is a plain JSON object (``plain_validated_data``), asking for
    JSON back, in UTF-8, with no query string; None for any other request, which DRF then handles whole."""
    meta = request.META
    if (
        request.content_type != "application/json"
        or meta.get("QUERY_STRING")
        or meta.get("HTTP_ACCEPT", "").strip() not in _JSON_ACCEPTS
        or request.content_params.get("charset", "utf-8").lower() not in ("utf-8", "utf8")
    ):
        return None
    try:
        data = json.loads(request.body.decode("utf-8"), parse_constant=strict_constant)
    except ValueError:  # malformed JSON or bytes: the parser's error message is DRF's
        return None
    return plain_validated_data(PublicItemInputSerializer, data)


def _rendered(response: Response, *, allow: str) -> Response:
    """The rendering and headers DRF's ``finalize_response`` gives this view's answers."""
    response.accepted_renderer = _JSON_RENDERER
    response.accepted_media_type = _JSON_RENDERER.media_type
    response.renderer_context = {}
    patch_vary_headers(response, ["Accept"])
    response["Allow"] = allow
    return response


def with_plain_json_shortcut(drf_view):
    """``drf_view`` (``PublicItemCreateApi.as_view()``), answering a plain JSON submission without DRF's
    request cycle: the same claim, service and receipt, the same error bodies. Everything else (multipart,
    another method, a body the serializer must explain) goes to ``drf_view``. The submission is most of the
    public API's traffic, and DRF's dispatch, parser and a second validation of what ``item_submit`` checks
    were a quarter of its cost (ADR 0183); the schema still comes from the DRF class."""
    view_class = drf_view.cls
    allow = ", ".join(view_class().allowed_methods)

    @csrf_exempt
    def view(request, *args, **kwargs):
        if request.method != "POST":
            return drf_view(request, *args, **kwargs)
        fields = _plain_json_input(request)
        if fields is None:
            return drf_view(request, *args, **kwargs)
        try:
            response = _claim_and_submit(request, lambda: fields)
        except Exception as exc:
            response = api_exception_handler(exc, {"view": None, "request": request})
            if response is None:
                raise
        return _rendered(response, allow=allow)

    view.cls = view_class  # drf-spectacular documents the endpoint from these
    view.initkwargs = drf_view.initkwargs
    return view


class PublicItemDetailApi(APIView):
    authentication_classes: list = []
    permission_classes = [TokenScopePermission]
    token_scope = PUBLIC

    @extend_schema(
        operation_id="public_item_lookup",
        summary="Read an item's public status and history with its secret",
        tags=["public"],
        parameters=[
            OpenApiParameter("X-Tracking-Secret", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False),
        ],
        responses={
            200: PublicItemSerializer,
            404: OpenApiResponse(description="Unknown code or wrong secret (the same answer)."),
            429: OpenApiResponse(description="Too many wrong lookups."),
        },
    )
    def get(self, request, code: str):
        if "secret" in request.query_params:
            # A secret in a URL stays in browser histories and every proxy's and server's log.
            raise ApplicationError(
                _("Do not put the secret in the URL: send it in the X-Tracking-Secret header."),
                code="secret_in_url",
                fields={"secret": [_("Send it in the X-Tracking-Secret header.")]},
            )
        code = (code or "").strip().upper()[:40]
        # Counted before the check (atomic); only the address is refused: the secret is the one way in here,
        # so a storm of guesses on one code does not lock its owner out.
        attempt = ratelimit.lookup_attempt(request, code)
        if attempt.address_blocked:
            raise TooManyRequests(
                _("Too many unsuccessful attempts. Please wait 15 minutes and try again."), code="rate_limited"
            )
        secret = request.headers.get("X-Tracking-Secret") or ""
        item = public_selectors.item_for_lookup(code=code, secret=secret[:20], allow_phone=False)
        if item is not None:
            attempt.succeeded()
        else:
            return Response(
                {
                    "error": {
                        "code": "not_found",
                        "message": _("No item matches this code and secret. Check what you typed on the receipt."),
                        "fields": {},
                    }
                },
                status=status.HTTP_404_NOT_FOUND,
            )
        attachments = public_selectors.public_attachments(item=item)
        for attachment in attachments:
            path = reverse("feedback-attachment", args=[attachment.id]) + "?t=" + attachment_token(attachment.id)
            attachment.url = request.build_absolute_uri(path)
        item.public_status_label = PublicStatus(item.public_status).label
        item.history = public_selectors.public_history(item=item)
        item.attachments_list = attachments
        data = PublicItemSerializer(
            {
                **{f: getattr(item, f) for f in ("tracking_code", "public_status", "public_status_label", "title")},
                "commune": item.commune,
                "category": item.category,
                "received_at": item.received_at,
                "triage_due_date": item.triage_due_date,
                "due_date": item.due_date if item.is_open else None,
                "public_answer": item.public_answer,
                "history": item.history,
                "attachments": attachments,
            }
        ).data
        return Response(data)


class CategoryOutput(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "code", "name_vi", "name_en"]


@extend_schema(tags=["public"], summary="The fields (categories) an item may have")
class PublicCategoryListApi(generics.ListAPIView):
    authentication_classes: list = []
    permission_classes = [TokenScopePermission]
    token_scope = PUBLIC
    serializer_class = CategoryOutput
    pagination_class = None
    queryset = Category.objects.filter(is_active=True).order_by("order", "name_vi")
