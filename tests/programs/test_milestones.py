"""Marking a milestone done with evidence: the provincial Front only; once; dates inside the period."""

import datetime

import pytest

from mttq_portal.errors import ApplicationError, ConflictError, NotAllowedError
from programs.models import EvidenceFile, Milestone, MilestoneState, ProgrammeEvent
from programs.services import milestone_complete

pytestmark = pytest.mark.django_db


@pytest.fixture
def issue_q1(programmes):
    return Milestone.objects.get(programme__number=12, key="issue-2026-03-31")


def test_provincial_front_marks_a_milestone_done_late_with_a_file(programmes, province_officer, issue_q1, pdf):
    milestone = milestone_complete(
        user=province_officer, milestone_id=issue_q1.id, done_on=datetime.date(2026, 4, 10), evidence=[pdf]
    )

    assert milestone.state(datetime.date(2026, 5, 1)) == MilestoneState.DONE_LATE
    assert EvidenceFile.objects.filter(milestone=milestone).count() == 1
    event = ProgrammeEvent.objects.get(milestone=milestone)
    assert event.data["on_time"] is False


def test_a_milestone_needs_evidence_and_a_date_in_the_period(programmes, province_officer, issue_q1):
    with pytest.raises(ApplicationError) as no_evidence:
        milestone_complete(user=province_officer, milestone_id=issue_q1.id, done_on=datetime.date(2026, 3, 1))
    with pytest.raises(ApplicationError) as outside:
        milestone_complete(
            user=province_officer, milestone_id=issue_q1.id, done_on=datetime.date(2024, 3, 1), evidence_note="QĐ 1"
        )

    assert no_evidence.value.code == "evidence_required"
    assert outside.value.code == "date_outside_period"


def test_a_milestone_is_completed_once(programmes, province_officer, issue_q1):
    milestone_complete(
        user=province_officer, milestone_id=issue_q1.id, done_on=datetime.date(2026, 3, 20), evidence_note="KH 12"
    )

    with pytest.raises(ConflictError):
        milestone_complete(
            user=province_officer, milestone_id=issue_q1.id, done_on=datetime.date(2026, 3, 21), evidence_note="x"
        )


def test_a_commune_officer_cannot_complete_milestones(programmes, officer_a, issue_q1):
    with pytest.raises(NotAllowedError):
        milestone_complete(
            user=officer_a, milestone_id=issue_q1.id, done_on=datetime.date(2026, 3, 1), evidence_note="x"
        )


def test_the_page_marks_done_and_the_api_shows_it(client, programmes, province_officer, issue_q1):
    client.force_login(province_officer)

    response = client.post(
        f"/chuong-trinh/moc/{issue_q1.id}/hoan-thanh/",
        {"done_on": "2026-03-25", "evidence_note": "Kế hoạch số 12-KH/MTTQ"},
    )

    assert response.status_code == 302
    body = client.get(f"/api/v1/milestones/{issue_q1.id}/").json()
    assert (body["done_on"], body["state"]) == ("2026-03-25", "done_on_time")


def test_the_page_shows_a_clear_error(client, programmes, province_officer, issue_q1):
    client.force_login(province_officer)

    response = client.post(f"/chuong-trinh/moc/{issue_q1.id}/hoan-thanh/", {"done_on": "2026-03-25"})

    assert response.status_code == 400
    assert "Cần có minh chứng" in response.content.decode()


def test_the_api_completes_and_refuses_a_second_time(client, programmes, province_officer, issue_q1):
    client.force_login(province_officer)
    url = f"/api/v1/milestones/{issue_q1.id}/complete/"

    first = client.post(url, {"done_on": "2026-03-25", "evidence_note": "KH 12"}, content_type="application/json")
    second = client.post(url, {"done_on": "2026-03-26", "evidence_note": "KH 12"}, content_type="application/json")

    assert first.status_code == 200
    assert second.status_code == 409
    assert second.json()["error"]["code"] == "milestone_already_done"
