"""Reference data of the targets app: the 11 targets, their indicators and the periods 2026-2030.

Idempotent: rows are found by code and updated only when they differ.
"""

from .models import Indicator, Target
from .periods import CUMULATIVE_CODE, FIRST_YEAR, LAST_YEAR, period_ensure, year_and_parts
from .reference import INDICATORS, TARGETS
from .resolution_texts import TARGET_TEXTS


def _upsert(model, *, lookup: dict, values: dict) -> tuple[object, bool]:
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values), True
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save(update_fields=changed)
    return obj, False


def seed_reference_data(*, stdout) -> None:
    new_targets = new_indicators = 0
    for order, spec in enumerate(TARGETS, start=1):
        target, created = _upsert(
            Target,
            lookup={"code": spec.code},
            values={
                "horizon": spec.horizon,
                "number": spec.number,
                "text_vi": TARGET_TEXTS[spec.code],
                "summary_vi": spec.summary_vi,
                "summary_en": spec.summary_en,
                "order": order,
            },
        )
        new_targets += created
        headline = next((ind.code for ind in INDICATORS[spec.code] if ind.is_headline), None)
        Indicator.objects.filter(target=target, is_headline=True).exclude(code=headline).update(is_headline=False)
        for position, ind in enumerate(INDICATORS[spec.code], start=1):
            _obj, created = _upsert(
                Indicator,
                lookup={"code": ind.code},
                values={
                    "target": target,
                    "name_vi": ind.name_vi,
                    "name_en": ind.name_en,
                    "numerator_vi": ind.numerator_vi,
                    "numerator_en": ind.numerator_en,
                    "denominator_vi": ind.denominator_vi,
                    "denominator_en": ind.denominator_en,
                    "unit": ind.unit,
                    "comparator": ind.comparator,
                    "threshold": ind.threshold,
                    "scope": ind.scope,
                    "organization_kinds": [str(kind) for kind in ind.organization_kinds],
                    "period_kind": ind.period_kind,
                    "source": ind.source,
                    "is_headline": ind.is_headline,
                    "role": ind.role,
                    "order": position,
                },
            )
            new_indicators += created
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        for code in year_and_parts(year):
            period_ensure(code)
    period_ensure(CUMULATIVE_CODE)
    stdout.write(
        f"  targets: {len(TARGETS)} targets ({new_targets} new), "
        f"{sum(len(v) for v in INDICATORS.values())} indicators ({new_indicators} new)"
    )
