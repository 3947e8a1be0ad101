"""New staff get an invitation email with a one-time link to choose a password (then the second factor);
administrators import staff from a spreadsheet with a report per row."""

import io
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from organizations.invitations import staff_invite
from organizations.models import Membership, SecurityEvent, SecurityEventKind, User

NEW_PASSWORD = "Sông Đà chảy về xuôi 7"


def link_in(message) -> str:
    return re.search(r"http://[^\s]+/accounts/invitation/[^\s]+/", message.body).group(0).split("8000", 1)[-1]


@pytest.mark.django_db
def test_an_invited_officer_chooses_a_password_once_then_enrols_the_second_factor(
    client, front_a, admin_user, django_capture_on_commit_callbacks, settings
):
    settings.MFA_ENFORCED = True
    with django_capture_on_commit_callbacks(execute=True):
        user = staff_invite(
            username="lan", email="lan@example.org", organization=front_a, role="front_officer", invited_by=admin_user
        )

    assert not user.has_usable_password()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["lan@example.org"]
    assert "Tài khoản" in mail.outbox[0].subject or "tài khoản" in mail.outbox[0].body
    path = link_in(mail.outbox[0])

    assert client.get(path).status_code == 200
    response = client.post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/mfa/totp/"
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    # The link works once.
    client.post("/accounts/logout/")
    assert client.get(path).status_code == 404
    kinds = set(SecurityEvent.objects.values_list("kind", flat=True))
    assert {SecurityEventKind.INVITATION_SENT, SecurityEventKind.PASSWORD_CHANGED} <= kinds


@pytest.mark.django_db
def test_a_weak_password_is_refused_on_the_invitation_page(client, front_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        staff_invite(username="hoa", email="hoa@example.org", organization=front_a, role="front_officer")
    response = client.post(link_in(mail.outbox[0]), {"new_password1": "matkhau2026", "new_password2": "matkhau2026"})

    assert response.status_code == 200
    assert not User.objects.get(username="hoa").has_usable_password()


@pytest.mark.django_db
def test_the_admin_creates_a_user_without_a_password_and_an_invitation_goes_out(
    client, admin_user, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/quan-tri/organizations/user/add/",
            {
                "username": "minh",
                "email": "minh@example.org",
                "first_name": "Minh",
                "last_name": "Lò",
                "memberships-TOTAL_FORMS": "0",
                "memberships-INITIAL_FORMS": "0",
            },
        )

    assert response.status_code == 302
    user = User.objects.get(username="minh")
    assert not user.has_usable_password()
    assert [m.to for m in mail.outbox] == [["minh@example.org"]]


def workbook(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.django_db
def test_import_reports_every_wrong_row_and_creates_nothing(client, admin_user, front_a):
    client.force_login(admin_user)
    content = workbook(
        [
            ["name", "email", "organisation", "role"],
            ["Lò Thị Lan", "lan@example.org", front_a.code, "front_officer"],
            ["", "not-an-email", "no-such-org", "chief"],
        ]
    )
    response = client.post("/quan-tri/organizations/user/import/", {"file": SimpleUploadedFile("can-bo.xlsx", content)})

    page = response.content.decode()
    assert response.status_code == 200
    assert not User.objects.filter(email="lan@example.org").exists()
    assert "no-such-org" in page
    assert "chief" in page
    assert len(mail.outbox) == 0


@pytest.mark.django_db
def test_import_creates_the_accounts_and_memberships_and_invites_everyone(
    client, admin_user, front_a, agency_a, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)
    content = workbook(
        [
            ["name", "email", "organisation", "role"],
            ["Lò Thị Lan", "Lan@Example.org", front_a.code, "front_officer"],
            ["Quàng Văn Minh", "minh@example.org", agency_a.code, "agency_officer"],
        ]
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/quan-tri/organizations/user/import/", {"file": SimpleUploadedFile("can-bo.xlsx", content)}
        )

    assert response.status_code == 200
    lan = User.objects.get(email="lan@example.org")
    assert (lan.last_name, lan.first_name) == ("Lò Thị", "Lan")
    assert Membership.objects.filter(user=lan, organization=front_a, role="front_officer").exists()
    assert Membership.objects.filter(user__email="minh@example.org", organization=agency_a).exists()
    assert sorted(m.to[0] for m in mail.outbox) == ["lan@example.org", "minh@example.org"]


@pytest.mark.django_db
def test_a_file_that_is_not_a_spreadsheet_gets_a_message_not_an_error(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        "/quan-tri/organizations/user/import/", {"file": SimpleUploadedFile("x.xlsx", b"not a workbook")}
    )
    assert response.status_code == 200
    assert "errornote" in response.content.decode()
