"""item_submit: the one way to create an item."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from feedback import tracking
from feedback.models import Campaign, EventKind, Item, ItemEvent, Status, Step
from feedback.services import intake
from feedback.services.intake import AFTER_SUBMIT_HOOKS, item_submit
from mttq_portal.errors import ApplicationError, ConflictError
from tests.factories import CommuneFactory, OrganizationFactory, ResidentialAreaFactory
from tests.feedback.files import PDF, SVG, docx_bytes, jpeg_with_gps

VN = ZoneInfo("Asia/Ho_Chi_Minh")
pytestmark = pytest.mark.django_db


def test_submit_creates_item_with_code_secret_due_date_and_event(submit_kwargs, django_capture_on_commit_callbacks):
    # Given a citizen's matter received on Monday 2 March 2026
    received = dt.datetime(2026, 3, 2, 9, 0, tzinfo=VN)
    # When it is submitted
    with django_capture_on_commit_callbacks(execute=True):
        result = item_submit(**submit_kwargs, received_at=received, request_text="Đề nghị sửa đường")
    item = Item.objects.get(pk=result.item.pk)
    # Then it has a valid code, only the secret's hash, a folded search copy and the triage deadline
    assert result.created is True
    assert tracking.normalize_tracking_code(item.tracking_code) == item.tracking_code
    assert result.secret not in item.secret_hash
    assert tracking.secret_matches(tracking_code=item.tracking_code, secret=result.secret, secret_hash=item.secret_hash)
    assert "duong vao ban bi sat lo" in item.search_text
    assert "de nghi sua duong" in item.search_text
    assert item.status == Status.RECEIVED
    assert item.due_step == Step.TRIAGE
    # 10 working days (Law on Citizen Reception 2013 Art. 28) after Monday 2 March 2026: Tue 3 (1), Wed 4 (2),
    # Thu 5 (3), Fri 6 (4), Mon 9 (5), Tue 10 (6), Wed 11 (7), Thu 12 (8), Fri 13 (9), Mon 16 (10)
    assert item.due_date == item.triage_due_date == dt.date(2026, 3, 16)
    assert item.due_rule is not None
    assert item.due_rule.step == Step.TRIAGE
    event = ItemEvent.objects.get(item=item)
    assert event.kind == EventKind.SUBMITTED
    assert event.is_public
    assert event.to_status == Status.RECEIVED


def test_remote_area_uses_remote_days(submit_kwargs, commune):
    # Given a remote commune and a triage rule with longer days in remote areas
    from feedback.models import DeadlineRule

    DeadlineRule.objects.filter(step=Step.TRIAGE).update(remote_days=15)
    commune.is_remote_area = True
    commune.save(update_fields=["is_remote_area"])
    # When an item is submitted there on Monday 2 March 2026
    result = item_submit(**submit_kwargs, received_at=dt.datetime(2026, 3, 2, 9, tzinfo=VN))
    # Then the triage deadline is 15 working days later: Mon 16 Mar is the 10th (see above), then Tue 17 (11),
    # Wed 18 (12), Thu 19 (13), Fri 20 (14), Mon 23 (15)
    assert result.item.triage_due_date == dt.date(2026, 3, 23)


def test_same_idempotency_key_returns_same_item_and_secret(submit_kwargs):
    # Given one submission with a key
    first = item_submit(**submit_kwargs, idempotency_key="form-0123456789abcdef")
    # When the same form is sent again (double tap)
    second = item_submit(**submit_kwargs, idempotency_key="form-0123456789abcdef")
    # Then there is one item and the receipt is the same
    assert Item.objects.count() == 1
    assert second.created is False
    assert second.item.pk == first.item.pk
    assert second.secret == first.secret


def test_idempotency_key_reused_with_other_content_is_a_conflict(submit_kwargs):
    item_submit(**submit_kwargs, idempotency_key="form-0123456789abcdef")
    with pytest.raises(ConflictError):
        item_submit(**{**submit_kwargs, "content": "Nội dung khác"}, idempotency_key="form-0123456789abcdef")
    assert Item.objects.count() == 1


@pytest.mark.parametrize("key", ["short", "x" * 65, "has space in the key!"])
def test_bad_idempotency_key_is_refused(submit_kwargs, key):
    with pytest.raises(ApplicationError) as error:
        item_submit(**submit_kwargs, idempotency_key=key)
    assert "idempotency_key" in error.value.fields


def test_consent_to_processing_is_required(submit_kwargs):
    with pytest.raises(ApplicationError) as error:
        item_submit(**submit_kwargs | {"consent_processing": False})
    assert error.value.code == "consent_required"
    assert "consent_processing" in error.value.fields
    assert not Item.objects.exists()


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("0912 345 678", "+84912345678"),
        ("+84 912.345.678", "+84912345678"),
        ("84912345678", "+84912345678"),
        ("(+84) 0912-345-678", "+84912345678"),
        ("0215 3825 123", "+842153825123"),
    ],
)
def test_phone_is_normalised(submit_kwargs, raw, stored):
    result = item_submit(**submit_kwargs, submitter_phone=raw, consent_contact=True)
    assert result.item.submitter_phone == stored


@pytest.mark.parametrize("raw", ["12345", "0112345678", "+1 415 555 0100", "09123456789", "abc"])
def test_bad_phone_is_refused_on_its_field(submit_kwargs, raw):
    with pytest.raises(ApplicationError) as error:
        item_submit(**submit_kwargs, submitter_phone=raw)
    assert "submitter_phone" in error.value.fields


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", ""),
        ("title", "x" * 201),
        ("content", "   "),
        ("category_id", 999999),
        ("category_id", "abc"),
        ("commune_id", None),
        ("type", "hack"),
        ("submitter_email", "not-an-email"),
        ("latitude", "north"),
        ("latitude", "91"),
    ],
)
def test_bad_fields_are_refused_on_their_field(submit_kwargs, field, value):
    kwargs = submit_kwargs | {field: value}
    if field == "latitude":
        kwargs["longitude"] = "103.0"
    with pytest.raises(ApplicationError) as error:
        item_submit(**kwargs)
    assert error.value.fields, error.value.message
    assert not Item.objects.exists()


def test_province_is_not_a_commune(submit_kwargs, commune):
    with pytest.raises(ApplicationError):
        item_submit(**submit_kwargs | {"commune_id": commune.parent_id})


def test_residential_area_must_belong_to_commune(submit_kwargs, commune):
    other = ResidentialAreaFactory(commune=CommuneFactory(parent=commune.parent))
    with pytest.raises(ApplicationError) as error:
        item_submit(**submit_kwargs, residential_area_id=other.id)
    assert "residential_area" in error.value.fields
    own = ResidentialAreaFactory(commune=commune)
    assert item_submit(**submit_kwargs, residential_area_id=own.id).item.residential_area_id == own.id


def test_anonymous_submission_keeps_no_contact(submit_kwargs):
    result = item_submit(
        **submit_kwargs,
        is_anonymous=True,
        submitter_name="Lò Văn A",
        submitter_phone="0912345678",
        consent_contact=True,
    )
    item = result.item
    assert (item.submitter_name, item.submitter_phone, item.consent_contact) == ("", "", False)


def test_campaign_of_commune_or_province_is_tagged(submit_kwargs, commune):
    # Given a province-wide Listening-to-the-People Month running in March 2026, and one in the commune
    front = OrganizationFactory(unit=commune.parent, level="province")
    province_wide = Campaign.objects.create(
        name="Tháng nghe dân nói 3/2026",
        organization=front,
        unit=commune.parent,
        starts_on=dt.date(2026, 3, 1),
        ends_on=dt.date(2026, 3, 31),
    )
    # When an item of another commune is received during it
    other = CommuneFactory(parent=commune.parent)
    tagged = item_submit(**submit_kwargs | {"commune_id": other.id}, received_at=dt.datetime(2026, 3, 10, tzinfo=VN))
    untagged = item_submit(**submit_kwargs, received_at=dt.datetime(2026, 4, 10, tzinfo=VN))
    # Then the item received in the period is tagged, the later one is not
    assert tagged.item.campaign_id == province_wide.id
    assert untagged.item.campaign_id is None
    local = Campaign.objects.create(
        name="Tháng nghe dân nói xã",
        organization=front,
        unit=commune,
        starts_on=dt.date(2026, 3, 5),
        ends_on=dt.date(2026, 3, 20),
    )
    assert item_submit(**submit_kwargs, received_at=dt.datetime(2026, 3, 10, tzinfo=VN)).item.campaign_id == local.id


def test_after_submit_hooks_run_on_commit_and_a_failing_hook_does_not_fail(
    submit_kwargs, django_capture_on_commit_callbacks
):
    seen = []

    def broken(item_id):
        raise ConnectionError("broker down")

    registered = list(AFTER_SUBMIT_HOOKS)  # the notification outbox registers itself at start-up
    AFTER_SUBMIT_HOOKS[:] = [broken, seen.append]
    try:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            result = item_submit(**submit_kwargs)
            assert seen == []  # not before commit
        assert len(callbacks) == 1
        assert seen == [result.item.id]
    finally:
        AFTER_SUBMIT_HOOKS[:] = registered


def test_attachments_are_checked_reencoded_and_stored(submit_kwargs, settings):
    photo = SimpleUploadedFile("anh.jpg", jpeg_with_gps(), content_type="image/jpeg")
    pdf = SimpleUploadedFile("don.pdf", PDF, content_type="application/pdf")
    word = SimpleUploadedFile("don.docx", docx_bytes())
    result = item_submit(**submit_kwargs, attachments=[photo, pdf, word])
    stored = list(result.item.attachments.order_by("id"))
    assert [a.content_type.split("/")[-1][:4] for a in stored] == ["jpeg", "pdf", "vnd."]
    image_path = settings.MEDIA_ROOT / stored[0].file.name
    with Image.open(image_path) as image:
        assert not image.getexif()  # no GPS, no camera make
    assert "anh" not in stored[0].file.name
    assert len(stored[0].file.name.rsplit("/", 1)[-1]) > 30
    assert stored[0].original_name == "anh.jpg"
    assert not stored[0].is_public


def test_svg_is_refused_and_nothing_is_written(submit_kwargs, settings):
    svg = SimpleUploadedFile("anh.jpg", SVG, content_type="image/jpeg")
    with pytest.raises(ApplicationError) as error:
        item_submit(**submit_kwargs, attachments=[svg])
    assert error.value.code == "attachment_type_refused"
    assert not Item.objects.exists()


def test_failed_write_leaves_no_orphan_file(submit_kwargs, settings, monkeypatch):
    def explode(**kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(intake.Attachment.objects, "bulk_create", lambda rows: explode())
    with pytest.raises(RuntimeError):
        item_submit(**submit_kwargs, attachments=[SimpleUploadedFile("don.pdf", PDF)])
    media = settings.MEDIA_ROOT
    assert not media.exists() or not [p for p in media.rglob("*") if p.is_file()]


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("vi", "Trường tiêu đề quá dài (tối đa 200 ký tự, bạn đã nhập 201)."),
        ("en", "The title is too long (at most 200 characters, you wrote 201)."),  # a sentence begins in capitals
    ],
)
def test_a_text_error_names_the_field_in_the_language_of_the_moment(submit_kwargs, language, expected):
    # Given the field names, read once per process (lazily), and a citizen writing in either language
    from django.utils import translation

    from feedback.services.intake import item_submit

    # When a title one character too long is submitted, then the error names the title in that language
    with translation.override(language), pytest.raises(ApplicationError) as refused:
        item_submit(**{**submit_kwargs, "title": "t" * 201})
    assert refused.value.fields == {"title": [expected]}
