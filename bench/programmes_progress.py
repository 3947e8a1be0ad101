"""Cost of the programme list's progress (13 rows, milestones and quantities for a year) as activities grow,
against a baseline measured in the same run: one ``COUNT(*)`` over the same year's activities.

Creates and migrates ``mttq_bench_programs`` on the PostgreSQL of DATABASE_URL, seeds the reference data and
generates activities with the demo hook (``--items`` feedback items' worth: one activity per five items), then
times ``programme_progress_list`` for the provincial Front and for a commune officer. Prints the median time
of each and its ratio to the baseline.

    .venv/bin/python bench/programmes_progress.py [--items 100000] [--repeat 15]
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from support.databases import bench_database_url
from support.smoke import apply_smoke_defaults

ROOT = Path(__file__).resolve().parent.parent
DB = "mttq_bench_programs"


def _median(fn, repeat: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=15)
    apply_smoke_defaults(parser, items=500, repeat=2)
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = bench_database_url(name=DB, fresh=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mttq_portal.settings.test")
    env = dict(os.environ)
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([sys.executable, "manage.py", "seed_reference_data"], cwd=ROOT, env=env, check=True,
                   capture_output=True)  # fmt: skip
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import random
    from io import StringIO

    from django.apps import apps
    from django.db import connection
    from django.utils import timezone

    from organizations.models import Level, Membership, Organization, OrganizationKind, Role, User
    from programs.selectors import programme_progress_list

    apps.get_app_config("programs").generate_demo_data(rng=random.Random(7), stdout=StringIO(), scale=args.items)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    province = User.objects.create(username="bench-province")
    Membership.objects.create(
        user=province, role=Role.FRONT_OFFICER,
        organization=Organization.objects.get(kind=OrganizationKind.FRONT_COMMITTEE, level=Level.PROVINCE),
    )  # fmt: skip
    commune = User.objects.create(username="bench-commune")
    Membership.objects.create(
        user=commune, role=Role.FRONT_OFFICER,
        organization=Organization.objects.filter(kind=OrganizationKind.FRONT_COMMITTEE, level=Level.COMMUNE).first(),
    )  # fmt: skip
    year = timezone.localdate().year
    activities = apps.get_model("programs", "Activity").objects

    def baseline():
        activities.filter(held_on__year=year).count()

    def as_user(user):
        def run():
            user.__dict__.pop("_mttq_scope", None)
            programme_progress_list(user=user, year=year)

        return run

    base = _median(baseline, args.repeat)
    print(f"activities: {activities.count():,} (year {year}: {activities.filter(held_on__year=year).count():,})")
    print(f"baseline COUNT(*) of the year's activities: {base * 1000:.2f} ms")
    for label, user in (("provincial Front", province), ("commune officer", commune)):
        took = _median(as_user(user), args.repeat)
        print(f"progress list, {label}: {took * 1000:.2f} ms = {took / base:.1f} x baseline")


if __name__ == "__main__":
    main()
