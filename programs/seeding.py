"""Reference data of the programs app: the 13 annex rows verbatim, their milestones and yearly quantities.

Idempotent: programmes are found by number, sub-rows by position, milestones by key, quantities by code;
a row is written only when it differs. Done dates and evidence of milestones are never touched.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from mttq_portal.text import fold_vietnamese
from organizations.models import Organization

from .annex import LINES
from .milestone_dates import parse_completion
from .models import (
    ActivityKind,
    Milestone,
    Programme,
    ProgrammeQuantity,
    ProgrammeSubRow,
    QuantityMeasure,
    QuantityUnit,
)

CELLS = ("main_activities", "lead_text", "coordinating_text", "outputs", "rhythm", "completion_text")

# The organisations the annex names, by the code suffix the organizations seed gives them ("{province}-front").
# Bodies named generically ("Các cấp ủy đảng", "UBND cấp xã", "các cơ quan báo chí") stay as text only.
_SOCIO_POLITICAL = ["lien-doan-lao-dong", "hoi-nong-dan", "tinh-doan", "hoi-lhpn", "hoi-ccb"]
ORGANIZATION_LINKS: dict[int, tuple[list[str], list[str]]] = {
    1: (["party"], ["ubnd", "hdnd", "front", *_SOCIO_POLITICAL]),
    2: (["party", "ubnd"], ["front", *_SOCIO_POLITICAL]),
    3: (["front", *_SOCIO_POLITICAL], []),
    4: (["front", *_SOCIO_POLITICAL], ["hdnd", "ubnd"]),
    5: (["ubnd"], ["hdnd", "front", *_SOCIO_POLITICAL]),
    6: (["propaganda"], []),
    7: (["front", *_SOCIO_POLITICAL], [*_SOCIO_POLITICAL, "so-nong-nghiep-va-moi-truong"]),
    8: (["front"], []),
    9: (["front"], []),
    10: ([], ["ubnd"]),
    11: (["dang-uy-ubnd-tinh", "front"], []),
    12: (["front", *_SOCIO_POLITICAL], ["ban-to-chuc-tinh-uy", "ubnd"]),
    13: (["front"], ["so-khoa-hoc-va-cong-nghe", "viettel", "vnpt"]),
}


@dataclass(frozen=True)
class QuantitySpec:
    programme: int
    code: str
    label: str
    measure: str
    unit: str
    per_year_min: int
    per_year_max: int | None = None
    activity_kind: str = ""
    per_organization: bool = False
    reading: str = ""


QUANTITIES = [
    QuantitySpec(
        4, "p4-listening-months", "Tổ chức 02 lần “Tháng nghe dân nói”", QuantityMeasure.CAMPAIGNS,
        QuantityUnit.COUNT, 2, per_organization=True,
        reading="Đọc là 02 lần mỗi năm, cho mỗi Ủy ban MTTQ (cột nhịp độ của dòng 4: “Hằng năm”)",
    ),
    QuantitySpec(
        5, "p5-inter-agency-conferences", "tổ chức 02 hội nghị liên ngành", QuantityMeasure.ACTIVITIES,
        QuantityUnit.COUNT, 2, activity_kind=ActivityKind.INTER_AGENCY_CONFERENCE,
        reading="Đọc là 02 hội nghị liên ngành mỗi năm, toàn tỉnh (cột nhịp độ của dòng 5: “Hàng năm”)",
    ),
    QuantitySpec(
        9, "p9-propaganda-sessions", "Tổ chức 45-90 buổi tuyên truyền", QuantityMeasure.SESSIONS,
        QuantityUnit.COUNT, 45, 90, activity_kind=ActivityKind.PROPAGANDA_SESSION,
    ),
    QuantitySpec(
        9, "p9-complex-cases", "100% vụ việc phức tạp được nắm bắt, xử lý kịp thời từ cơ sở",
        QuantityMeasure.COMPLEX_PROMPT, QuantityUnit.PERCENT, 100,
    ),
    QuantitySpec(
        9, "p9-ethnic-religious-areas-registered",
        "bảo đảm 100% khu dân cư vùng dân tộc, tôn giáo đăng ký thực hiện cuộc vận động",
        QuantityMeasure.ETHNIC_AREA_COVERAGE, QuantityUnit.PERCENT, 100,
        activity_kind=ActivityKind.CAMPAIGN_REGISTRATION,
        reading="Mẫu số: các khu dân cư được đánh dấu vùng dân tộc, tôn giáo; tử số: khu dân cư có hoạt động đăng ký "
        "trong năm",
    ),
    QuantitySpec(
        10, "p10-great-unity-festival", "100% khu dân cư tổ chức Ngày hội", QuantityMeasure.AREA_COVERAGE,
        QuantityUnit.PERCENT, 100, activity_kind=ActivityKind.GREAT_UNITY_FESTIVAL,
        reading="Mẫu số: các khu dân cư đang hoạt động của tỉnh; tử số: khu dân cư có Ngày hội trong năm",
    ),
]  # fmt: skip


def annex_rows() -> list[tuple[tuple[str, ...], list[tuple[str, ...]]]]:
    """The annex lines grouped into numbered rows and their continuation lines."""
    rows: list[tuple[tuple[str, ...], list[tuple[str, ...]]]] = []
    for line in LINES:
        if line[0]:
            rows.append((line, []))
        else:
            rows[-1][1].append(line)
    return rows


def _update(obj, values: dict) -> bool:
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    if changed:
        obj.save(update_fields=changed)
    return bool(changed)


def _seed_milestones(programme: Programme, completion_text: str, sub_row: ProgrammeSubRow | None) -> int:
    prefix = f"r{sub_row.position}-" if sub_row else ""
    created = 0
    for parsed in parse_completion(completion_text):
        milestone, was_created = Milestone.objects.get_or_create(
            programme=programme,
            key=f"{prefix}{parsed.key}",
            defaults={"sub_row": sub_row, "kind": parsed.kind, "label": parsed.label, "due_date": parsed.due_date},
        )
        if not was_created:
            _update(milestone, {"kind": parsed.kind, "label": parsed.label, "due_date": parsed.due_date})
        created += was_created
    return created


def _link_organizations(programme: Programme, by_code: dict[str, Organization]) -> None:
    lead, coordinating = ORGANIZATION_LINKS.get(programme.number, ([], []))
    prefix = f"{settings.PORTAL_PROVINCE_CODE}-"
    programme.lead_organizations.add(*[by_code[prefix + c] for c in lead if prefix + c in by_code])
    programme.coordinating_organizations.add(*[by_code[prefix + c] for c in coordinating if prefix + c in by_code])


@transaction.atomic
def seed_programmes(*, stdout) -> None:
    by_code = {org.code: org for org in Organization.objects.filter(unit__parent__isnull=True)}
    new_programmes = new_milestones = 0
    programmes: dict[int, Programme] = {}
    for first, continuations in annex_rows():
        number, title = int(first[0]), first[1]
        values = dict(zip(CELLS, first[2:], strict=True))
        programme, created = Programme.objects.get_or_create(
            number=number, defaults={"title": title, "title_folded": fold_vietnamese(title), **values}
        )
        if not created:
            _update(programme, {"title": title, "title_folded": fold_vietnamese(title), **values})
        new_programmes += created
        programmes[number] = programme
        _link_organizations(programme, by_code)
        new_milestones += _seed_milestones(programme, programme.completion_text, None)
        for position, line in enumerate(continuations, start=2):
            values = dict(zip(CELLS, line[2:], strict=True))
            sub_row, sub_created = ProgrammeSubRow.objects.get_or_create(
                programme=programme, position=position, defaults=values
            )
            if not sub_created:
                _update(sub_row, values)
            new_milestones += _seed_milestones(programme, sub_row.completion_text, sub_row)
    for spec in QUANTITIES:
        values = {
            "programme": programmes[spec.programme],
            "label": spec.label,
            "measure": spec.measure,
            "unit": spec.unit,
            "per_year_min": spec.per_year_min,
            "per_year_max": spec.per_year_max,
            "activity_kind": spec.activity_kind,
            "per_organization": spec.per_organization,
            "reading": spec.reading,
        }
        quantity, created = ProgrammeQuantity.objects.get_or_create(code=spec.code, defaults=values)
        if not created:
            _update(quantity, values)
    stdout.write(
        f"  {len(programmes)} programmes ({new_programmes} new), "
        f"{Milestone.objects.count()} milestones ({new_milestones} new), {len(QUANTITIES)} quantities"
    )


def seed_reference_data(*, stdout) -> None:
    stdout.write("Programmes of the resolution's annex…")
    seed_programmes(stdout=stdout)
