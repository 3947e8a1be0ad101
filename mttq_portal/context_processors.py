from functools import lru_cache

from django.conf import settings
from vietnam_provinces import Province, VietNamDivisionType

from organizations.mfa import mfa_step_pending
from organizations.selectors import user_scope

from .navigation import nav_items_for


@lru_cache(maxsize=4)
def _province_label(code: int) -> str:
    try:
        province = Province.from_code(code)
    except (ValueError, KeyError):
        return ""
    prefix = "thành phố" if province.division_type == VietNamDivisionType.THANH_PHO_TRUNG_UONG else "tỉnh"
    return f"{prefix} {province.name}"


def portal(request):
    user = getattr(request, "user", None)
    # Until the second factor is passed the user reaches nothing of their role: no menu, no badge.
    pending = request.mfa_step_pending if hasattr(request, "mfa_step_pending") else mfa_step_pending(user=user)
    scope = user_scope(user=None if pending else user)
    province = _province_label(settings.PORTAL_PROVINCE_CODE)
    return {
        "portal_province": province,
        "portal_front_name": f"Ủy ban MTTQ Việt Nam {province}",
        "scope": scope,
        "nav_items": nav_items_for(scope),
        "map_config": _map_config(),
    }


def _map_config() -> dict:
    """What the map script needs (tile source, attribution, the province's box); rendered with json_script."""
    from organizations.geography import province_bbox

    box = province_bbox()
    return {
        "tileUrl": settings.MAP_TILE_URL,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
        "bounds": [[box.south, box.west], [box.north, box.east]] if box else None,
        "centre": list(box.centre) if box else [16.0, 106.0],
    }
