"""Serializers whose fields are built once per class instead of once per request (ADR 0174).

DRF deep-copies every declared field for each serializer instance, then binds the copies to it: for the
public submission's 22 input fields that is about three quarters of the validation's cost. The fields of a
serializer that only converts plain values keep no state between requests: what a field reads while it
validates or represents a value is its own configuration, never its parent's context. Such a serializer
builds and binds its fields on first use and shares them with every later instance, in every thread.

Only the field classes below are allowed (checked when the fields are first built, so a new field of
another class fails at once, in the tests, not under load), and no field may have a validator or a default
that asks for the serializer's context.
"""

from typing import Any

from rest_framework import fields as drf_fields
from rest_framework.utils.serializer_helpers import BindingDict

# Fields whose validation and representation read only their own arguments.
STATELESS_FIELDS: tuple[type, ...] = (
    drf_fields.BooleanField,
    drf_fields.CharField,
    drf_fields.ChoiceField,
    drf_fields.DateField,
    drf_fields.DateTimeField,
    drf_fields.DecimalField,
    drf_fields.FileField,
    drf_fields.IntegerField,
    drf_fields.ListField,
)


def _check(name: str, field: drf_fields.Field) -> None:  # type: ignore[type-arg]
    if not isinstance(field, STATELESS_FIELDS):
        raise TypeError(f"{name}: {type(field).__name__} may keep per-request state; declare it on a plain serializer")
    needs_context = [v for v in field.validators if getattr(v, "requires_context", False)]
    if needs_context or getattr(field.default, "requires_context", False):
        raise TypeError(f"{name}: a validator or default of this field reads the serializer's context")
    child = getattr(field, "child", None)
    if child is not None:
        _check(f"{name}.child", child)


class FrozenFieldsMixin:
    """Put it before ``serializers.Serializer``: ``class Input(FrozenFieldsMixin, serializers.Serializer)``.

    The shared fields are bound to an empty instance of the class, made for the purpose: never to the
    instance of a request, whose data (a citizen's name, a receipt's secret) would then stay in memory for
    the life of the process. ``partial`` is refused: the fields would read it from that empty instance."""

    _frozen_fields: BindingDict | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if kwargs.get("partial"):
            raise TypeError(f"{type(self).__name__} shares its fields between instances: partial is not supported")
        super().__init__(*args, **kwargs)

    @property
    def fields(self) -> Any:
        cls = type(self)
        frozen = cls.__dict__.get("_frozen_fields")
        if frozen is None:
            parent = cls()  # no instance, no data, no context
            frozen = BindingDict(parent)  # type: ignore[arg-type]
            for name, field in parent.get_fields().items():  # type: ignore[attr-defined]
                frozen[name] = field  # binds it (field_name, source, label) once, to the empty parent
                _check(f"{cls.__name__}.{name}", field)
            cls._frozen_fields = frozen
        return frozen
