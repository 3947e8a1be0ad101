"""Demo residential areas: a few villages (bản, thôn) per commune and residential groups per ward, each with
the head of its Front Work Committee. Idempotent: existing names are kept (matched on commune and name)."""

from mttq_portal.text import fold_vietnamese

from .models import ResidentialArea, UnitKind
from .selectors import commune_list

VILLAGE_NAMES = [
    "Bản Co Đứa", "Bản Phiêng Ban", "Bản Nà Lốc", "Bản Huổi Hẹ", "Bản Pá Hốc", "Bản Hua Ca",
    "Bản Tin Tốc", "Bản Nậm Ngám", "Thôn Đoàn Kết", "Thôn Tân Lập", "Thôn Thanh Bình", "Bản Ten Luống",
]  # fmt: skip
HEADS = ["Lò Văn Páo", "Quàng Văn Ơn", "Giàng A Chư", "Lường Thị Hoa", "Vàng A Dình", "Tòng Văn Sương"]


def generate_residential_areas(*, rng, stdout) -> None:
    existing = set(ResidentialArea.objects.values_list("commune_id", "name"))
    new = []
    for commune_id, kind in commune_list().order_by("code").values_list("id", "kind"):
        if kind == UnitKind.WARD:
            names = [f"Tổ dân phố {n}" for n in range(1, rng.randint(6, 12) + 1)]
            area_kind = ResidentialArea.Kind.STREET_GROUP
        else:
            names = rng.sample(VILLAGE_NAMES, rng.randint(5, 9))
        for name in names:
            # drawn before the existence check, so a second run with the same seed draws the same numbers
            head = rng.choice(HEADS)
            ethnic = kind != UnitKind.WARD and rng.random() < 0.8
            if (commune_id, name) in existing:
                continue
            if kind != UnitKind.WARD:
                area_kind = ResidentialArea.Kind.VILLAGE if name.startswith("Thôn") else ResidentialArea.Kind.HAMLET
            new.append(
                ResidentialArea(
                    commune_id=commune_id,
                    name=name,
                    name_folded=fold_vietnamese(name),
                    kind=area_kind,
                    work_committee_head=head,
                    # most villages of the province are ethnic-minority areas (row 9 counts them)
                    is_ethnic_or_religious_area=ethnic,
                )
            )
    ResidentialArea.objects.bulk_create(new, batch_size=500, ignore_conflicts=True)
    stdout.write(f"  residential areas: {len(new)} new")
