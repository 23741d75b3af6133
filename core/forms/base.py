"""Form plumbing every app shares: service errors on a form, date widgets, member choices.

Forms only parse and offer choices scoped to the active tenant; writes and business rules live in
the services, whose ``ValidationError`` is copied onto the form by ``apply_service_errors``.
"""

from __future__ import annotations

from typing import Any, Literal

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet


def apply_service_errors(
    form: forms.BaseForm, error: ValidationError, *, field_map: dict[str, str] | None = None
) -> None:
    """Show a service's ``ValidationError`` on the form: per field where the form has that field,
    else on top of the form prefixed with the field's name (so "Due on: …" still says what is wrong).

    The one helper pages and the program-office admin use, so a rule refused by a service reads
    the same everywhere. ``field_map`` renames a model field to the form field that edits it
    (e.g. ``{"scorecard": "metric_key"}`` where one picker sets both).
    """
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, messages in error.message_dict.items():
        field = (field_map or {}).get(name, name)
        if field in form.fields:
            form.add_error(field, messages)
        elif field == "__all__":
            form.add_error(None, messages)
        else:
            form.add_error(None, [f"{field.replace('_', ' ').capitalize()}: {m}" for m in messages])


class DateInput(forms.DateInput):
    """The browser's own date picker (works on phones); ISO format so the picker shows the value."""

    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("format", "%Y-%m-%d")
        super().__init__(**kwargs)


class DateTimeLocalInput(forms.DateTimeInput):
    """The browser's own date-and-time picker (works on phones)."""

    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("format", "%Y-%m-%dT%H:%M")
        super().__init__(**kwargs)


MemberLabel = Literal["role_account", "role", "side", "name"]


class MemberChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A person of this workspace. ``show`` picks the label:

    * ``role_account`` (default): "Ana Lopez · Customer participant · Northfield Paper Mill";
    * ``role``: "Dana Brooks (Coach (Black Belt))";
    * ``side``: "Ana Lopez (Northfield Paper Mill)" or "Dana Brooks (our company)";
    * ``name``: "Dana Brooks".
    """

    def __init__(self, *args: Any, show: MemberLabel = "role_account", **kwargs: Any) -> None:
        self.show = show
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        name = str(obj.user.display_name)
        if self.show == "name":
            return name
        if self.show == "role":
            return f"{name} ({obj.get_role_display()})"
        if self.show == "side":
            side = obj.customer_account.name if obj.is_customer and obj.customer_account else "our company"
            return f"{name} ({side})"
        label = f"{name} · {obj.get_role_display()}"
        if obj.customer_account_id is not None:
            label += f" · {obj.customer_account.name}"
        return label


def set_queryset(form: forms.BaseForm, name: str, queryset: QuerySet[Any]) -> None:
    """Scope a choice field to the active tenant's rows (the field is declared with ``none()``)."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


def model_field(model: type[Model], name: str, **kwargs: Any) -> Any:
    """The model's own form field (max length, choices, help text) so forms and models agree."""
    return model._meta.get_field(name).formfield(**kwargs)
