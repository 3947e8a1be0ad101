"""The rollup's triggers: the management command, the Celery task (inline and on a real worker), the nav."""

from datetime import date
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command

from organizations.selectors import user_scope
from targets.models import IndicatorValue, RollupRun, RollupState
from targets.tasks import rollup_compliance_task


@pytest.mark.django_db
def test_command_rolls_up_a_year_and_refuses_a_bad_period(targets_seeded, province, commune_a):
    out = StringIO()
    with time_machine.travel(date(2026, 5, 2), tick=False):
        call_command("rollup_compliance", "--period", "2026", stdout=out)

    run = RollupRun.objects.get()
    assert run.state == RollupState.DONE
    assert run.trigger == "command"
    assert run.rows > 0
    assert f"{run.rows} rows" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("rollup_compliance", "--period", "2026-Q1", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("rollup_compliance", "--period", "hai nghìn", stdout=StringIO())


@pytest.mark.django_db
def test_nightly_task_also_recomputes_last_year_in_january(targets_seeded, province):
    with time_machine.travel(date(2027, 1, 10), tick=False):
        ids = rollup_compliance_task()
    assert list(RollupRun.objects.filter(id__in=ids).order_by("id").values_list("period_code", flat=True)) == [
        "2026",
        "2027",
    ]


@pytest.mark.django_db
def test_nav_items_by_role(targets_seeded, officer_a, province_officer, board_viewer, agency_officer_a):
    from django.apps import apps

    from targets.apps import TargetsConfig

    config: TargetsConfig = apps.get_app_config("targets")
    names = lambda user: [i.url_name for i in config.nav_items(user_scope(user=user))]  # noqa: E731
    assert names(province_officer) == ["targets:overview", "targets:report-list", "targets:approval-queue"]
    assert names(officer_a) == ["targets:overview", "targets:report-list"]
    assert "targets:approval-queue" not in names(board_viewer)
    assert all(i.order >= 50 for i in config.nav_items(user_scope(user=province_officer)))


@pytest.mark.worker
def test_rollup_task_on_a_real_worker_is_safe_to_run_twice(celery_worker_process, province):
    from targets.seeding import seed_reference_data

    seed_reference_data(stdout=StringIO())
    first = rollup_compliance_task.delay(year=2026).get(timeout=60)
    rows = sorted(IndicatorValue.objects.values_list("id", "numerator", "denominator", "status"))
    second = rollup_compliance_task.delay(year=2026).get(timeout=60)

    assert first != second
    assert sorted(IndicatorValue.objects.values_list("id", "numerator", "denominator", "status")) == rows
    assert RollupRun.objects.filter(state=RollupState.DONE).count() == 2
    assert RollupRun.objects.get(id=second[-1]).changed == 0
