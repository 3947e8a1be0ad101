"""CSV and Excel files of a filtered item list. Personal-data columns only for roles that may see them;
every export is written to the export log, and every exported row with personal data to the access log."""

import csv
import io
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from feedback.models import PersonalDataAccess
from feedback.services.personal_data import personal_data_access_record
from mttq_portal.spreadsheets import spreadsheet_row
from organizations.selectors import may_export_personal_data

from .services import export_log

MAX_EXPORT_ROWS = 50_000


@dataclass(frozen=True)
class Column:
    header: str
    value: object  # callable(item) -> cell value
    personal: bool = False


def _date(value):
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M") if value else ""


def _day(value):
    return value.strftime("%d/%m/%Y") if value else ""


def _yes_no(value):
    return "" if value is None else (_("Yes") if value else _("No"))


def item_columns() -> list[Column]:
    return [
        Column(_("Tracking code"), lambda i: i.tracking_code),
        Column(_("Received"), lambda i: _date(i.received_at)),
        Column(_("Type"), lambda i: i.get_type_display()),
        Column(_("Category"), lambda i: i.category.name),
        Column(_("Commune"), lambda i: i.commune.name),
        Column(_("Channel"), lambda i: i.get_channel_display()),
        Column(_("Title"), lambda i: i.title),
        Column(_("Status"), lambda i: i.get_status_display()),
        Column(_("Responsible agency"), lambda i: i.current_agency.name if i.current_agency_id else ""),
        Column(_("Due date"), lambda i: _day(i.due_date)),
        Column(_("Answered"), lambda i: _date(i.answered_at)),
        Column(_("Answered on time"), lambda i: _yes_no(i.answer_on_time)),
        Column(_("Closed"), lambda i: _date(i.closed_at)),
        Column(_("Submitter"), lambda i: i.submitter_name, personal=True),
        Column(_("Phone"), lambda i: i.submitter_phone, personal=True),
        Column(_("Email"), lambda i: i.submitter_email, personal=True),
        Column(_("Address"), lambda i: i.submitter_address, personal=True),
    ]


def item_export(*, user, items, fmt: str, what: str, filters: dict) -> tuple[bytes, str, str]:
    """The file (bytes, content type, file name) for the items; logs the export."""
    personal = may_export_personal_data(user=user)
    columns = [c for c in item_columns() if personal or not c.personal]
    rows = list(items[:MAX_EXPORT_ROWS])
    table = [spreadsheet_row(c.value(item) for c in columns) for item in rows]
    headers = [str(c.header) for c in columns]
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "xlsx":
        content = _xlsx(headers, table, title=what)
        kind, content_type = "list_xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        out = io.StringIO()
        out.write("\ufeff")  # Excel opens UTF-8 Vietnamese correctly with the BOM
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(headers)
        writer.writerows(table)
        content = out.getvalue().encode("utf-8")
        kind, content_type = "list_csv", "text/csv; charset=utf-8"
    log = export_log(kind=kind, what=what, user=user, filters=filters, rows=len(rows), with_personal_data=personal)
    if personal:
        personal_data_access_record(
            user=user, items=rows, action=PersonalDataAccess.Action.EXPORT, detail=f"export #{log.pk} {what}"
        )
    return content, content_type, f"{what}-{stamp}.{fmt}"


def _xlsx(headers: list[str], table: list[list], *, title: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table:
        sheet.append(row)
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, min(50, len(header) + 4))
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
