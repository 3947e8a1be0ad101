"""Report files in the Vietnamese administrative layout (Decree 30/2020/NĐ-CP on administrative documents):
the 6-monthly and yearly report on the people's recommendations, and the consolidated report of a
Listening-to-the-People Month, as Word and Excel files and a printable page. The figures are the
dashboards' (the summary tables), grouped by category, commune and agency."""

import io
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from feedback.models import Campaign
from mttq_portal.errors import ApplicationError
from mttq_portal.periods import PeriodForm
from mttq_portal.spreadsheets import spreadsheet_cell
from organizations.models import Level, Membership, Organization, OrganizationKind, Role
from organizations.selectors import portal_province, user_scope

from .periods import Period, period_parse
from .selectors import FigureFilters, compliance_figures, figures_totals

NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
NATIONAL_MOTTO = "Độc lập - Tự do - Hạnh phúc"


class ReportKind:
    HALF_YEAR = "half"
    YEAR = "year"
    CAMPAIGN = "campaign"


# File names officers recognise: "bao-cao-6-thang-2026-H2.docx", not the internal kind.
FILE_NAME_KINDS = {
    ReportKind.HALF_YEAR: "6-thang",
    ReportKind.YEAR: "nam",
    ReportKind.CAMPAIGN: "thang-nghe-dan-noi",
}


def report_file_name(*, kind: str, period_code: str, fmt: str) -> str:
    return f"bao-cao-{FILE_NAME_KINDS.get(kind, kind)}-{period_code}.{fmt}"


@dataclass
class ReportFile:
    kind: str
    title: str
    subtitle: str
    issuer_parent: list[str]
    issuer: str
    number: str
    place_and_date: str
    period: Period
    totals: dict
    by_category: list[dict]
    by_commune: list[dict]
    by_agency: list[dict]
    signer_title: str = "TM. BAN THƯỜNG TRỰC"
    signer_role: str = "CHỦ TỊCH"
    recipients: list[str] = field(default_factory=list)
    campaign: Campaign | None = None


def _issuing_front(user) -> Organization:
    """The Front committee the report is issued by: the user's own, else the province's."""
    membership = (
        Membership.objects.filter(
            user_id=getattr(user, "pk", None),
            is_active=True,
            role=Role.FRONT_OFFICER,
            organization__kind__in=[OrganizationKind.FRONT_COMMITTEE, OrganizationKind.FRONT_STANDING_BOARD],
        )
        .select_related("organization__unit")
        .order_by("organization__level")  # "commune" < "province": a commune officer reports for the commune
        .first()
    )
    if (
        membership
        and membership.organization.kind == OrganizationKind.FRONT_STANDING_BOARD
        and membership.organization.parent_id
    ):
        return membership.organization.parent
    if membership:
        return membership.organization
    front = (
        Organization.objects.filter(kind=OrganizationKind.FRONT_COMMITTEE, level=Level.PROVINCE, is_active=True)
        .select_related("unit")
        .first()
    )
    if front is None:
        raise ApplicationError(_("There is no provincial Front committee to issue the report."), code="no_issuer")
    return front


def _issuer_lines(front: Organization) -> list[str]:
    """ "Ủy ban MTTQ Việt Nam tỉnh Điện Biên" → ["ỦY BAN MTTQ VIỆT NAM", "TỈNH ĐIỆN BIÊN"]."""
    upper = front.name.upper()
    for marker in (" TỈNH ", " THÀNH PHỐ ", " XÃ ", " PHƯỜNG ", " ĐẶC KHU "):
        if marker in upper:
            head, tail = upper.split(marker, 1)
            return [head.strip(), f"{marker.strip()} {tail.strip()}"]
    return [upper]


def _place() -> str:
    province = portal_province()
    name = province.name if province else ""
    for prefix in ("Tỉnh ", "Thành phố "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def _vn_date(day: date) -> str:
    return f"ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


def report_build(*, user, kind: str, period_code: str = "", campaign_id: int | None = None) -> ReportFile:
    scope = user_scope(user=user)
    if not scope.sees_aggregates:
        raise ApplicationError(_("You may not produce this report."), code="forbidden")
    front = _issuing_front(user)
    commune_id = front.unit_id if front.level == Level.COMMUNE else None
    campaign = None
    if kind == ReportKind.CAMPAIGN:
        try:
            campaign = Campaign.objects.select_related("unit").get(pk=int(campaign_id))
        except (Campaign.DoesNotExist, TypeError, ValueError):
            raise ApplicationError(
                _("Choose a Listening-to-the-People Month."),
                code="invalid_campaign",
                fields={"campaign": [str(campaign_id)]},
            ) from None
        # Items raised during the month; their answers and results are counted up to today.
        last_day = max(campaign.ends_on, timezone.localdate())
        period = period_parse(f"{campaign.starts_on.isoformat()}..{last_day.isoformat()}")
        title = "BÁO CÁO TỔNG HỢP"
        subtitle = f"Ý kiến, kiến nghị của Nhân dân qua {campaign.name}"
    else:
        period = period_parse(period_code)
        if kind == ReportKind.HALF_YEAR:
            if period.form != PeriodForm.HALF:
                raise ApplicationError(
                    _("Choose a half-year, e.g. 2026-H1."), code="invalid_period", fields={"period": [period.code]}
                )
            which = "6 tháng đầu năm" if period.code.endswith("H1") else "6 tháng cuối năm"
            subtitle = f"Kết quả tiếp nhận, giải quyết ý kiến, kiến nghị của Nhân dân {which} {period.start.year}"
        elif kind == ReportKind.YEAR:
            if period.form != PeriodForm.YEAR:
                raise ApplicationError(
                    _("Choose a year, e.g. 2026."), code="invalid_period", fields={"period": [period.code]}
                )
            subtitle = f"Kết quả tiếp nhận, giải quyết ý kiến, kiến nghị của Nhân dân năm {period.start.year}"
        else:
            raise ApplicationError(_("Unknown kind of report."), code="invalid_kind", fields={"kind": [kind]})
        title = "BÁO CÁO"
    filters = FigureFilters(period=period, commune_id=commune_id, campaign_id=campaign.pk if campaign else None)
    today = timezone.localdate()
    return ReportFile(
        kind=kind,
        title=title,
        subtitle=subtitle,
        issuer_parent=_issuer_lines(front),
        issuer="BAN THƯỜNG TRỰC",
        number="Số:        /BC-MTTQ-BTT",
        place_and_date=f"{_place()}, {_vn_date(today)}",
        period=period,
        totals=figures_totals(user=user, filters=filters, today=today),
        by_category=compliance_figures(user=user, group_by="category", filters=filters, today=today),
        by_commune=compliance_figures(user=user, group_by="commune", filters=filters, today=today),
        by_agency=compliance_figures(user=user, group_by="agency", filters=filters, today=today),
        recipients=[
            "Ban Tuyên giáo và Dân vận Tỉnh ủy (để báo cáo);",
            "Thường trực HĐND, UBND (để phối hợp);",
            "Lưu: VT.",
        ],
        campaign=campaign,
    )


def _rate(value) -> str:
    return "—" if value is None else f"{value:.1f}%".replace(".", ",")


TABLE_HEADERS = [
    "STT",
    "{group}",
    "Tiếp nhận",
    "Đã trả lời",
    "Trả lời đúng hạn",
    "Đã giải quyết",
    "Đến hạn",
    "Tỷ lệ trả lời",
    "Tỷ lệ đúng hạn",
    "Tỷ lệ giải quyết",
]
GROUP_TITLES = {
    "by_category": ("Theo lĩnh vực", "Lĩnh vực"),
    "by_commune": ("Theo xã, phường", "Xã, phường"),
    "by_agency": ("Theo cơ quan giải quyết", "Cơ quan"),
}


def table_rows(rows: list[dict]) -> list[list]:
    return [
        [
            n,
            r["name"] or "(chưa chuyển)",
            r["received"],
            r["answered"],
            r["answered_on_time"],
            r["resolved"],
            r["due"],
            _rate(r["answered_rate"]),
            _rate(r["on_time_rate"]),
            _rate(r["resolved_rate"]),
        ]
        for n, r in enumerate(rows, start=1)
    ]


RATE_COLUMNS = (8, 9, 10)


def xlsx_rows(rows: list[dict]) -> list[list]:
    """The table rows for a spreadsheet: rates as numbers (a fraction, shown with a percent format) so a
    spreadsheet can sum and chart them, instead of the text of the Word file."""
    table = table_rows(rows)
    for values, source in zip(table, rows, strict=True):
        for name, col in zip(("answered_rate", "on_time_rate", "resolved_rate"), RATE_COLUMNS, strict=True):
            rate = source[name]
            values[col - 1] = None if rate is None else round(float(rate) / 100, 4)
    return table


def summary_sentences(report: ReportFile) -> list[str]:
    t = report.totals
    return [
        f"Trong kỳ báo cáo (từ {report.period.start:%d/%m/%Y} đến {report.period.last_day:%d/%m/%Y}), đã tiếp nhận "
        f"{t['received']} ý kiến, kiến nghị của Nhân dân; đã có {t['answered']} ý kiến, kiến nghị được cơ quan có "
        f"thẩm quyền trả lời, trong đó {t['answered_on_time']} trả lời đúng hạn; {t['resolved']} ý kiến, kiến nghị "
        "đã được giải quyết dứt điểm.",
        f"Trong {t['due']} kiến nghị hợp pháp, chính đáng đã đến hạn trả lời: tỷ lệ được trả lời "
        f"{_rate(t['answered_rate'])}, trả lời đúng hạn {_rate(t['on_time_rate'])}, đã giải quyết "
        f"{_rate(t['resolved_rate'])}. Hiện còn {t['in_progress']} ý kiến, kiến nghị đang xử lý, trong đó "
        f"{t['overdue_now']} đã quá hạn.",
    ]


def report_docx(report: ReportFile) -> bytes:
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)

    def para(
        cell_or_doc, text, *, bold=False, italic=False, underline=False, size=None, align=WD_ALIGN_PARAGRAPH.CENTER
    ):
        p = cell_or_doc.add_paragraph()
        p.alignment = align
        p.paragraph_format.space_after = Pt(0)
        run = p.add_run(text)
        run.bold, run.italic, run.underline = bold, italic, underline
        if size:
            run.font.size = Pt(size)
        return p

    header = doc.add_table(rows=1, cols=2)
    header.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = header.rows[0].cells
    left.width, right.width = Cm(6.5), Cm(9.5)
    left.paragraphs[0].text = ""
    for line in report.issuer_parent:
        para(left, line, size=12)
    para(left, report.issuer, bold=True, size=12)
    para(left, report.number, size=13)
    right.paragraphs[0].text = ""
    para(right, NATIONAL_NAME, bold=True, size=12)
    para(right, NATIONAL_MOTTO, bold=True, underline=True, size=13)
    para(right, report.place_and_date, italic=True, size=13)

    doc.add_paragraph()
    para(doc, report.title, bold=True, size=14)
    para(doc, report.subtitle, bold=True, size=14)
    doc.add_paragraph()
    para(doc, "I. TÌNH HÌNH TIẾP NHẬN VÀ KẾT QUẢ GIẢI QUYẾT", bold=True, align=WD_ALIGN_PARAGRAPH.LEFT)
    for sentence in summary_sentences(report):
        p = para(doc, sentence, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        p.paragraph_format.first_line_indent = Cm(1)
    for roman, (key, (heading, group)) in zip(("II", "III", "IV"), GROUP_TITLES.items(), strict=True):
        para(doc, f"{roman}. KẾT QUẢ {heading.upper()}", bold=True, align=WD_ALIGN_PARAGRAPH.LEFT)
        _docx_table(doc, table_rows(getattr(report, key)), group=group)
        doc.add_paragraph()

    signature = doc.add_table(rows=1, cols=2)
    left, right = signature.rows[0].cells
    left.paragraphs[0].text = ""
    para(left, "Nơi nhận:", bold=True, italic=True, size=12, align=WD_ALIGN_PARAGRAPH.LEFT)
    for line in report.recipients:
        para(left, f"- {line}", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    right.paragraphs[0].text = ""
    para(right, report.signer_title, bold=True)
    para(right, report.signer_role, bold=True)
    for _blank in range(4):
        para(right, "")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _docx_table(doc, rows: list, *, group: str) -> None:
    from docx.shared import Pt

    table = doc.add_table(rows=1, cols=len(TABLE_HEADERS))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, TABLE_HEADERS, strict=True):
        cell.text = text.format(group=group)
        for run in cell.paragraphs[0].runs:
            run.bold = True
            run.font.size = Pt(10)
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = str(value)
            for run in cell.paragraphs[0].runs:
                run.font.size = Pt(10)


def report_xlsx(report: ReportFile) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    book = Workbook()
    sheet = book.active
    sheet.title = "Báo cáo"
    width = len(TABLE_HEADERS)
    bold, centre = Font(name="Times New Roman", bold=True), Alignment(horizontal="center", wrap_text=True)
    plain = Font(name="Times New Roman")
    thin = Side(style="thin")
    grid = Border(left=thin, right=thin, top=thin, bottom=thin)

    def write(row, col, value, *, font=plain, merge_to=None, align=centre, border=None):
        cell = sheet.cell(row=row, column=col, value=spreadsheet_cell(value))
        cell.font, cell.alignment = font, align
        if border:
            cell.border = border
        if merge_to:
            sheet.merge_cells(start_row=row, start_column=col, end_row=row, end_column=merge_to)
        return cell

    row = _xlsx_heading(write, report, width=width, bold=bold, plain=plain)
    write(row, 1, report.title, font=Font(name="Times New Roman", bold=True, size=14), merge_to=width)
    write(row + 1, 1, report.subtitle, font=bold, merge_to=width)
    row += 3
    for sentence in summary_sentences(report):
        write(row, 1, sentence, merge_to=width, align=Alignment(wrap_text=True, vertical="top"))
        sheet.row_dimensions[row].height = 48
        row += 1
    for key, (heading, group) in GROUP_TITLES.items():
        row += 1
        write(row, 1, heading, font=bold, merge_to=width, align=Alignment(horizontal="left"))
        row += 1
        for col, text in enumerate(TABLE_HEADERS, start=1):
            write(row, col, text.format(group=group), font=bold, border=grid)
        rows = getattr(report, key)
        for values in xlsx_rows(rows):
            row += 1
            for col, value in enumerate(values, start=1):
                cell = write(
                    row,
                    col,
                    value,
                    border=grid,
                    align=Alignment(horizontal="left" if col == 2 else "center", wrap_text=True),
                )
                cell.number_format = "0.0%" if col >= RATE_COLUMNS[0] else cell.number_format
        row += 1
    row += 1
    write(
        row,
        1,
        "Nơi nhận:",
        font=Font(name="Times New Roman", bold=True, italic=True),
        merge_to=3,
        align=Alignment(horizontal="left"),
    )
    write(row, 6, report.signer_title, font=bold, merge_to=width)
    write(row + 1, 6, report.signer_role, font=bold, merge_to=width)
    for i, line in enumerate(report.recipients, start=1):
        write(row + i, 1, f"- {line}", merge_to=3, align=Alignment(horizontal="left"))
    sheet.column_dimensions["A"].width = 6
    sheet.column_dimensions["B"].width = 34
    for col in "CDEFGHIJ":
        sheet.column_dimensions[col].width = 12
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_heading(write, report: ReportFile, *, width: int, bold, plain) -> int:
    """The issuer on the left, the national name and the date on the right; returns the next free row."""
    from openpyxl.styles import Font

    left_lines = [*report.issuer_parent, report.issuer, report.number]
    right_lines = [NATIONAL_NAME, NATIONAL_MOTTO, report.place_and_date]
    for i in range(max(len(left_lines), len(right_lines))):
        if i < len(left_lines):
            write(i + 1, 1, left_lines[i], font=bold if i == len(left_lines) - 2 else plain, merge_to=3)
        if i < len(right_lines):
            italic = Font(name="Times New Roman", italic=True)
            write(i + 1, 5, right_lines[i], font=italic if i == 2 else bold, merge_to=width)
    return max(len(left_lines), len(right_lines)) + 2


def report_groups(report: ReportFile) -> list[dict]:
    """The three tables of the report, for the printable page."""
    groups = []
    for number, (key, (heading, group)) in zip(("II", "III", "IV"), GROUP_TITLES.items(), strict=True):
        groups.append(
            {
                "number": number,
                "heading": heading,
                "headers": [h.format(group=group) for h in TABLE_HEADERS],
                "rows": table_rows(getattr(report, key)),
            }
        )
    return groups


def campaigns_for_reports(*, user):
    """Listening-to-the-People Months the user's Front reports on: its commune's and the province's."""
    scope = user_scope(user=user)
    qs = Campaign.objects.select_related("unit").order_by("-starts_on")
    if scope.sees_whole_province or scope.is_board_viewer:
        return qs
    return qs.filter(unit_id__in=scope.front_unit_ids) | qs.filter(unit__parent__isnull=True)
