"""Fixtures of the feedback tests: reference data, a commune, a valid submission; uploads in a temp MEDIA_ROOT."""

from io import StringIO

import pytest

from feedback.deadlines import seed_deadline_rules
from feedback.models import Category
from tests.factories import CommuneFactory, ProvinceFactory


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def rules(db):
    seed_deadline_rules(stdout=StringIO())


@pytest.fixture
def category(db):
    return Category.objects.create(code="dat-dai", name_vi="Đất đai", name_en="Land", order=10)


@pytest.fixture
def commune(db):
    return CommuneFactory(name="Xã Mường Phăng", parent=ProvinceFactory())


@pytest.fixture
def submit_kwargs(rules, category, commune):
    """The minimum a citizen gives."""
    return {
        "type": "recommendation",
        "category_id": category.id,
        "commune_id": commune.id,
        "title": "Đường vào bản bị sạt lở",
        "content": "Sau mưa lớn, đoạn đường vào bản Co Luống bị sạt, xe máy không đi được.",
        "channel": "web",
        "privacy_notice_version": "2026-01",
        "consent_method": "online_form",
    }


@pytest.fixture
def submitted(submit_kwargs):
    """A submitted item and its secret, with a phone number given."""
    from feedback.services.intake import item_submit

    result = item_submit(**submit_kwargs, submitter_name="Lò Văn Pánh", submitter_phone="0912 345 678")
    return result.item, result.secret


@pytest.fixture
def make_answered(commune):
    """Move an item through triage and forwarding to answered (and optionally closed) with a public answer."""
    from feedback.services.transitions import MoveData, item_move
    from feedback.workflow import Actor, Move
    from organizations.models import Level, OrganizationKind
    from tests.factories import OrganizationFactory

    agency = OrganizationFactory(
        kind=OrganizationKind.PEOPLES_COMMITTEE, level=Level.COMMUNE, unit=commune, name="UBND xã Mường Phăng"
    )

    def move(item, *, close: bool = False, answer: str = "Đã sửa xong đoạn đường."):
        import datetime as dt

        item_move(item_id=item.id, move=Move.ACCEPT, actor=Actor.FRONT, data=MoveData(is_public=True))
        item_move(
            item_id=item.id,
            move=Move.FORWARD,
            actor=Actor.FRONT,
            data=MoveData(agency_id=agency.id, due_date=dt.date(2099, 1, 1), is_public=True),
        )
        item_move(
            item_id=item.id, move=Move.ANSWER, actor=Actor.AGENCY, data=MoveData(public_answer=answer, is_public=True)
        )
        if close:
            item_move(item_id=item.id, move=Move.RESOLVE, actor=Actor.FRONT, data=MoveData(is_public=True))
        item.refresh_from_db()
        return item

    move.agency = agency
    return move


# ---- notifications and background jobs --------------------------------------------------------------


@pytest.fixture
def sms_outbox():
    from feedback import sms

    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture
def citizen_submission(rules, category, commune_a, officer_a, agency_officer_a, sms_outbox):
    """A submission in commune A by a citizen who agreed to be contacted, with email and phone."""
    return {
        "type": "recommendation",
        "category_id": category.id,
        "commune_id": commune_a.id,
        "title": "Đường vào bản bị sạt lở",
        "content": "Sau mưa lớn, đoạn đường vào bản Co Luống bị sạt, xe máy không đi được.",
        "channel": "web",
        "privacy_notice_version": "2026-01",
        "consent_method": "online_form",
        "consent_contact": True,
        "submitter_name": "Lò Văn Páo",
        "submitter_email": "pao@example.org",
        "submitter_phone": "0912345678",
    }


@pytest.fixture
def mail_dir(tmp_path, monkeypatch, settings):
    """A file-based mail backend shared with the worker process (set before the worker starts)."""
    directory = tmp_path / "mail"
    directory.mkdir()
    monkeypatch.setenv("TEST_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
    monkeypatch.setenv("EMAIL_FILE_PATH", str(directory))
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(directory)
    return directory


@pytest.fixture
def worker(mail_dir, celery_worker_process):
    """A real worker whose mail lands in ``mail_dir``."""
    return celery_worker_process


@pytest.fixture
def chase_people(commune_a, agency_a, province, officer_a, agency_officer_a, province_officer, board_viewer):
    """Everyone the chase may tell: the commune Front, the agency, the agency's superior (the provincial
    People's Committee), the provincial Front and the provincial board."""
    from organizations.models import Level, OrganizationKind, Role
    from tests.factories import MembershipFactory, OrganizationFactory

    superior = OrganizationFactory(
        kind=OrganizationKind.PEOPLES_COMMITTEE, level=Level.PROVINCE, unit=province, name="UBND tỉnh Điện Biên"
    )
    agency_a.parent = superior
    agency_a.save(update_fields=["parent"])
    superior_officer = MembershipFactory(organization=superior, role=Role.AGENCY_OFFICER).user
    return {
        "front": officer_a,
        "agency": agency_officer_a,
        "superior": superior_officer,
        "province": province_officer,
        "board": board_viewer,
    }


@pytest.fixture
def payload(submit_kwargs):
    """A citizen's JSON submission to the public API (POST /api/v1/public/items/)."""
    return {
        "type": "report",
        "category": submit_kwargs["category_id"],
        "commune": submit_kwargs["commune_id"],
        "title": "Rác thải đổ trộm bên suối",
        "content": "Có người đổ rác xuống suối Nậm Rốm vào ban đêm.",
        "consent_processing": True,
    }
