"""Invitations for new staff accounts, and the import of staff from a spreadsheet (ADR 0127).

An administrator never hands a password over: a new account has no usable password and its owner gets an
email with a link to set one (then to enrol the second factor, where the role requires it). The link is
signed, expires after ``INVITATION_TIMEOUT`` seconds and works once: it names the account's password state,
which changes when the password is set.
"""

import hashlib
import io
from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from mttq_portal.errors import ApplicationError

from .audit import security_event_record
from .models import Organization, Role, SecurityEventKind, User
from .services import staff_user_create

SALT = "organizations.invitation"


def _state(user: User) -> str:
    return hashlib.sha256(f"{user.password}:{user.last_login}".encode()).hexdigest()[:16]


def invitation_token(*, user: User) -> str:
    return signing.dumps({"u": user.pk, "s": _state(user)}, salt=SALT)


def invitation_user(*, token: str) -> User | None:
    """The account the link invites, or None when the link is forged, expired or already used."""
    try:
        data = signing.loads(token, salt=SALT, max_age=settings.INVITATION_TIMEOUT)
    except signing.BadSignature:
        return None
    user = User.objects.filter(pk=data.get("u"), is_active=True).first()
    if user is None or _state(user) != data.get("s"):
        return None
    return user


def staff_invitation_send(*, user: User, invited_by=None, request=None) -> None:
    """Email the link (Vietnamese first, then English) after the account is committed."""
    if not user.email:
        raise ApplicationError(_("The account needs an email address for the invitation."), code="no_email")
    link = settings.PORTAL_BASE_URL.rstrip("/") + reverse("invitation-accept", args=[invitation_token(user=user)])
    days = settings.INVITATION_TIMEOUT // 86400
    parts = []
    for language in ("vi", "en"):
        with translation.override(language):
            parts.append(
                _(
                    "An account on the MTTQ Portal was created for you: %(username)s. Open this link within "
                    "%(days)s days to choose your password (it works once):"
                )
                % {"username": user.get_username(), "days": days}
            )
    with translation.override("vi"):
        subject = _("Your MTTQ Portal account")
    body = f"{parts[0]}\n{link}\n\n{parts[1]}\n{link}\n"
    transaction.on_commit(lambda: send_mail(subject, body, None, [user.email]))
    security_event_record(
        kind=SecurityEventKind.INVITATION_SENT, request=request, actor=invited_by, object_type="user", object_id=user.pk
    )


def staff_invite(
    *,
    username: str,
    email: str,
    first_name: str = "",
    last_name: str = "",
    organization: Organization | None = None,
    role: str | None = None,
    invited_by=None,
    request=None,
) -> User:
    with transaction.atomic():
        user = staff_user_create(
            username=username,
            password=None,
            email=email,
            first_name=first_name,
            last_name=last_name,
            organization=organization,
            role=role,
        )
        staff_invitation_send(user=user, invited_by=invited_by, request=request)
    return user


# ---- import from a spreadsheet ------------------------------------------------------------------------

IMPORT_COLUMNS = ["name", "email", "organisation", "role"]
ROLE_NAMES = {
    **{value: value for value in Role.values},
    **{str(label).lower(): value for value, label in Role.choices},
    "can bo mat tran": Role.FRONT_OFFICER,
    "cán bộ mặt trận": Role.FRONT_OFFICER,
    "can bo co quan": Role.AGENCY_OFFICER,
    "cán bộ cơ quan": Role.AGENCY_OFFICER,
    "quan tri": Role.ADMINISTRATOR,
    "quản trị": Role.ADMINISTRATOR,
}


@dataclass
class ImportRow:
    number: int
    values: dict
    errors: list[str] = field(default_factory=list)
    user: User | None = None


@dataclass
class ImportReport:
    rows: list[ImportRow]
    created: int = 0

    @property
    def ok(self) -> bool:
        return all(not row.errors for row in self.rows)


def _read_rows(content: bytes, filename: str) -> list[list[str]]:
    if filename.lower().endswith(".csv"):
        import csv

        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ApplicationError(_("Save the CSV file as UTF-8."), code="invalid_file") from error
        return list(csv.reader(io.StringIO(text)))
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
    except Exception as error:  # a broken or foreign file: a clear message, never a 500
        raise ApplicationError(_("The file is not an Excel (.xlsx) or CSV file."), code="invalid_file") from error
    return [["" if cell is None else str(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]


def staff_import(*, content: bytes, filename: str, invited_by, request=None) -> ImportReport:
    """Check every row (name, email, organisation code, role); create none unless all are right, then create
    the accounts and send their invitations. Returns a report per row."""
    table = [row for row in _read_rows(content, filename) if any(str(c).strip() for c in row)]
    if not table:
        raise ApplicationError(_("The file is empty."), code="empty_file")
    header = [str(c).strip().lower() for c in table[0]][: len(IMPORT_COLUMNS)]
    if header != IMPORT_COLUMNS:
        raise ApplicationError(
            _("The columns must be, in this order: %(columns)s.") % {"columns": ", ".join(IMPORT_COLUMNS)},
            code="invalid_columns",
        )
    organizations = {o.code: o for o in Organization.objects.filter(is_active=True)}
    existing = {e.lower() for e in User.objects.exclude(email="").values_list("email", flat=True)}
    seen: set[str] = set()
    rows = []
    for number, raw in enumerate(table[1:], start=2):
        values = dict(zip(IMPORT_COLUMNS, [str(c).strip() for c in [*raw, "", "", "", ""][:4]], strict=True))
        row = ImportRow(number=number, values=values)
        email = values["email"].lower()
        if not values["name"]:
            row.errors.append(_("The name is missing."))
        if "@" not in email or "." not in email.split("@")[-1]:
            row.errors.append(_("The email address is not valid."))
        elif email in existing or email in seen:
            row.errors.append(_("An account with this email already exists."))
        seen.add(email)
        if values["organisation"] not in organizations:
            row.errors.append(_("Unknown organisation code “%(code)s”.") % {"code": values["organisation"]})
        if ROLE_NAMES.get(values["role"].lower()) is None:
            row.errors.append(_("Unknown role “%(role)s”.") % {"role": values["role"]})
        rows.append(row)
    report = ImportReport(rows=rows)
    if not report.ok:
        return report
    with transaction.atomic():
        for row in rows:
            first, _sep, last = row.values["name"].rpartition(" ")
            row.user = staff_invite(
                username=row.values["email"].lower(),
                email=row.values["email"].lower(),
                first_name=last,  # Vietnamese order: family name first, given name last
                last_name=first,
                organization=organizations[row.values["organisation"]],
                role=ROLE_NAMES[row.values["role"].lower()],
                invited_by=invited_by,
                request=request,
            )
            report.created += 1
    return report
