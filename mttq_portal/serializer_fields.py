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

import re
from typing import Any

from django.core import validators as django_validators
from rest_framework import fields as drf_fields
from rest_framework import serializers as drf_serializers
from rest_framework import validators as drf_validators
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


# ---- the plain body's shortcut (ADR 0183) -------------------------------------------------------------------

# The validators DRF gives these fields from their own arguments; ``plain_validated_data`` applies them itself.
_OWN_VALIDATORS = (
    django_validators.MaxLengthValidator,
    django_validators.MinLengthValidator,
    django_validators.MaxValueValidator,
    django_validators.MinValueValidator,
    django_validators.ProhibitNullCharactersValidator,
    drf_validators.ProhibitSurrogateCharactersValidator,
)
# What CharField's own validators refuse: NUL and the surrogate halves.
_REFUSED_CHARACTERS = re.compile("[\x00\ud800-\udfff]")
# Beyond a bigint no id exists; such a number is left to the serializer (and the service) to refuse.
_BIGINT = 2**63 - 1
# What ``_plain_value`` answers for a value the serializer must read itself.
_NOT_PLAIN = object()


def _plain_value(field: drf_fields.Field, value: Any) -> Any:  # type: ignore[type-arg]
    """``value`` as ``field`` would validate it, or ``_NOT_PLAIN`` where it would refuse it or convert it."""
    if value is None:
        return None if field.allow_null else _NOT_PLAIN
    kind = type(field)
    if kind is drf_fields.BooleanField:
        return value if type(value) is bool else _NOT_PLAIN
    if kind is drf_fields.IntegerField:
        if type(value) is not int or not -_BIGINT <= value <= _BIGINT:
            return _NOT_PLAIN
        if (field.min_value is not None and value < field.min_value) or (
            field.max_value is not None and value > field.max_value
        ):
            return _NOT_PLAIN
        return value
    if kind is drf_fields.ChoiceField:
        return value if type(value) is str and value in field.choices else _NOT_PLAIN
    if kind is drf_fields.CharField:
        if type(value) is not str:
            return _NOT_PLAIN
        text = value.strip() if field.trim_whitespace else value
        if not text:
            return "" if field.allow_blank else _NOT_PLAIN
        if (field.max_length is not None and len(text) > field.max_length) or (
            field.min_length is not None and len(text) < field.min_length
        ):
            return _NOT_PLAIN
        return _NOT_PLAIN if _REFUSED_CHARACTERS.search(text) else text
    return _NOT_PLAIN  # decimals, files, lists: the serializer reads them


def _plain_fields(serializer_class: type) -> dict[str, drf_fields.Field] | None:  # type: ignore[type-arg]
    """The serializer's fields, if nothing but the fields' own arguments decides its validation."""
    cached = serializer_class.__dict__.get("_plain_fields")
    if cached is not None:
        return cached or None
    fields = serializer_class().fields
    has_own_rules = serializer_class.validate is not drf_serializers.Serializer.validate or any(
        callable(getattr(serializer_class, f"validate_{name}", None)) for name in fields
    )
    own_validators_only = all(
        isinstance(v, _OWN_VALIDATORS) for field in fields.values() for v in field.validators
    ) and not any(field.read_only or field.source != name for name, field in fields.items())
    plain = dict(fields) if own_validators_only and not has_own_rules else {}
    serializer_class._plain_fields = plain
    return plain or None


def plain_validated_data(serializer_class: type, data: Any) -> dict[str, Any] | None:
    """What ``serializer_class(data=data)`` would hold in ``validated_data``, for a JSON object whose every value
    has the one JSON type its field takes unchanged (a string for text, a whole number for an id, true or
    false); None for anything else (an unknown key, a missing required field, a number sent as text, a
    decimal, a value the field would refuse): that body goes through the serializer, whose answer (and
    error messages) it gets. The answer equals the serializer's wherever it is not None
    (tests/test_plain_validated_data.py compares them on generated bodies)."""
    if type(data) is not dict:
        return None
    fields = _plain_fields(serializer_class)
    if fields is None or not data.keys() <= fields.keys():
        return None
    validated: dict[str, Any] = {}
    for name, field in fields.items():
        if name not in data:
            if field.required:
                return None
            if field.default is not drf_fields.empty:
                if callable(field.default):
                    return None
                validated[name] = field.default
            continue
        value = _plain_value(field, data[name])
        if value is _NOT_PLAIN:
            return None
        validated[name] = value
    return validated
