"""Conditional requests (optimistic locking): ``ETag`` on reads, ``If-Match`` on writes.

A row that two people may edit at once carries a ``row_version``. Its GET answers
``ETag: "<version>"``; a write must send it back as ``If-Match``: without the header the answer is
428, with a stale or unreadable one 412, and nothing is saved. Each endpoint names its own messages
(what to GET again) through the subclasses' ``default_detail`` or the ``detail`` arguments.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions, status
from rest_framework.request import Request


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "conflict"
    default_detail = "The row changed since you read it; nothing was saved. GET it again and reapply your changes."


class PreconditionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_code = "precondition_required"
    default_detail = 'Send If-Match with the ETag from GET (e.g. If-Match: "3").'


def etag(version: int) -> str:
    """The ``ETag`` of a row version: a quoted number."""
    return f'"{version}"'


def if_match(
    request: Request,
    *,
    allow_any: bool = False,
    required: type[PreconditionRequired] = PreconditionRequired,
    failed: type[PreconditionFailed] = PreconditionFailed,
) -> int | None:
    """The version named by ``If-Match``: ``required`` (428) when missing, ``failed`` (412) when
    unreadable; ``*`` (any version) is None when ``allow_any``, else unreadable too."""
    header = (request.headers.get("If-Match") or "").strip()
    if not header:
        raise required()
    if header == "*" and allow_any:
        return None
    value = header.removeprefix("W/").strip('"')
    if not value.isdigit():
        raise failed()
    return int(value)


def if_match_parameter(description: str) -> OpenApiParameter:
    """The documented ``If-Match`` request header of a write."""
    return OpenApiParameter(
        "If-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, required=True, description=description
    )


def etag_parameter(description: str) -> OpenApiParameter:
    """The documented ``ETag`` response header of a read."""
    return OpenApiParameter("ETag", OpenApiTypes.STR, OpenApiParameter.HEADER, response=True, description=description)
