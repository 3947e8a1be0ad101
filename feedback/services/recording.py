"""Items recorded by Front officers on behalf of citizens (met in person, by phone, at a voter meeting, a
dialogue, a listening session...) and the Excel import of a meeting's list. Both call ``item_submit``, the one
way an item comes into existence, with ``created_by`` and how consent was obtained."""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import IO, Required, TypedDict, TypeVar, Unpack

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from mttq_portal.errors import ApplicationError, NotAllowedError
from mttq_portal.ordering import vietnamese_order
from mttq_portal.spreadsheets import spreadsheet_row
from mttq_portal.text import fold_vietnamese
from organizations.models import User
from organizations.selectors import AnyUser, units_for_user, user_scope

from ..deadlines import WorkingCalendar, compute_due_date
from ..models import Category, Channel, ConsentMethod, DeadlineRule, ItemType, Step
from ..phones import normalize_vn_phone
from ..vndates import parse_vietnamese_date
from .intake import SubmitResult, item_submit

PRIVACY_NOTICE_RECORDED = "2026-01"
OFFICER_CHANNELS = (
    Channel.PHONE,
    Channel.IN_PERSON,
    Channel.VOTER_MEETING,
    Channel.DIALOGUE,
    Channel.LISTENING_SESSION,
    Channel.LISTENING_MONTH,
    Channel.WORK_COMMITTEE,
    Channel.OVERSIGHT,
    Channel.SOCIAL_CRITIQUE,
)
OFFICER_CONSENT = (ConsentMethod.VERBAL, ConsentMethod.WRITTEN, ConsentMethod.MEETING_RECORD)


def _check_officer(user: AnyUser, commune_id: int) -> None:
    scope = user_scope(user=user)
    if not (scope.is_front_officer or scope.is_admin):
        raise NotAllowedError(_("Only Front officers record items on behalf of citizens."))
    try:
        commune_id = int(commune_id)
    except (TypeError, ValueError):
        return  # item_submit names the missing commune
    if not units_for_user(user=user).filter(pk=commune_id).exists():
        message = _("You may only record items of your own commune.")
        raise ApplicationError(message, code="commune_outside_scope", fields={"commune": [message]})


class RecordedFields(TypedDict, total=False):
    """What an officer records of a citizen's matter besides where, how consent was obtained and the commune:
    ``item_submit``'s keyword arguments of the same names."""

    type: Required[str]
    category_id: Required[int]
    title: Required[str]
    content: Required[str]
    request_text: str
    residential_area_id: int | None
    address_text: str
    is_anonymous: bool
    submitter_name: str
    submitter_phone: str
    submitter_email: str
    submitter_address: str
    consent_processing: bool
    consent_contact: bool
    consent_publish: bool
    is_mass_petition: bool
    is_complex: bool
    attachments: Iterable[UploadedFile[bytes]]
    idempotency_key: str | None
    received_at: datetime | None


def item_record(
    *, user: User, channel: str, consent_method: str, commune_id: int, **fields: Unpack[RecordedFields]
) -> SubmitResult:
    """An officer records a citizen's matter: the channel and how consent was obtained are required."""
    if channel not in OFFICER_CHANNELS:
        message = _("Choose where the matter was collected.")
        raise ApplicationError(message, code="required", fields={"channel": [message]})
    if consent_method not in OFFICER_CONSENT:
        message = _("Choose how the citizen's consent was obtained.")
        raise ApplicationError(message, code="required", fields={"consent_method": [message]})
    _check_officer(user, commune_id)
    return item_submit(
        channel=channel,
        consent_method=consent_method,
        commune_id=commune_id,
        privacy_notice_version=PRIVACY_NOTICE_RECORDED,
        created_by=user,
        **fields,
    )


# ---- Excel import ----------------------------------------------------------------------------------------

COLUMNS = [
    ("received", "Ngày tiếp nhận (dd/mm/yyyy)", True),
    ("commune", "Xã/phường", True),
    ("type", "Loại", True),
    ("category", "Lĩnh vực", True),
    ("title", "Tiêu đề", True),
    ("content", "Nội dung", True),
    ("request_text", "Đề nghị", False),
    ("submitter_name", "Họ và tên người nêu", False),
    ("submitter_phone", "Số điện thoại", False),
    ("submitter_address", "Địa chỉ", False),
]
MAX_ROWS = 2000
MAX_BYTES = 5 * 1024 * 1024
TYPE_LABELS_VI = {
    ItemType.OPINION: "Ý kiến",
    ItemType.RECOMMENDATION: "Kiến nghị",
    ItemType.REPORT: "Phản ánh",
    ItemType.COMPLAINT: "Khiếu nại",
    ItemType.DENUNCIATION: "Tố cáo",
    ItemType.VOTER_PETITION: "Kiến nghị cử tri",
    ItemType.FRONT_RECOMMENDATION: "Kiến nghị của Ban Thường trực",
    ItemType.OVERSIGHT_RECOMMENDATION: "Kiến nghị sau giám sát",
    ItemType.CRITIQUE_RECOMMENDATION: "Kiến nghị sau phản biện xã hội",
    ItemType.INSPECTION_BOARD_RECOMMENDATION: "Kiến nghị của Ban Thanh tra nhân dân",
}
_UNIT_PREFIXES = ("xa ", "phuong ", "dac khu ", "thi tran ")


@dataclass
class RowReport:
    row: int
    status: str  # "ok", "skipped", "error", "duplicate"
    messages: list[str] = field(default_factory=list)
    tracking_code: str = ""
    warnings: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    rows: list[RowReport]
    imported: int = 0
    file_error: str = ""

    @property
    def ok(self) -> bool:
        return not self.file_error and not any(r.status == "error" for r in self.rows)


TEMPLATE_ROWS = 300


def import_template(*, user: AnyUser | None = None) -> bytes:
    """The .xlsx the import page offers: the columns, dropdowns (data validation) for the commune, type and
    category from a hidden list sheet, the commune filled when the officer has one, and no example row (an
    example is a row the import would take)."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    communes = (
        list(units_for_user(user=user).order_by(*vietnamese_order("name")).values_list("name", flat=True))
        if user
        else []
    )
    categories = list(
        Category.objects.filter(is_active=True).order_by("order", "name_vi").values_list("name_vi", flat=True)
    )
    types = list(TYPE_LABELS_VI.values())
    wb = Workbook()
    ws = wb.active
    ws.title = "Danh sách"
    ws.append(spreadsheet_row(label for _key, label, _req in COLUMNS))
    lists = wb.create_sheet("Danh mục")
    for column, values in enumerate((communes, types, categories), start=1):
        for row, value in enumerate(values, start=1):
            lists.cell(row=row, column=column, value=value)
    lists.sheet_state = "hidden"
    keys = [key for key, _label, _req in COLUMNS]
    last = TEMPLATE_ROWS + 1
    for list_column, key, values in ((1, "commune", communes), (2, "type", types), (3, "category", categories)):
        if not values:
            continue
        letter = get_column_letter(keys.index(key) + 1)
        source = get_column_letter(list_column)
        validation = DataValidation(
            type="list",
            formula1=f"='Danh mục'!${source}$1:${source}${len(values)}",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Giá trị không có trong danh sách",
            error="Chọn một giá trị trong danh sách.",
        )
        validation.add(f"{letter}2:{letter}{last}")
        ws.add_data_validation(validation)
    date_letter = get_column_letter(keys.index("received") + 1)
    phone_letter = get_column_letter(keys.index("submitter_phone") + 1)
    for row in range(2, last + 1):
        ws[f"{date_letter}{row}"].number_format = "DD/MM/YYYY"
        ws[f"{phone_letter}{row}"].number_format = "@"  # text: Excel keeps the leading 0 of 0912 345 678
    if len(communes) == 1:
        letter = get_column_letter(keys.index("commune") + 1)
        for row in range(2, last + 1):
            ws[f"{letter}{row}"] = communes[0]
    for index in range(1, len(COLUMNS) + 1):
        ws.column_dimensions[get_column_letter(index)].width = 24
    ws.freeze_panes = "A2"
    guide = wb.create_sheet("Hướng dẫn")
    guide.append(["Cột", "Bắt buộc", "Giá trị"])
    guide.append(["Ngày tiếp nhận", "có", "ngày/tháng/năm, ví dụ 15/03/2026; không được sau hôm nay"])
    guide.append(["Xã/phường", "có", "chọn trong danh sách (địa bàn của cán bộ)"])
    guide.append(["Loại", "có", "chọn trong danh sách"])
    guide.append(["Lĩnh vực", "có", "chọn trong danh sách"])
    guide.append(["Số điện thoại", "không", "số di động hoặc cố định Việt Nam, ví dụ 0912 345 678"])
    guide.append(["Dòng chỉ có xã/phường", "", "được coi là dòng trống và bỏ qua"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _phone_cell_text(value: object) -> str:
    """A phone number typed or pasted into a number cell loses its leading 0 (0912 345 678 is stored as
    912345678): a whole number of 9 digits (a mobile) or 10 (a landline) is given its 0 back."""
    text = _cell_text(value)
    if isinstance(value, int | float) and not isinstance(value, bool) and text.isdigit() and len(text) in (9, 10):
        return "0" + text
    return text


def _lookup_tables(user: AnyUser) -> tuple[dict[str, int], dict[str, int], dict[str, str]]:
    communes: dict[str, int] = {}
    for unit_id, folded in units_for_user(user=user).values_list("id", "name_folded"):
        communes[folded] = unit_id
        for prefix in _UNIT_PREFIXES:
            if folded.startswith(prefix):
                communes.setdefault(folded.removeprefix(prefix), unit_id)
    categories: dict[str, int] = {}
    for cat_id, code, name_vi, name_en in Category.objects.filter(is_active=True).values_list(
        "id", "code", "name_vi", "name_en"
    ):
        for key in (code, name_vi, name_en):
            categories[fold_vietnamese(key)] = cat_id
    types: dict[str, str] = {fold_vietnamese(label): value for value, label in TYPE_LABELS_VI.items()}
    types.update({value: value for value in ItemType.values})
    return communes, categories, types


@dataclass
class _Lookups:
    communes: dict[str, int]
    categories: dict[str, int]
    types: dict[str, str]
    today: date
    channel: str
    calendar: WorkingCalendar
    rules: list[DeadlineRule]


# One row of the sheet as openpyxl reads it (text, numbers, dates or empty cells), and as text per column.
SheetRow = tuple[object, ...]
RowValues = dict[str, str]


class _Understood(TypedDict):
    """What the import made of a row's date, commune, type and category (None: missing or unknown)."""

    received: date | None
    commune_id: int | None
    type: str | None
    category_id: int | None


class ImportedFields(RecordedFields):
    """One checked row of the sheet, as ``item_record`` takes it."""

    commune_id: int


def _read_sheet(upload: UploadedFile[bytes] | IO[bytes]) -> tuple[list[SheetRow], str, str]:
    """(rows, digest, file error): the rows of the first sheet, or why the file cannot be read."""
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        return [], "", _("The file is larger than 5 MB.")
    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        rows = list(sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 2))
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, IndexError, TypeError):
        return [], "", _("This is not an Excel .xlsx file. Download the template and fill it.")
    if not rows:
        return [], "", _("The file is empty.")
    header = [fold_vietnamese(_cell_text(v)) for v in rows[0]]
    expected = [fold_vietnamese(label) for _k, label, _r in COLUMNS]
    if header[: len(expected)] != expected or any(header[len(expected) :]):
        return (
            [],
            "",
            _("The columns are not those of the template. Expected, in this order: %(columns)s.")
            % {"columns": ", ".join(label for _k, label, _r in COLUMNS)},
        )
    if len(rows) > MAX_ROWS + 1:
        return [], "", _("At most %(max)s rows per file.") % {"max": MAX_ROWS}
    return rows, hashlib.sha256(data).hexdigest()[:24], ""


_Key = TypeVar("_Key", int, str)


def _known(table: Mapping[str, _Key], value: str, message: str, problems: list[str]) -> _Key | None:
    found = table.get(fold_vietnamese(value)) if value else None
    if value and found is None:
        problems.append(message % {"value": value})
    return found


def _row_problems(values: RowValues, raw: SheetRow, lk: _Lookups) -> tuple[list[str], _Understood]:
    """Every problem of one row (not only the first), and what was understood of it."""
    problems = [
        _("“%(column)s” is empty.") % {"column": label}
        for key, label, required in COLUMNS
        if required and not values[key]
    ]
    received = parse_vietnamese_date(raw[0] if raw else None) if values["received"] else None
    if values["received"] and received is None:
        problems.append(_("The date “%(value)s” is not a date dd/mm/yyyy.") % {"value": values["received"]})
    elif received and received > lk.today:
        problems.append(_("The date %(value)s is in the future.") % {"value": received.strftime("%d/%m/%Y")})
    understood = _Understood(
        received=received,
        commune_id=_known(
            lk.communes, values["commune"], _("Unknown commune “%(value)s” (or not in your area)."), problems
        ),
        type=_known(lk.types, values["type"], _("Unknown type “%(value)s”."), problems),
        category_id=_known(lk.categories, values["category"], _("Unknown field “%(value)s”."), problems),
    )
    if len(values["title"]) > 200:
        problems.append(_("The title is longer than 200 characters."))
    if values["submitter_phone"]:
        try:
            normalize_vn_phone(values["submitter_phone"])
        except ApplicationError as error:
            problems.append(error.message)
    return problems, understood


def _triage_warning(received: date | None, item_type: str | None, lk: _Lookups) -> str:
    """A row received so long ago that the Front's triage deadline has passed: imported, but it counts late."""
    if not (received and item_type and received <= lk.today):
        return ""
    triage = compute_due_date(
        step=Step.TRIAGE, item_type=item_type, channel=lk.channel, start=received, cal=lk.calendar, rules=lk.rules
    ).due_date
    if triage >= lk.today:
        return ""
    return _(
        "Received on %(received)s: the deadline to accept or refuse (%(due)s) has already passed;"
        " the item will count as late."
    ) % {"received": received.strftime("%d/%m/%Y"), "due": triage.strftime("%d/%m/%Y")}


def _row_fields(values: RowValues, understood: _Understood, key: str) -> ImportedFields | None:
    """The row as ``item_record`` takes it; None for a row missing what ``_row_problems`` reported."""
    received, item_type = understood["received"], understood["type"]
    commune_id, category_id = understood["commune_id"], understood["category_id"]
    if received is None or item_type is None or commune_id is None or category_id is None:
        return None
    return ImportedFields(
        type=item_type,
        category_id=category_id,
        commune_id=commune_id,
        title=values["title"],
        content=values["content"],
        request_text=values["request_text"],
        submitter_name=values["submitter_name"],
        submitter_phone=values["submitter_phone"],
        submitter_address=values["submitter_address"],
        is_anonymous=not values["submitter_name"],
        received_at=timezone.make_aware(datetime.combine(received, time(8))),
        idempotency_key=key,
    )


def _record_all(
    result: ImportReport,
    parsed: list[tuple[RowReport, ImportedFields]],
    *,
    user: User,
    channel: str,
    consent_method: str,
) -> ImportReport:
    """One pass: every row that passed the checks also goes through the service (its own rules, in a savepoint),
    even when another row is wrong, so the report names every error at once. Nothing is kept unless every row
    is right."""
    with transaction.atomic():
        for report, fields in parsed:
            try:
                with transaction.atomic():
                    submitted = item_record(user=user, channel=channel, consent_method=consent_method, **fields)
            except ApplicationError as error:
                report.status, report.messages = "error", [error.message]
                continue
            report.tracking_code = submitted.item.tracking_code
            if not submitted.created:
                report.status, report.messages = "duplicate", [_("Already imported from this file.")]
        if not result.ok:
            transaction.set_rollback(True)
            for report in result.rows:
                if report.status == "ok":
                    report.tracking_code = ""
            return result
    result.imported = sum(1 for r in result.rows if r.status == "ok")
    return result


def items_import(
    *,
    user: User,
    upload: UploadedFile[bytes] | IO[bytes],
    channel: str,
    consent_method: str = ConsentMethod.MEETING_RECORD,
) -> ImportReport:
    """Check every row, then import all of them in one transaction, or none: a report per row either way, with
    all the problems of each row at once. Uploading the same file again imports nothing twice (each row's
    idempotency key comes from the file)."""
    scope = user_scope(user=user)
    if not (scope.is_front_officer or scope.is_admin):
        raise NotAllowedError(_("Only Front officers import items."))
    if channel not in OFFICER_CHANNELS:
        return ImportReport(rows=[], file_error=_("Choose where the list was collected."))
    if consent_method not in OFFICER_CONSENT:
        return ImportReport(rows=[], file_error=_("Choose how the citizens' consent was obtained."))
    rows, digest, file_error = _read_sheet(upload)
    if file_error:
        return ImportReport(rows=[], file_error=file_error)
    communes, categories, types = _lookup_tables(user)
    lk = _Lookups(
        communes=communes,
        categories=categories,
        types=types,
        today=timezone.localdate(),
        channel=channel,
        calendar=WorkingCalendar.load(),
        rules=list(DeadlineRule.objects.filter(is_active=True)),
    )
    reports: list[RowReport] = []
    parsed: list[tuple[RowReport, ImportedFields]] = []
    for number, raw in enumerate(rows[1:], start=2):
        values = {
            key: (_phone_cell_text if key == "submitter_phone" else _cell_text)(raw[i] if i < len(raw) else None)
            for i, (key, _l, _r) in enumerate(COLUMNS)
        }
        # The template fills the commune on every row: a row with nothing else is an empty row.
        if not any(v for k, v in values.items() if k != "commune"):
            reports.append(RowReport(number, "skipped", [_("Empty row, skipped.")]))
            continue
        problems, understood = _row_problems(values, raw, lk)
        report = RowReport(number, "error" if problems else "ok", problems)
        warning = _triage_warning(understood["received"], understood["type"], lk)
        if warning:
            report.warnings.append(warning)
        reports.append(report)
        if not problems and (fields := _row_fields(values, understood, f"xlsx-{digest}-{number}")) is not None:
            parsed.append((report, fields))
    return _record_all(ImportReport(rows=reports), parsed, user=user, channel=channel, consent_method=consent_method)
