"""Import of residential areas (thôn, bản, tổ dân phố) per commune from a spreadsheet, with the head of each
area's Front Work Committee. No official list exists: the communes keep theirs in Excel (DOMAIN §2).

All or nothing: every row is checked first, and the file is written in one transaction only when no row
is wrong; the report says what happened to each row. Rows are matched on (commune, name), so importing the
same file twice changes nothing and a corrected file updates the areas it names.
"""

import io
import zipfile
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from mttq_portal.text import fold_vietnamese

from .models import ResidentialArea
from .selectors import commune_list

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
COLUMNS = (
    ("commune", "Xã/phường"),
    ("name", "Tên khu dân cư"),
    ("kind", "Loại (thôn/bản/tổ dân phố)"),
    ("head", "Trưởng ban công tác Mặt trận"),
    ("ethnic", "Vùng dân tộc, tôn giáo (có/không)"),
)
KINDS = {
    "thon": ResidentialArea.Kind.VILLAGE,
    "ban": ResidentialArea.Kind.HAMLET,
    "to dan pho": ResidentialArea.Kind.STREET_GROUP,
    "tdp": ResidentialArea.Kind.STREET_GROUP,
    "khac": ResidentialArea.Kind.OTHER,
}
YES, NO = {"co", "x", "1", "yes"}, {"", "khong", "0", "no"}
_PREFIXES = ("xa ", "phuong ", "dac khu ")
# The fields an import may change on an existing area.
UPDATABLE = ("kind", "work_committee_head", "is_ethnic_or_religious_area", "is_active")


STATUS_LABELS = {
    "created": gettext_lazy("Created"),
    "updated": gettext_lazy("Updated"),
    "unchanged": gettext_lazy("Unchanged"),
    "skipped": gettext_lazy("Skipped"),
    "error": gettext_lazy("Error"),
}


@dataclass
class AreaRow:
    row: int
    status: str  # "created", "updated", "unchanged", "skipped", "error"
    messages: list[str] = field(default_factory=list)
    name: str = ""

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])


@dataclass
class AreaImportReport:
    rows: list[AreaRow] = field(default_factory=list)
    file_error: str = ""

    @property
    def ok(self) -> bool:
        return not self.file_error and not any(r.status == "error" for r in self.rows)

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def template_workbook() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Khu dân cư"
    ws.append([label for _key, label in COLUMNS])
    ws.append(["Xã Mường Phăng", "Bản Co Đứa", "Bản", "Lò Văn Páo", "có"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


class FileRefused(Exception):
    """The file as a whole is refused; the message says why (shown as the report's ``file_error``)."""


RowValues = dict[str, str]
AreaKey = tuple[int | None, str]


@dataclass
class _AreaWrite:
    """What one valid row writes: the area's fields, and the existing area it updates (None: a new area)."""

    row: AreaRow
    area: ResidentialArea | None
    fields: dict[str, Any]


def _read_rows(data: bytes) -> list[tuple[Any, ...]]:
    """The sheet's rows (header first), or FileRefused: too large, not a workbook, empty, wrong columns."""
    if len(data) > MAX_BYTES:
        raise FileRefused(_("The file is larger than 5 MB."))
    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        rows = list(sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 2))
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, IndexError, TypeError):
        raise FileRefused(_("This is not an Excel .xlsx file.")) from None
    if not rows:
        raise FileRefused(_("The file is empty."))
    header = [fold_vietnamese(_text(v)) for v in rows[0]][: len(COLUMNS)]
    if header != [fold_vietnamese(label) for _k, label in COLUMNS]:
        raise FileRefused(
            _("The columns are not those of the template. Expected, in this order: %(columns)s.")
            % {"columns": ", ".join(label for _k, label in COLUMNS)}
        )
    if len(rows) > MAX_ROWS + 1:
        raise FileRefused(_("At most %(max)s rows per file.") % {"max": MAX_ROWS})
    return rows


def _commune_ids() -> dict[str, int]:
    """Commune ids by folded name, with and without "xã", "phường", "đặc khu" in front."""
    communes: dict[str, int] = {}
    for unit_id, folded in commune_list().values_list("id", "name_folded"):
        communes[folded] = unit_id
        for prefix in _PREFIXES:
            if folded.startswith(prefix):
                communes.setdefault(folded.removeprefix(prefix), unit_id)
    return communes


def _row_problems(values: RowValues, *, commune_id: int | None, key: AreaKey, seen: dict[AreaKey, int]) -> list[str]:
    """Every reason to refuse the row, in the order of the columns."""
    problems = []
    if commune_id is None:
        problems.append(_("Unknown commune “%(value)s”.") % {"value": values["commune"]})
    if not values["name"]:
        problems.append(_("The residential area needs a name."))
    elif len(values["name"]) > 120:
        problems.append(_("The name is longer than 120 characters."))
    if fold_vietnamese(values["kind"]) not in KINDS:
        problems.append(_("Unknown kind “%(value)s”: write thôn, bản or tổ dân phố.") % {"value": values["kind"]})
    if fold_vietnamese(values["ethnic"]) not in YES | NO:
        problems.append(_("Write “có” or “không” in the last column, not “%(value)s”.") % {"value": values["ethnic"]})
    if len(values["head"]) > 120:
        problems.append(_("The head's name is longer than 120 characters."))
    if commune_id is not None and values["name"] and key in seen:
        problems.append(_("Repeats row %(row)s.") % {"row": seen[key]})
    return problems


def _area_write(values: RowValues, *, number: int, commune_id: int, area: ResidentialArea | None) -> _AreaWrite:
    """A valid row: what it writes, and whether that creates, updates or leaves its area unchanged."""
    fields = {
        "kind": KINDS[fold_vietnamese(values["kind"])],
        "work_committee_head": values["head"],
        "is_ethnic_or_religious_area": fold_vietnamese(values["ethnic"]) in YES,
        "is_active": True,
    }
    if area is None:
        status = "created"
    elif any(getattr(area, name) != value for name, value in fields.items()):
        status = "updated"
    else:
        status = "unchanged"
    row = AreaRow(number, status, name=values["name"])
    return _AreaWrite(row=row, area=area, fields={"commune_id": commune_id, "name": values["name"], **fields})


def _write(writes: list[_AreaWrite]) -> None:
    with transaction.atomic():
        for write in writes:
            fields = write.fields
            if write.row.status == "created":
                ResidentialArea.objects.create(**fields, name_folded=fold_vietnamese(fields["name"]))
            elif write.row.status == "updated" and write.area is not None:
                area = write.area
                changed = [n for n in UPDATABLE if getattr(area, n) != fields[n]]
                for name in changed:
                    setattr(area, name, fields[name])
                area.save(update_fields=changed)


def residential_areas_import(*, data: bytes, dry_run: bool = False) -> AreaImportReport:
    """Check every row; write them all in one transaction only when none is wrong (and not ``dry_run``)."""
    try:
        rows = _read_rows(data)
    except FileRefused as refused:
        return AreaImportReport(file_error=str(refused))
    communes = _commune_ids()
    existing = {
        (a.commune_id, a.name_folded): a for a in ResidentialArea.objects.filter(commune_id__in=set(communes.values()))
    }
    report = AreaImportReport()
    seen: dict[AreaKey, int] = {}
    writes: list[_AreaWrite] = []
    for number, raw in enumerate(rows[1:], start=2):
        values = {key: _text(raw[i] if i < len(raw) else None) for i, (key, _l) in enumerate(COLUMNS)}
        if not any(values.values()):
            report.rows.append(AreaRow(number, "skipped", [_("Empty row, skipped.")]))
            continue
        commune_id = communes.get(fold_vietnamese(values["commune"]))
        key = (commune_id, fold_vietnamese(values["name"]))
        problems = _row_problems(values, commune_id=commune_id, key=key, seen=seen)
        if problems or commune_id is None:
            report.rows.append(AreaRow(number, "error", problems, values["name"]))
            continue
        seen[key] = number
        write = _area_write(values, number=number, commune_id=commune_id, area=existing.get(key))
        report.rows.append(write.row)
        writes.append(write)
    if report.ok and not dry_run:
        _write(writes)
    return report
