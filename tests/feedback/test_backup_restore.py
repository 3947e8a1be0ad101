"""The backup of docs/CAPACITY.md restores: pg_dump -Fc of the portal's database, pg_restore into a fresh
PostgreSQL cluster, every migration already applied there, the same rows, and the portal reads it."""

import os
import subprocess
import sys

import pytest
from django.db import connection

from feedback.models import Item, ItemEvent
from feedback.services.intake import item_submit
from tests.feedback.test_database_outage import ROOT
from tests.processes import PG_BIN, PostgresCluster

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_custom_format_dump_restores_into_a_fresh_cluster_with_every_row_and_no_migration_missing(
    submit_kwargs, tmp_path
):
    # given a database with three submissions
    codes = {item_submit(**{**submit_kwargs, "title": f"Kiến nghị {i}"}).item.tracking_code for i in range(3)}
    items, events = Item.objects.count(), ItemEvent.objects.count()

    # when it is dumped (custom format) and restored into a fresh cluster
    s = connection.settings_dict
    dump = tmp_path / "portal.pgc"
    subprocess.run(
        [str(PG_BIN / "pg_dump"), "-Fc", "-h", s["HOST"] or "127.0.0.1", "-p", str(s["PORT"] or 5432),
         "-U", s["USER"] or "postgres", "-f", str(dump), s["NAME"]],
        check=True,
    )  # fmt: skip
    cluster = PostgresCluster()
    cluster.init()
    cluster.start()
    try:
        cluster.psql("CREATE DATABASE restored")
        subprocess.run(
            [str(PG_BIN / "pg_restore"), "--no-owner", "-h", "127.0.0.1", "-p", str(cluster.port), "-U", "postgres",
             "-d", "restored", str(dump)],
            check=True,
        )  # fmt: skip

        # then the same rows are there
        assert int(cluster.psql("SELECT count(*) FROM feedback_item", database="restored")) == items
        assert int(cluster.psql("SELECT count(*) FROM feedback_itemevent", database="restored")) == events
        restored = set(cluster.psql("SELECT tracking_code FROM feedback_item", database="restored").splitlines())
        assert codes <= restored
        # and the portal finds every migration applied and reads the items through its own code
        env = {
            **os.environ,
            "DATABASE_URL": cluster.url("restored"),
            "DJANGO_SETTINGS_MODULE": "mttq_portal.settings.test",
        }
        subprocess.run([sys.executable, "manage.py", "migrate", "--check"], cwd=ROOT, env=env, check=True)
        out = subprocess.run(
            [sys.executable, "-c", "import django; django.setup(); from feedback.models import Item; "
             "print(Item.objects.count())"],
            cwd=ROOT, env=env, check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip
        assert int(out) == items
    finally:
        cluster.stop("immediate")
        cluster.remove()
