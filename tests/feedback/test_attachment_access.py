"""Attachments are served only through the permission-checked view."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from feedback.models import Attachment, PersonalDataAccess
from feedback.services.intake import item_submit
from feedback.views.public import attachment_token
from tests.feedback.files import PDF

pytestmark = pytest.mark.django_db


@pytest.fixture
def attachment(submit_kwargs, commune):
    result = item_submit(**submit_kwargs, attachments=[SimpleUploadedFile("don.pdf", PDF)])
    return result.item.attachments.get()


def test_citizen_upload_is_not_public_even_with_a_token(client, attachment):
    assert client.get(f"/tep/{attachment.id}/").status_code == 404
    assert client.get(f"/tep/{attachment.id}/?t={attachment_token(attachment.id)}").status_code == 404


def test_public_answer_attachment_with_a_signed_link(client, attachment, make_answered):
    make_answered(attachment.item)
    Attachment.objects.filter(pk=attachment.pk).update(is_public=True)
    response = client.get(f"/tep/{attachment.id}/?t={attachment_token(attachment.id)}")
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["X-Content-Type-Options"] == "nosniff"
    assert client.get(f"/tep/{attachment.id}/?t={attachment_token(attachment.id + 1)}").status_code == 404
    assert client.get(f"/tep/{attachment.id}/?t=forged").status_code == 404


def test_staff_in_scope_may_download_and_it_is_logged(client, attachment, commune):
    from organizations.models import Level, OrganizationKind, Role
    from tests.factories import MembershipFactory, OrganizationFactory

    front = OrganizationFactory(kind=OrganizationKind.FRONT_COMMITTEE, level=Level.COMMUNE, unit=commune)
    officer = MembershipFactory(organization=front, role=Role.FRONT_OFFICER).user
    other = MembershipFactory(organization=OrganizationFactory(), role=Role.FRONT_OFFICER).user
    client.force_login(other)
    assert client.get(f"/tep/{attachment.id}/").status_code == 404
    client.force_login(officer)
    assert client.get(f"/tep/{attachment.id}/").status_code == 200
    assert PersonalDataAccess.objects.filter(user=officer, item=attachment.item).exists()


def test_media_root_is_not_served(client, attachment):
    assert client.get(f"/media/{attachment.file.name}").status_code == 404
