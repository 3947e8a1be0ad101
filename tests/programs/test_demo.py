"""The programs part of ``generate_demo_data``, called through the AppConfig hook."""

import datetime
import random
from io import StringIO

import pytest
import time_machine
from django.apps import apps

from programs.models import Activity, Milestone, MilestoneState, ProgrammeEvent

pytestmark = pytest.mark.django_db


@time_machine.travel(datetime.datetime(2028, 6, 1, 9, 0, tzinfo=datetime.UTC), tick=False)
def test_demo_hook_creates_activities_over_two_years_and_done_and_late_milestones(seeded):
    out = StringIO()

    apps.get_app_config("programs").generate_demo_data(rng=random.Random(1), stdout=out, scale=1000)

    assert Activity.objects.count() == 200
    assert set(Activity.objects.values_list("held_on__year", flat=True)) == {2027, 2028}
    assert not Activity.objects.filter(held_on__gt=datetime.date(2028, 6, 1)).exists()
    assert ProgrammeEvent.objects.filter(kind="activity_recorded").count() == 200
    today = datetime.date(2028, 6, 1)
    states = {m.state(today) for m in Milestone.objects.filter(due_date__lt=today)}
    assert states == {MilestoneState.DONE_ON_TIME, MilestoneState.DONE_LATE, MilestoneState.LATE}
    assert "200 activities" in out.getvalue()
