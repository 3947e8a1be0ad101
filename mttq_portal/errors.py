"""One error type for the services and one error shape for every API endpoint.

Every API error body is ``{"error": {"code": ..., "message": ..., "fields": {...}}}``, with the message in
the request's language.
"""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler


class ApplicationError(Exception):
    """A business rule refused the request. ``code`` is stable for clients; ``message`` is translated."""

    http_status = status.HTTP_400_BAD_REQUEST

    def __init__(self, message: str, *, code: str = "invalid", fields: dict | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.fields = fields or {}


class NotAllowedError(ApplicationError):
    """The user may not do this (403)."""

    http_status = status.HTTP_403_FORBIDDEN

    def __init__(self, message: str, *, code: str = "forbidden", fields: dict | None = None):
        super().__init__(message, code=code, fields=fields)


class ConflictError(ApplicationError):
    """The object is not in a state that allows this (409)."""

    http_status = status.HTTP_409_CONFLICT

    def __init__(self, message: str, *, code: str = "conflict", fields: dict | None = None):
        super().__init__(message, code=code, fields=fields)


class NotFoundError(ApplicationError):
    """No such object in the user's scope (404): outside the scope looks the same as not existing."""

    http_status = status.HTTP_404_NOT_FOUND

    def __init__(self, message: str, *, code: str = "not_found", fields: dict | None = None):
        super().__init__(message, code=code, fields=fields)


# Seconds a client is told to wait when the database is unreachable (a restart or a failover takes about this).
RETRY_AFTER_SECONDS = 60


def database_unavailable(exc: BaseException | None) -> bool:
    """The database could not be reached or dropped the connection: nothing was stored, try again later."""
    return isinstance(exc, OperationalError | InterfaceError)


def unavailable_message() -> str:
    return _("Not saved yet: the service is briefly unavailable. Please try again in a minute.")


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def _error(code: str, message: str, http_status: int, fields: dict | None = None) -> Response:
    return Response(error_body(code, message, fields), status=http_status)


def api_exception_handler(exc, context):
    if database_unavailable(exc):
        response = _error("unavailable", unavailable_message(), status.HTTP_503_SERVICE_UNAVAILABLE)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    if isinstance(exc, ApplicationError):
        return _error(exc.code, exc.message, exc.http_status, exc.fields)
    if isinstance(exc, DjangoValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else {}
        message = "; ".join(exc.messages)
        return _error("invalid", message, status.HTTP_400_BAD_REQUEST, fields)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail
        if isinstance(detail, dict):
            fields = detail
            message = _("Some fields are not valid.")
            non_field = detail.get("non_field_errors")
            if non_field:
                # DRF writes "No data provided" without marking it for translation: looked up here.
                fields = {**detail, "non_field_errors": [_(str(error)) for error in non_field]}
                message = fields["non_field_errors"][0]
        else:
            fields = {}
            message = "; ".join(str(d) for d in detail) if isinstance(detail, list) else str(detail)
        response.data = {"error": {"code": "invalid", "message": message, "fields": fields}}
        return response
    if isinstance(exc, exceptions.ParseError):
        response.data = {
            "error": {"code": "malformed", "message": _("The request body could not be read."), "fields": {}}
        }
        return response
    detail = getattr(exc, "detail", "")
    code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
    response.data = {"error": {"code": code, "message": str(detail), "fields": {}}}
    return response
