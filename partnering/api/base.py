"""What the partnering API's areas share: viewsets whose writes go through the area's services,
the serializer base and the ``?relationship=`` filter.

``ServiceViewSet`` wires DRF's create/update/destroy to ``perform_service_create(data)``,
``perform_service_update(obj, data)`` and ``perform_service_destroy(obj)``, which the concrete
viewsets implement with one service call each; responses re-read the row through the scoped
queryset so computed fields (counts) are present. The services raise ``ValidationError`` (→ 400
with field messages) or ``PermissionDenied`` (→ 403).
"""

from __future__ import annotations

from typing import Any, ClassVar

import django_filters
from django.core.exceptions import ValidationError
from rest_framework import mixins, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from core.api.base import TenantScopedViewSet
from core.api.fields import BaseModelSerializer, CustomerSafeMixin


class PartneringSerializer(CustomerSafeMixin, BaseModelSerializer):
    """Base of the model serializers here. ``create_only`` fields are set once, on create."""

    create_only: ClassVar[tuple[str, ...]] = ()


class ServiceViewSet(TenantScopedViewSet):
    """Writes through services; ``create_only`` fields of the serializer cannot change on update."""

    def _reread(self, obj: Any) -> Any:
        return self.get_queryset().get(pk=obj.pk)

    def service_create(self, request: Request, *_args: Any, **_kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        obj = self.perform_service_create(dict(serializer.validated_data))
        return Response(self.get_serializer(self._reread(obj)).data, status=status.HTTP_201_CREATED)

    def service_update(self, request: Request, *_args: Any, **kwargs: Any) -> Response:
        partial = kwargs.pop("partial", False)
        instance = self.get_object()
        serializer = self.get_serializer(instance, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        for name in getattr(serializer, "create_only", ()):
            if name in data:
                if data[name] != getattr(instance, name):
                    raise ValidationError({name: "This is set when the record is created and cannot be changed."})
                del data[name]
        obj = self.perform_service_update(instance, data)
        return Response(self.get_serializer(self._reread(obj)).data)

    def service_partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        kwargs["partial"] = True
        return self.service_update(request, *args, **kwargs)

    def service_destroy(self, request: Request, *_args: Any, **_kwargs: Any) -> Response:
        self.perform_service_destroy(self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    def perform_service_create(self, data: dict[str, Any]) -> Any:
        raise NotImplementedError

    def perform_service_update(self, obj: Any, data: dict[str, Any]) -> Any:
        raise NotImplementedError

    def perform_service_destroy(self, obj: Any) -> None:
        raise NotImplementedError

    def paginated(self, queryset: Any, serializer_class: type[BaseSerializer]) -> Response:
        page = self.paginate_queryset(queryset)
        serializer = serializer_class(page, many=True, context=self.get_serializer_context())
        return self.get_paginated_response(serializer.data)


class CrudViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    ServiceViewSet,
):
    """List, retrieve, create, update (PUT/PATCH) and delete; the write methods are ours above."""

    create = ServiceViewSet.service_create
    update = ServiceViewSet.service_update
    partial_update = ServiceViewSet.service_partial_update
    destroy = ServiceViewSet.service_destroy


def crud_permissions(view: str, manage: str) -> dict[str, str]:
    """``action_permissions`` of a CRUD viewset: ``view`` to read, ``manage`` to write."""
    return {
        "list": view,
        "retrieve": view,
        "create": manage,
        "update": manage,
        "partial_update": manage,
        "destroy": manage,
    }


class RelationshipChildFilter(django_filters.FilterSet):
    """``?relationship=<id>``: the rows of one relationship."""

    relationship = django_filters.UUIDFilter(field_name="relationship_id")
