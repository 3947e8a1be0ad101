"""Reference data: the province, its communes (official list) and the organisations of each level.

Idempotent: every row is found by its stable code and only updated when it differs.
"""

from django.conf import settings
from vietnam_provinces import Province, VietNamDivisionType, Ward

from .models import AdministrativeUnit, Level, OrganizationKind, UnitKind
from .services import organization_upsert, unit_upsert

K = OrganizationKind

WARD_KINDS = {
    VietNamDivisionType.XA: UnitKind.COMMUNE,
    VietNamDivisionType.PHUONG: UnitKind.WARD,
    VietNamDivisionType.DAC_KHU: UnitKind.SPECIAL_ZONE,
}

# Mass associations the Party and State assign tasks to (configurable in the admin afterwards).
PROVINCE_MASS_ASSOCIATIONS = [
    ("hoi-chu-thap-do", "Hội Chữ thập đỏ tỉnh"),
    ("hoi-nguoi-cao-tuoi", "Hội Người cao tuổi tỉnh"),
    ("hoi-khuyen-hoc", "Hội Khuyến học tỉnh"),
    ("hoi-luat-gia", "Hội Luật gia tỉnh"),
    ("hoi-nha-bao", "Hội Nhà báo tỉnh"),
    ("lien-hiep-cac-hoi-khkt", "Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh"),
]

# Provincial departments and bodies that answer items. The first ones are named in the resolution.
PROVINCE_DEPARTMENTS = [
    ("so-nong-nghiep-va-moi-truong", "Sở Nông nghiệp và Môi trường", K.DEPARTMENT),
    ("so-khoa-hoc-va-cong-nghe", "Sở Khoa học và Công nghệ", K.DEPARTMENT),
    ("so-tai-chinh", "Sở Tài chính", K.DEPARTMENT),
    ("so-xay-dung", "Sở Xây dựng", K.DEPARTMENT),
    ("so-noi-vu", "Sở Nội vụ", K.DEPARTMENT),
    ("so-tu-phap", "Sở Tư pháp", K.DEPARTMENT),
    ("so-cong-thuong", "Sở Công Thương", K.DEPARTMENT),
    ("so-y-te", "Sở Y tế", K.DEPARTMENT),
    ("so-giao-duc-va-dao-tao", "Sở Giáo dục và Đào tạo", K.DEPARTMENT),
    ("so-van-hoa-the-thao-va-du-lich", "Sở Văn hóa, Thể thao và Du lịch", K.DEPARTMENT),
    ("so-dan-toc-va-ton-giao", "Sở Dân tộc và Tôn giáo", K.DEPARTMENT),
    ("thanh-tra-tinh", "Thanh tra tỉnh", K.DEPARTMENT),
    ("van-phong-ubnd-tinh", "Văn phòng UBND tỉnh", K.DEPARTMENT),
    ("viettel", "Viettel {province}", K.UTILITY),
    ("vnpt", "VNPT {province}", K.UTILITY),
    ("dien-luc", "Công ty Điện lực {province}", K.UTILITY),
]

# Central-sector and armed-force bodies in the province: they receive citizens' matters too, are not
# departments of the People's Committee (no parent), and A4 counts them among "cơ quan, đơn vị".
PROVINCE_SECTOR_BODIES = [
    ("cong-an-tinh", "Công an tỉnh"),
    ("bo-chi-huy-quan-su-tinh", "Bộ Chỉ huy Quân sự tỉnh"),
    ("bo-chi-huy-bien-phong-tinh", "Bộ Chỉ huy Bộ đội Biên phòng tỉnh"),
    ("toa-an-nhan-dan-tinh", "Tòa án nhân dân tỉnh"),
    ("vien-kiem-sat-nhan-dan-tinh", "Viện kiểm sát nhân dân tỉnh"),
    ("bao-hiem-xa-hoi-tinh", "Bảo hiểm xã hội tỉnh"),
    ("ngan-hang-chinh-sach-xa-hoi", "Ngân hàng Chính sách xã hội chi nhánh tỉnh"),
]

# The working departments of the provincial Front committee (the agency of the Front committee after the
# 2025 reorganisation: its Office and Ban-level units). Admin-editable afterwards.
PROVINCE_FRONT_DEPARTMENTS = [
    ("van-phong", "Văn phòng Ủy ban MTTQ Việt Nam tỉnh"),
    ("ban-dan-chu-phap-luat", "Ban Dân chủ - Pháp luật"),
    ("ban-tuyen-giao-doi-ngoai", "Ban Tuyên giáo và Đối ngoại"),
    ("ban-phong-trao", "Ban Phong trào"),
    ("ban-to-chuc-kiem-tra", "Ban Tổ chức - Kiểm tra"),
    ("ban-cong-tac-doan-the", "Ban Công tác đoàn thể"),
]

# Party bodies named in the resolution's "Tổ chức thực hiện".
PROVINCE_PARTY_BODIES = [
    ("ban-to-chuc-tinh-uy", "Ban Tổ chức Tỉnh ủy"),
    ("dang-uy-ubnd-tinh", "Đảng ủy UBND tỉnh"),
    ("dang-uy-mttq-tinh", "Đảng ủy Mặt trận Tổ quốc Việt Nam tỉnh"),
    ("dang-uy-cac-co-quan-dang-tinh", "Đảng ủy các cơ quan Đảng tỉnh"),
    ("dang-uy-hdnd-tinh", "Đảng ủy HĐND tỉnh"),
]


# Communes of each province flagged remote (vùng sâu, vùng xa: Law on Complaints 2011 Art. 28 gives 45/60
# days there), with the document that lists them. Điện Biên (11): the communes of zone III ("khu vực III",
# communes with a high share of especially difficult villages) for 2026-2030 in the provincial People's
# Committee's Decision No. 46/QĐ-UBND approving the zones I-III of the ethnic-minority and mountain areas:
# zone I = the wards Điện Biên Phủ and Mường Thanh; zone II = Thanh Nưa, Thanh An, Tuần Giáo, Mường Phăng,
# Mường Lay; zone III = the other 38. Read from the province's announcement, not from the signed text: to be
# confirmed against the decision (ADR 0142). Seeded only where no source was recorded yet.
_DIEN_BIEN_ZONE_III = [
    3158,
    3160,
    3162,
    3163,
    3164,
    3166,
    3169,
    3172,
    3175,
    3176,
    3181,
    3193,
    3194,
    3199,
    3202,
    3203,
    3208,
    3214,
    3217,
    3220,
    3226,
    3241,
    3244,
    3256,
    3260,
    3268,
    3283,
    3295,
    3301,
    3313,
    3316,
    3349,
    3356,
    3358,
    3368,
    3370,
    3382,
    3385,
]
REMOTE_AREA_LISTS: dict[int, tuple[str, frozenset[int]]] = {
    11: (
        "Quyết định số 46/QĐ-UBND của UBND tỉnh Điện Biên (xã khu vực III giai đoạn 2026-2030) — cần xác nhận",
        frozenset(_DIEN_BIEN_ZONE_III),
    ),
}


def seed_remote_areas(*, province_unit: AdministrativeUnit, stdout) -> None:
    listed = REMOTE_AREA_LISTS.get(province_unit.code)
    if listed is None:
        stdout.write("  no remote-area list for this province: flag the communes in the admin")
        return
    source, codes = listed
    changed = AdministrativeUnit.objects.filter(parent=province_unit, code__in=codes, remote_area_source="").update(
        is_remote_area=True, remote_area_source=source
    )
    stdout.write(f"  {len(codes)} communes listed as remote areas ({changed} flagged now)")


def _lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


class UnknownProvinceError(ValueError):
    pass


def seed_places(*, province_code: int, stdout) -> AdministrativeUnit:
    try:
        province = Province.from_code(province_code)
    except (ValueError, KeyError) as exc:
        valid = ", ".join(str(int(p.code)) for p in Province.iter_all())
        raise UnknownProvinceError(
            f"PORTAL_PROVINCE_CODE={province_code} is not a Vietnamese province code. Valid codes: {valid}."
        ) from exc
    is_city = province.division_type == VietNamDivisionType.THANH_PHO_TRUNG_UONG
    prefix = "Thành phố" if is_city else "Tỉnh"
    bare_name = province.name.removeprefix("Thành phố ").removeprefix("Tỉnh ")
    unit, _created = unit_upsert(
        code=int(province.code),
        name=f"{prefix} {bare_name}",
        kind=UnitKind.CITY if is_city else UnitKind.PROVINCE,
        parent=None,
    )
    wards = sorted(Ward.iter_by_province(province.code), key=lambda w: int(w.code))
    new = 0
    for ward in wards:
        _commune, was_created = unit_upsert(
            code=int(ward.code), name=ward.name, kind=WARD_KINDS[ward.division_type], parent=unit
        )
        new += was_created
    stdout.write(f"  {unit.name}: {len(wards)} communes and wards ({new} new)")
    return unit


def seed_organizations(*, province_unit: AdministrativeUnit, stdout) -> None:
    province_name = province_unit.name.removeprefix("Thành phố ").removeprefix("Tỉnh ")
    level_name = _lower_first(province_unit.name)
    p = province_unit.code
    count = new = 0

    def upsert(code, name, kind, level, unit, parent=None, short_name=""):
        nonlocal count, new
        org, created = organization_upsert(
            code=code, name=name, kind=kind, level=level, unit=unit, parent=parent, short_name=short_name
        )
        count += 1
        new += created
        return org

    pl = Level.PROVINCE
    front = upsert(
        f"{p}-front", f"Ủy ban MTTQ Việt Nam {level_name}", K.FRONT_COMMITTEE, pl, province_unit, short_name="MTTQ tỉnh"
    )
    upsert(
        f"{p}-front-standing",
        f"Ban Thường trực Ủy ban MTTQ Việt Nam {level_name}",
        K.FRONT_STANDING_BOARD,
        pl,
        province_unit,
        parent=front,
    )
    for code, name, kind in [
        ("lien-doan-lao-dong", "Liên đoàn Lao động", K.TRADE_UNION),
        ("hoi-nong-dan", "Hội Nông dân", K.FARMERS_UNION),
        ("tinh-doan", "Tỉnh Đoàn", K.YOUTH_UNION),
        ("hoi-lhpn", "Hội Liên hiệp Phụ nữ", K.WOMENS_UNION),
        ("hoi-ccb", "Hội Cựu chiến binh", K.VETERANS),
    ]:
        full = f"{name} {province_name}" if code == "tinh-doan" else f"{name} {level_name}"
        upsert(f"{p}-{code}", full, kind, pl, province_unit, parent=front)
    for code, name in PROVINCE_MASS_ASSOCIATIONS:
        upsert(f"{p}-{code}", name, K.MASS_ASSOCIATION, pl, province_unit, parent=front)
    party = upsert(f"{p}-party", f"Tỉnh ủy {province_name}", K.PARTY_COMMITTEE, pl, province_unit)
    upsert(
        f"{p}-propaganda", "Ban Tuyên giáo và Dân vận Tỉnh ủy", K.PROPAGANDA_COMMISSION, pl, province_unit, parent=party
    )
    for code, name in PROVINCE_PARTY_BODIES:
        upsert(f"{p}-{code}", name, K.PARTY_COMMITTEE, pl, province_unit, parent=party)
    upsert(f"{p}-hdnd", f"Hội đồng nhân dân {level_name}", K.PEOPLES_COUNCIL, pl, province_unit, short_name="HĐND tỉnh")
    ubnd = upsert(
        f"{p}-ubnd", f"Ủy ban nhân dân {level_name}", K.PEOPLES_COMMITTEE, pl, province_unit, short_name="UBND tỉnh"
    )
    upsert(f"{p}-doan-dbqh", f"Đoàn Đại biểu Quốc hội {level_name}", K.NA_DELEGATION, pl, province_unit)
    for code, name, kind in PROVINCE_DEPARTMENTS:
        upsert(f"{p}-{code}", name.format(province=province_name), kind, pl, province_unit, parent=ubnd)
    for code, name in PROVINCE_SECTOR_BODIES:
        upsert(f"{p}-{code}", name, K.SECTOR_BODY, pl, province_unit)
    for code, name in PROVINCE_FRONT_DEPARTMENTS:
        full = name if name.startswith("Văn phòng") else f"{name}, Ủy ban MTTQ Việt Nam {level_name}"
        upsert(f"{p}-front-{code}", full, K.FRONT_DEPARTMENT, pl, province_unit, parent=front)

    cl = Level.COMMUNE
    for commune in AdministrativeUnit.objects.filter(parent=province_unit).order_by("code"):
        c = commune.code
        place = _lower_first(commune.name)
        cfront = upsert(f"{c}-front", f"Ủy ban MTTQ Việt Nam {place}", K.FRONT_COMMITTEE, cl, commune, parent=front)
        upsert(f"{c}-ubnd", f"Ủy ban nhân dân {place}", K.PEOPLES_COMMITTEE, cl, commune, parent=ubnd)
        upsert(f"{c}-hdnd", f"Hội đồng nhân dân {place}", K.PEOPLES_COUNCIL, cl, commune)
        upsert(f"{c}-party", f"Đảng ủy {place}", K.PARTY_COMMITTEE, cl, commune, parent=party)
        upsert(f"{c}-ttnd", f"Ban Thanh tra nhân dân {place}", K.PEOPLES_INSPECTION_BOARD, cl, commune, parent=cfront)
        upsert(
            f"{c}-gsdtcd",
            f"Ban Giám sát đầu tư của cộng đồng {place}",
            K.COMMUNITY_INVESTMENT_BOARD,
            cl,
            commune,
            parent=cfront,
        )
    stdout.write(f"  {count} organisations ({new} new)")


def seed_reference_data(*, stdout) -> None:
    """The organizations app's part of ``manage.py seed_reference_data``."""
    stdout.write("Places (official list of administrative units)…")
    province_unit = seed_places(province_code=settings.PORTAL_PROVINCE_CODE, stdout=stdout)
    seed_remote_areas(province_unit=province_unit, stdout=stdout)
    stdout.write("Organisations…")
    seed_organizations(province_unit=province_unit, stdout=stdout)
