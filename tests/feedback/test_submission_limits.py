"""Field limits on the submit path come from the model (one rule): the web form, the public API and the
service refuse one character past the column, and the API's file count follows FEEDBACK_MAX_ATTACHMENTS.

The expected limits are written out here from the model's columns (feedback/models.py, class Item), not read
from the code under test: title varchar(200), address_text varchar(255), submitter_name varchar(120),
submitter_address varchar(255), submitter_email varchar(254), privacy_notice_version varchar(20),
idempotency_key varchar(64); a phone is accepted as typed up to 40 characters (spaces, dots, +84) and stored
normalised.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from feedback.api.public import PublicItemInputSerializer
from feedback.forms import SubmitForm
from feedback.models import Item
from feedback.services.intake import item_submit
from mttq_portal.errors import ApplicationError
from tests.feedback.files import png_bytes

URL = "/api/v1/public/items/"

# (service argument, API field, form field, longest accepted)
LIMITS = [
    ("title", "title", "title", 200),
    ("address_text", "address_text", "address_text", 255),
    ("submitter_name", "submitter_name", "submitter_name", 120),
    ("submitter_address", "submitter_address", "submitter_address", 255),
    ("submitter_email", "submitter_email", "submitter_email", 254),
    ("submitter_phone", "submitter_phone", "submitter_phone", 40),
]


@pytest.mark.parametrize(("argument", "api_field", "form_field", "longest"), LIMITS)
def test_the_form_and_the_api_declare_the_model_limit(argument, api_field, form_field, longest):
    assert PublicItemInputSerializer().fields[api_field].max_length == longest
    assert SubmitForm().fields[form_field].max_length == longest


def test_the_api_declares_the_privacy_notice_and_key_limits_of_the_model():
    fields = PublicItemInputSerializer().fields
    assert (fields["privacy_notice_version"].max_length, fields["idempotency_key"].max_length) == (20, 64)
    assert SubmitForm().fields["idempotency_key"].max_length == 64


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("argument", "longest"),
    [("title", 200), ("address_text", 255), ("submitter_name", 120), ("submitter_address", 255)],
)
def test_the_service_accepts_the_limit_and_refuses_one_more(submit_kwargs, argument, longest):
    # Given a value exactly at the column's length, then one character longer
    accepted = item_submit(**{**submit_kwargs, argument: "a" * longest})
    assert len(getattr(accepted.item, argument)) == longest
    # Then the longer one is refused with the field named, and nothing more is stored
    with pytest.raises(ApplicationError) as refused:
        item_submit(**{**submit_kwargs, argument: "a" * (longest + 1)})
    assert list(refused.value.fields) == [argument]
    assert Item.objects.count() == 1


@pytest.mark.django_db
def test_the_api_title_one_past_the_column_is_400_with_the_field(client, submit_kwargs):
    payload = {
        "type": "report",
        "category": submit_kwargs["category_id"],
        "commune": submit_kwargs["commune_id"],
        "title": "a" * 201,
        "content": "Có người đổ rác xuống suối.",
        "consent_processing": True,
    }
    response = client.post(URL, payload, content_type="application/json")
    assert response.status_code == 400
    assert "title" in response.json()["error"]["fields"]
    assert not Item.objects.exists()


@pytest.mark.django_db
def test_the_api_file_count_follows_the_setting(client, payload, settings):
    # Given the operator allows one file per submission
    settings.FEEDBACK_MAX_ATTACHMENTS = 1
    two = [SimpleUploadedFile(f"{n}.png", png_bytes(), "image/png") for n in range(2)]
    # When a client sends two
    response = client.post(URL, {**payload, "attachments": two})
    # Then it is refused as too many, and nothing is stored
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "too_many_attachments"
    assert not Item.objects.exists()
    # And one file goes through
    one = [SimpleUploadedFile("0.png", png_bytes(), "image/png")]
    assert client.post(URL, {**payload, "attachments": one}).status_code == 201
