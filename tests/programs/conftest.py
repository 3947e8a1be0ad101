"""Fixtures of the programs tests: the annex seeded, evidence files, and an activity helper."""

import datetime
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from programs.models import Activity, ActivityKind, Programme
from programs.seeding import seed_programmes
from tests.pdfs import one_page_pdf

PDF_BYTES = one_page_pdf()  # a real PDF: a fake one is refused by the upload checker


def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGBA", (2, 2), (0, 128, 0, 255)).save(out, format="PNG")
    return out.getvalue()


PNG_BYTES = _png()  # a real picture: the upload checker rebuilds images from their pixels


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def programmes(db):
    seed_programmes(stdout=StringIO())
    return {p.number: p for p in Programme.objects.all()}


@pytest.fixture
def pdf():
    return SimpleUploadedFile("bien-ban.pdf", PDF_BYTES, content_type="application/pdf")


@pytest.fixture
def fake_pdf():
    """A script renamed .pdf and claiming to be a PDF: the content decides."""
    return SimpleUploadedFile("bien-ban.pdf", b"#!/bin/sh\necho hello\n" * 10, content_type="application/pdf")


def make_activity(
    *, programme, organization, user, held_on=datetime.date(2026, 3, 1), kind=ActivityKind.DIALOGUE, **extra
):
    commune = organization.unit if organization.unit.parent_id else None
    return Activity.objects.create(
        programme=programme,
        kind=kind,
        held_on=held_on,
        organization=organization,
        commune=commune,
        description=extra.pop("description", "Đối thoại với Nhân dân"),
        created_by=user,
        **extra,
    )
