"""Fixtures shared by the suite: places, organisations and one user per role, and a real Celery worker."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command

from organizations.models import Level, OrganizationKind, Role
from tests.factories import CommuneFactory, MembershipFactory, OrganizationFactory, ProvinceFactory, UserFactory

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate limits and throttles live in the shared cache; each test starts clean."""
    from django.core.cache import cache

    from feedback import refcache

    cache.clear()
    refcache.clear()  # the per-process reference cache must not outlive a test's rolled-back rows


@pytest.fixture
def seeded(db, django_capture_on_commit_callbacks):
    """The real reference data of the portal's province (Điện Biên: 45 communes)."""
    from io import StringIO

    call_command("seed_reference_data", stdout=StringIO())


@pytest.fixture
def province(db):
    return ProvinceFactory()


@pytest.fixture
def commune_a(province):
    return CommuneFactory(name="Xã Mường Phăng", parent=province)


@pytest.fixture
def commune_b(province):
    return CommuneFactory(name="Xã Nà Tấu", parent=province)


def _org(kind, level, unit, name):
    return OrganizationFactory(kind=kind, level=level, unit=unit, name=name)


@pytest.fixture
def front_a(commune_a):
    return _org(OrganizationKind.FRONT_COMMITTEE, Level.COMMUNE, commune_a, "Ủy ban MTTQ Việt Nam xã Mường Phăng")


@pytest.fixture
def front_b(commune_b):
    return _org(OrganizationKind.FRONT_COMMITTEE, Level.COMMUNE, commune_b, "Ủy ban MTTQ Việt Nam xã Nà Tấu")


@pytest.fixture
def province_front(province):
    return _org(OrganizationKind.FRONT_COMMITTEE, Level.PROVINCE, province, "Ủy ban MTTQ Việt Nam tỉnh Điện Biên")


@pytest.fixture
def agency_a(commune_a):
    return _org(OrganizationKind.PEOPLES_COMMITTEE, Level.COMMUNE, commune_a, "Ủy ban nhân dân xã Mường Phăng")


@pytest.fixture
def agency_b(commune_b):
    return _org(OrganizationKind.PEOPLES_COMMITTEE, Level.COMMUNE, commune_b, "Ủy ban nhân dân xã Nà Tấu")


def _member(org, role):
    return MembershipFactory(organization=org, role=role).user


@pytest.fixture
def officer_a(front_a):
    return _member(front_a, Role.FRONT_OFFICER)


@pytest.fixture
def officer_b(front_b):
    return _member(front_b, Role.FRONT_OFFICER)


@pytest.fixture
def province_officer(province_front):
    return _member(province_front, Role.FRONT_OFFICER)


@pytest.fixture
def agency_officer_a(agency_a):
    return _member(agency_a, Role.AGENCY_OFFICER)


@pytest.fixture
def agency_officer_b(agency_b):
    return _member(agency_b, Role.AGENCY_OFFICER)


@pytest.fixture
def board_viewer(province):
    org = _org(OrganizationKind.PROPAGANDA_COMMISSION, Level.PROVINCE, province, "Ban Tuyên giáo và Dân vận Tỉnh ủy")
    return _member(org, Role.BOARD_VIEWER)


@pytest.fixture
def admin_user(db):
    return UserFactory(is_staff=True, is_superuser=True, username="quantri")


@pytest.fixture
def celery_worker_process(transactional_db, settings):
    """A real Celery worker process on the real Redis broker, consuming a queue of its own.

    It uses the test database, so tests that use it must be transactional (the worker reads what the
    test committed). Yields the queue name; the worker is stopped afterwards.
    """
    from django.db import connection

    from mttq_portal.celery import app

    queue = f"test-{uuid.uuid4().hex[:8]}"
    db_name = connection.settings_dict["NAME"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mttq_portal.settings.test",
        "DATABASE_URL": f"postgres://{connection.settings_dict['USER'] or 'postgres'}@"
        f"{connection.settings_dict['HOST'] or '127.0.0.1'}:{connection.settings_dict['PORT'] or 5432}/{db_name}",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CELERY_TASK_DEFAULT_QUEUE": queue,
    }
    log = open(f"/tmp/celery-worker-{queue}.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "mttq_portal",
            "worker",
            "-P",
            "solo",
            "-Q",
            queue,
            "-n",
            f"{queue}@localhost",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    previous = (app.conf.task_always_eager, app.conf.task_default_queue)
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    settings.CELERY_TASK_ALWAYS_EAGER = False
    try:
        # Wait until the worker answers a ping on its queue.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            replies = app.control.ping(destination=[f"{queue}@localhost"], timeout=0.5)
            if replies:
                break
            if process.poll() is not None:
                raise RuntimeError(f"Celery worker exited early, see /tmp/celery-worker-{queue}.log")
        # Eager tasks run earlier in this process (possibly on threads of other tests) toggle Celery's
        # process-wide "joins would block" flag; waiting for a real worker's result is a legitimate join.
        from celery.result import allow_join_result

        with allow_join_result():
            yield queue
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = previous
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


# ---- a real browser ---------------------------------------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


@pytest.fixture
def chromium():
    """Start headless Chromium drivers, each quit when the test ends: ``chromium(width=..., height=...)``.

    ``phone`` emulates a phone screen of that size (a desktop window cannot be narrower than ~500 px);
    ``javascript=False`` turns scripts off (pages that must work without them); ``downloads`` is the folder
    files land in; ``reduced_motion`` stops Bootstrap's smooth scrolling, so a click does not race a scroll.
    """
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    drivers = []

    def start(
        *,
        width=360,
        height=800,
        phone=False,
        javascript=True,
        downloads=None,
        reduced_motion=False,
        implicit_wait=2,
    ):
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
            options.add_argument(arg)
        if phone:
            options.add_experimental_option(
                "mobileEmulation", {"deviceMetrics": {"width": width, "height": height, "pixelRatio": 2}}
            )
        else:
            options.add_argument(f"--window-size={width},{height}")
        if reduced_motion:
            options.add_argument("--force-prefers-reduced-motion")
        prefs = {}
        if not javascript:
            prefs["profile.managed_default_content_settings.javascript"] = 2
        if downloads is not None:
            prefs.update({"download.default_directory": str(downloads), "download.prompt_for_download": False})
        if prefs:
            options.add_experimental_option("prefs", prefs)
        driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
        drivers.append(driver)
        if not phone:
            driver.set_window_size(width, height)
        if downloads is not None:
            driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
        driver.set_page_load_timeout(30)
        driver.implicitly_wait(implicit_wait)
        return driver

    yield start
    for driver in drivers:
        driver.quit()


@pytest.fixture
def browser(chromium):
    """Headless Chromium in a 360 × 800 window (a phone's width): the default of the browser tests."""
    return chromium()
