"""Items recorded by Front officers on behalf of citizens (met in person, by phone, at a voter meeting, a
dialogue, a listening session...) and the Excel import of a meeting's list. Both call ``item_submit``, the one
way an item comes into existence, with ``created_by`` and how consent was obtained."""

import hashlib
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from mttq_portal.errors import ApplicationError, NotAllowedError
from mttq_portal.spreadsheets import spreadsheet_row
from mttq_portal.text import fold_vietnamese
from organizations.selectors import units_for_user, user_scope

from ..models import Category, Channel, ConsentMethod, ItemType
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


def _check_officer(user, commune_id) -> None:
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


def item_record(*, user, channel: str, consent_method: str, commune_id, **fields) -> SubmitResult:
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


@dataclass
class ImportReport:
    rows: list[RowReport]
    imported: int = 0
    file_error: str = ""

    @property
    def ok(self) -> bool:
        return not self.file_error and not any(r.status == "error" for r in self.rows)


def import_template() -> bytes:
    """The .xlsx the import page offers: the columns, an example row and the accepted values."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Danh sách"
    ws.append(spreadsheet_row(label for _key, label, _req in COLUMNS))
    ws.append(
        [
            "15/03/2026",
            "Xã Mường Phăng",
            "Kiến nghị",
            "Giao thông",
            "Đường vào bản Co Đứa bị sạt lở",
            "Sau mưa lớn đoạn đường vào bản bị sạt, xe máy không đi được.",
            "Đề nghị khắc phục trước mùa mưa.",
            "Lò Văn Páo",
            "0912345678",
            "Bản Co Đứa",
        ]
    )
    for column in "ABCDEFGHIJ":
        ws.column_dimensions[column].width = 24
    guide = wb.create_sheet("Hướng dẫn")
    guide.append(["Cột", "Bắt buộc", "Giá trị"])
    guide.append(["Ngày tiếp nhận", "có", "ngày/tháng/năm, ví dụ 15/03/2026"])
    guide.append(["Loại", "có", "; ".join(TYPE_LABELS_VI.values())])
    guide.append(
        ["Lĩnh vực", "có", "; ".join(Category.objects.filter(is_active=True).values_list("name_vi", flat=True))]
    )
    guide.append(["Xã/phường", "có", "tên xã, phường (có dấu hoặc không dấu)"])
    guide.append(["Dòng trống", "", "được bỏ qua và ghi trong báo cáo"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _lookup_tables(user):
    communes = {}
    for unit_id, folded in units_for_user(user=user).values_list("id", "name_folded"):
        communes[folded] = unit_id
        for prefix in _UNIT_PREFIXES:
            if folded.startswith(prefix):
                communes.setdefault(folded.removeprefix(prefix), unit_id)
    categories = {}
    for cat_id, code, name_vi, name_en in Category.objects.filter(is_active=True).values_list(
        "id", "code", "name_vi", "name_en"
    ):
        for key in (code, name_vi, name_en):
            categories[fold_vietnamese(key)] = cat_id
    types: dict[str, str] = {fold_vietnamese(label): value for value, label in TYPE_LABELS_VI.items()}
    types.update({value: value for value in ItemType.values})
    return communes, categories, types


def items_import(*, user, upload, channel: str, consent_method: str = ConsentMethod.MEETING_RECORD) -> ImportReport:
    """Validate every row, then import all of them in one transaction, or none: a report per row either way.
    Uploading the same file again imports nothing twice (each row's idempotency key comes from the file)."""
    scope = user_scope(user=user)
    if not (scope.is_front_officer or scope.is_admin):
        raise NotAllowedError(_("Only Front officers import items."))
    if channel not in OFFICER_CHANNELS:
        return ImportReport(rows=[], file_error=_("Choose where the list was collected."))
    if consent_method not in OFFICER_CONSENT:
        return ImportReport(rows=[], file_error=_("Choose how the citizens' consent was obtained."))
    data = upload.read(MAX_BYTES + 1)
    rows_or_error = _sheet_rows(data)
    if isinstance(rows_or_error, str):
        return ImportReport(rows=[], file_error=rows_or_error)
    digest = hashlib.sha256(data).hexdigest()[:24]
    lookups = _lookup_tables(user)
    today = timezone.localdate()
    reports, parsed = [], []
    for number, raw in enumerate(rows_or_error[1:], start=2):
        report, fields = _checked_row(number, raw, lookups=lookups, today=today, digest=digest)
        reports.append(report)
        if fields is not None:
            parsed.append((report, fields))
    result = ImportReport(rows=reports)
    if not result.ok:
        return result  # nothing is imported while one row is wrong
    return _import_rows(result, parsed, user=user, channel=channel, consent_method=consent_method)


def _sheet_rows(data: bytes) -> list | str:
    """The rows of the first sheet, header first, or what is wrong with the file."""
    if len(data) > MAX_BYTES:
        return _("The file is larger than 5 MB.")
    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        rows = list(sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 2))
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, IndexError, TypeError):
        return _("This is not an Excel .xlsx file. Download the template and fill it.")
    if not rows:
        return _("The file is empty.")
    header = [fold_vietnamese(_cell_text(v)) for v in rows[0]]
    expected = [fold_vietnamese(label) for _k, label, _r in COLUMNS]
    if header[: len(expected)] != expected or any(header[len(expected) :]):
        return _("The columns are not those of the template. Expected, in this order: %(columns)s.") % {
            "columns": ", ".join(label for _k, label, _r in COLUMNS)
        }
    if len(rows) > MAX_ROWS + 1:
        return _("At most %(max)s rows per file.") % {"max": MAX_ROWS}
    return rows


def _checked_row(number: int, raw, *, lookups, today: date, digest: str) -> tuple[RowReport, dict | None]:
    """The row's report and, when it is right, the fields ``item_record`` takes."""
    values = {key: _cell_text(raw[i] if i < len(raw) else None) for i, (key, _l, _r) in enumerate(COLUMNS)}
    if not any(values.values()):
        return RowReport(number, "skipped", [_("Empty row, skipped.")]), None
    problems = [
        _("“%(column)s” is empty.") % {"column": label}
        for key, label, required in COLUMNS
        if required and not values[key]
    ]
    received = parse_vietnamese_date(raw[0] if raw else None) if values["received"] else None
    if values["received"] and received is None:
        problems.append(_("The date “%(value)s” is not a date dd/mm/yyyy.") % {"value": values["received"]})
    elif received and received > today:
        problems.append(_("The date %(value)s is in the future.") % {"value": received.strftime("%d/%m/%Y")})
    found, unknown = _looked_up(values, lookups)
    problems += unknown
    if len(values["title"]) > 200:
        problems.append(_("The title is longer than 200 characters."))
    if problems or received is None:
        return RowReport(number, "error", problems), None
    return RowReport(number, "ok"), {
        **found,
        "title": values["title"],
        "content": values["content"],
        "request_text": values["request_text"],
        "submitter_name": values["submitter_name"],
        "submitter_phone": values["submitter_phone"],
        "submitter_address": values["submitter_address"],
        "is_anonymous": not values["submitter_name"],
        "received_at": timezone.make_aware(datetime.combine(received, time(8))),
        "idempotency_key": f"xlsx-{digest}-{number}",
    }


def _looked_up(values: dict, lookups) -> tuple[dict, list[str]]:
    """The commune, type and field named in the row, and a message for each name that is not known."""
    communes, categories, types = lookups
    found: dict = {}
    unknown: list[str] = []
    for column, table, field_name, message in (
        ("commune", communes, "commune_id", _("Unknown commune “%(value)s” (or not in your area).")),
        ("type", types, "type", _("Unknown type “%(value)s”.")),
        ("category", categories, "category_id", _("Unknown field “%(value)s”.")),
    ):
        found[field_name] = table.get(fold_vietnamese(values[column])) if values[column] else None
        if values[column] and found[field_name] is None:
            unknown.append(message % {"value": values[column]})
    return found, unknown


def _import_rows(result: ImportReport, parsed, *, user, channel: str, consent_method: str) -> ImportReport:
    """All the checked rows in one transaction, or none of them."""
    with transaction.atomic():
        for report, fields in parsed:
            try:
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
