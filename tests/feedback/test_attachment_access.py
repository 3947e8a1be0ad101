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
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
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


def test_agency_never_gets_the_files_handed_in_with_a_denunciation(client, submit_kwargs, commune):
    """Given a denunciation with a file, forwarded to an agency; when the agency officer asks for the file,
    then it is refused, while the commune's Front officer still gets it."""
    from datetime import date

    from feedback.services.transitions import MoveData, item_move
    from feedback.workflow import Actor, Move
    from organizations.models import Level, OrganizationKind, Role
    from tests.factories import MembershipFactory, OrganizationFactory

    kwargs = {**submit_kwargs, "type": "denunciation", "submitter_name": "Lò Văn A"}
    item = item_submit(**kwargs, attachments=[SimpleUploadedFile("bang-chung.pdf", PDF)]).item
    agency = OrganizationFactory(kind=OrganizationKind.PEOPLES_COMMITTEE, level=Level.COMMUNE, unit=commune)
    item_move(item_id=item.id, move=Move.ACCEPT, actor=Actor.FRONT)
    item_move(
        item_id=item.id,
        move=Move.FORWARD,
        actor=Actor.FRONT,
        data=MoveData(agency_id=agency.id, due_date=date(2030, 1, 31)),
    )
    attachment = item.attachments.get()
    agency_officer = MembershipFactory(organization=agency, role=Role.AGENCY_OFFICER).user
    front = OrganizationFactory(kind=OrganizationKind.FRONT_COMMITTEE, level=Level.COMMUNE, unit=commune)
    front_officer = MembershipFactory(organization=front, role=Role.FRONT_OFFICER).user

    client.force_login(agency_officer)
    refused = client.get(f"/tep/{attachment.id}/")
    client.force_login(front_officer)
    allowed = client.get(f"/tep/{attachment.id}/")

    assert refused.status_code == 404
    assert allowed.status_code == 200
    assert not PersonalDataAccess.objects.filter(user=agency_officer).exists()
