"""One error shape for the whole API.

Every error response is ``{"error": {"status", "code", "message", "fields"}}`` where ``fields``
maps a field name (``non_field_errors`` for the object as a whole) to a list of messages. Django
``ValidationError`` from a service's ``full_clean()`` becomes a 400 with the same shape.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def _fields_from(detail: Any) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        out: dict[str, list[str]] = {}
        for key, value in detail.items():
            if isinstance(value, dict):  # nested serializer: flatten as "parent.child"
                for sub_key, sub_value in _fields_from(value).items():
                    out[f"{key}.{sub_key}"] = sub_value
            elif isinstance(value, list):
                out[str(key)] = [str(v) for v in value]
            else:
                out[str(key)] = [str(value)]
        return out
    if isinstance(detail, list):
        return {"non_field_errors": [str(v) for v in detail]}
    return {}


def error_body(status_code: int, code: str, message: str, fields: dict[str, list[str]] | None = None) -> dict:
    return {"error": {"status": status_code, "code": code, "message": message, "fields": fields or {}}}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(
            detail={k if k != "__all__" else "non_field_errors": v for k, v in detail.items()}
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields: dict[str, list[str]] = _fields_from(exc.detail)
        message = "Some fields need attention." if fields else "The request was not valid."
        response.data = error_body(response.status_code, "invalid", message, fields)
    elif isinstance(exc, exceptions.APIException):
        api_detail = exc.detail
        message = str(api_detail) if not isinstance(api_detail, (dict, list)) else "Request failed."
        code = exc.get_codes() if isinstance(exc.get_codes(), str) else exc.default_code
        response.data = error_body(response.status_code, str(code), message)
    return response


#: The documented error answer of every endpoint (``extend_schema(responses={400: ERROR_RESPONSE, …})``).
ERROR_RESPONSE = OpenApiResponse(description='Error shape `{"error": {"status", "code", "message", "fields"}}`.')


def json_not_found() -> JsonResponse:
    """The API's 404 in the error shape (``core.views.base.page_not_found`` answers it under /api/)."""
    return JsonResponse(error_body(404, "not_found", "Not found."), status=status.HTTP_404_NOT_FOUND)


def json_server_error() -> JsonResponse:
    """The API's 500 in the error shape; never a stack trace."""
    return JsonResponse(
        error_body(500, "server_error", "Something went wrong on our side; it has been logged."), status=500
    )
