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
# "x+" is the province's body and every commune's counterpart ("các cấp": "{commune}-x"); "x@xa" is every
# commune's body only ("UBND cấp xã", "phường, xã"); "@kind" is every provincial body of a kind ("các sở,
# ngành", "cơ quan, đơn vị"). Communes have no socio-political organisations of their own in the seed (they
# sit under the commune Front since 2025), so "các tổ chức chính trị - xã hội các cấp" links the province's.
# Named generically and not seeded: "các cơ quan báo chí" (row 4), "Công tác cứu trợ" (row 8, not a body),
# "Các cơ quan, đơn vị liên quan" (rows 11, 12): text only (ADR 0146).
_SOCIO_POLITICAL = ["lien-doan-lao-dong", "hoi-nong-dan", "tinh-doan", "hoi-lhpn", "hoi-ccb"]
_MEMBERS = [*_SOCIO_POLITICAL, "@mass_association"]
_GOVERNMENT_ALL = ["party+", "@party_committee", "@propaganda_commission", "hdnd+", "ubnd+", "@department",
                   "@sector_body"]  # fmt: skip
ORGANIZATION_LINKS: dict[int, tuple[list[str], list[str]]] = {
    1: (["party+"], ["ubnd+", "hdnd+", "front", *_SOCIO_POLITICAL]),
    2: (["party+", "hdnd+", "ubnd+"], ["front", *_SOCIO_POLITICAL]),
    3: (["front", *_SOCIO_POLITICAL], _MEMBERS),
    4: (["front", *_SOCIO_POLITICAL], ["hdnd", "ubnd", *_SOCIO_POLITICAL]),
    5: (["ubnd"], ["hdnd", "front", *_SOCIO_POLITICAL]),
    6: (["propaganda"], _GOVERNMENT_ALL),
    7: (["front", *_SOCIO_POLITICAL], [*_SOCIO_POLITICAL, "so-nong-nghiep-va-moi-truong", "ubnd@xa"]),
    8: (["front"], []),
    9: (["front"], ["@department", "ubnd@xa"]),
    10: ([], ["ubnd", "@department", "ubnd@xa"]),
    11: (["dang-uy-ubnd-tinh", "front"], []),
    12: (["front", *_SOCIO_POLITICAL], ["ban-to-chuc-tinh-uy", "ubnd"]),
    13: (["front"], ["so-khoa-hoc-va-cong-nghe", "viettel", "vnpt"]),
}
# Sub-rows (annex continuation lines) with their own cells: row 7's two further activity lines.
SUB_ROW_LINKS: dict[tuple[int, int], tuple[list[str], list[str]]] = {
    (7, 2): (["front", *_SOCIO_POLITICAL], ["so-nong-nghiep-va-moi-truong", "ubnd@xa"]),
    (7, 3): (["front", *_SOCIO_POLITICAL], ["so-nong-nghiep-va-moi-truong", "ubnd@xa"]),
}


def resolve_links(tokens: list[str], *, province_code: int) -> list[Organization]:
    """The organisations a list of link tokens names (see ``ORGANIZATION_LINKS``), in one or two queries."""
    codes, kinds = set(), set()
    communes = None
    for token in tokens:
        if token.startswith("@"):
            kinds.add(token[1:])
            continue
        suffix = token.rstrip("+").removesuffix("@xa")
        if not token.endswith("@xa"):
            codes.add(f"{province_code}-{suffix}")
        if token.endswith("+") or token.endswith("@xa"):
            if communes is None:
                from organizations.selectors import commune_list

                communes = list(commune_list().values_list("code", flat=True))
            codes |= {f"{c}-{suffix}" for c in communes}
    qs = Organization.objects.filter(code__in=codes)
    if kinds:
        qs = qs | Organization.objects.filter(kind__in=kinds, unit__code=province_code, level="province")
    return list(qs.distinct())


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


def _link_organizations(target, links: tuple[list[str], list[str]]) -> None:
    """Link a programme or a sub-row to the organisations its cells name (added, never removed: an
    administrator's additions stay)."""
    lead, coordinating = links
    code = settings.PORTAL_PROVINCE_CODE
    target.lead_organizations.add(*resolve_links(lead, province_code=code))
    target.coordinating_organizations.add(*resolve_links(coordinating, province_code=code))


@transaction.atomic
def seed_programmes(*, stdout) -> None:
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
        _link_organizations(programme, ORGANIZATION_LINKS.get(number, ([], [])))
        new_milestones += _seed_milestones(programme, programme.completion_text, None)
        for position, line in enumerate(continuations, start=2):
            values = dict(zip(CELLS, line[2:], strict=True))
            sub_row, sub_created = ProgrammeSubRow.objects.get_or_create(
                programme=programme, position=position, defaults=values
            )
            if not sub_created:
                _update(sub_row, values)
            if (number, position) in SUB_ROW_LINKS:
                _link_organizations(sub_row, SUB_ROW_LINKS[(number, position)])
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
