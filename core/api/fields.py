"""Serializer plumbing every app's API shares.

* ``ScopedPrimaryKeyRelatedField`` — an id in a request body is looked up only among the rows the
  caller may see in this tenant, so a foreign id is an ordinary "does not exist" 400;
* ``CustomerSafeMixin`` — removes ``internal_notes`` (and ``internal_only``) for customer
  participants, from the output and from what they may send;
* ``EnumChoiceField`` / ``inline_choice`` — choice fields documented as one named enum per
  ``TextChoices`` class, or as an inline enum, so fields named alike never collide in the schema;
* ``BaseModelSerializer`` — a model serializer using the first two for every relation and choice.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, cast

from django.db.models import Choices
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent, build_choice_description_list, build_choice_field
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core import quarters
from core.models import Membership

#: Fields customer participants never see (nor may set).
INTERNAL_FIELDS = ("internal_notes", "internal_only")


def membership_of(context: Mapping[str, Any]) -> Membership | None:
    request = context.get("request")
    return getattr(request, "membership", None)


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """An id in a request body, looked up only among the rows the caller may see in this tenant.

    The default manager already limits to the active tenant; ``visible_to`` adds the customer
    account scope, so a customer cannot point at rows of another account either.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("pk_field", serializers.UUIDField(format="hex_verbose"))
        super().__init__(**kwargs)

    def get_queryset(self) -> Any:
        queryset: Any = super().get_queryset()
        membership = membership_of(self.context)
        return queryset.visible_to(membership) if membership is not None else queryset.none()


#: ``TextChoices`` classes documented as one named enum each; apps add theirs with ``name_choices``.
NAMED_CHOICES: list[type[Choices]] = []


def name_choices(*classes: type[Choices]) -> None:
    """Document these choice sets as named enums (``ActionStatusEnum``) wherever ``EnumChoiceField`` uses them."""
    NAMED_CHOICES.extend(c for c in classes if c not in NAMED_CHOICES)


class EnumChoiceField(serializers.ChoiceField):
    """A choice field documented as one named enum per ``TextChoices`` class (``ActionStatusEnum``).

    Without it drf-spectacular names enums after field names, and several ``status`` fields with
    different choices collide.
    """


class EnumChoiceFieldExtension(OpenApiSerializerFieldExtension):
    target_class = EnumChoiceField

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> Any:
        field = self.target
        values = [value for value in field.choices if value not in ("", None)]
        named = next((c for c in NAMED_CHOICES if list(c.values) == values), None)
        if named is None:
            return build_choice_field(field)
        component = ResolvedComponent(
            name=f"{named.__name__}Enum",
            type=ResolvedComponent.SCHEMA,
            schema={"type": "string", "enum": values, "description": build_choice_description_list(named.choices)},
            object=named,
        )
        auto_schema.registry.register_on_missing(component)
        if not field.allow_blank and not field.allow_null:
            return component.ref
        variants: list[dict[str, Any]] = [component.ref]
        if field.allow_blank:
            variants.append({"type": "string", "maxLength": 0})
        schema: dict[str, Any] = {"oneOf": variants}
        if field.allow_null:
            schema["nullable"] = True
        return schema


class CustomerSafeMixin:
    """Drops internal-only fields for customer participants: never in output, ignored on input."""

    internal_fields: ClassVar[tuple[str, ...]] = INTERNAL_FIELDS

    def get_fields(self) -> dict[str, serializers.Field]:
        fields: dict[str, serializers.Field] = super().get_fields()  # type: ignore[misc]
        membership = membership_of(self.context)  # type: ignore[attr-defined]
        if membership is not None and membership.is_customer:
            for name in self.internal_fields:
                fields.pop(name, None)
        return fields


class BaseModelSerializer(serializers.ModelSerializer[Any]):
    serializer_related_field = ScopedPrimaryKeyRelatedField
    serializer_choice_field = EnumChoiceField


def inline_choice(choices: list[tuple[str, str]], **kwargs: Any) -> serializers.ChoiceField:
    """A choice field documented with an inline enum (no shared component, so no name collisions)."""
    values = [value for value, _ in choices]
    # A fresh subclass per call: decorating ChoiceField itself would re-document every choice field.
    subclass = type("InlineChoiceField", (serializers.ChoiceField,), {})
    field_class = extend_schema_field({"type": "string", "enum": values})(subclass)
    return cast(serializers.ChoiceField, field_class(choices=choices, **kwargs))


class QuarterField(serializers.CharField):
    """A quarter written ``YYYYQn``."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 6)
        kwargs.setdefault("help_text", "A quarter, e.g. 2026Q3.")
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str:
        value = super().to_internal_value(data)
        try:
            quarters.parse(value)
        except Exception as error:  # django ValidationError → DRF's
            raise serializers.ValidationError(getattr(error, "messages", [str(error)])) from None
        return value
