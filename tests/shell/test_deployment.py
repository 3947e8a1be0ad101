"""docker-compose.yml cannot run here (no Docker engine), so its references are checked by reading it."""

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent.parent


def _compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_runs_the_five_services_of_the_deployment():
    services = _compose()["services"]

    assert {"db", "valkey", "web", "worker", "beat"} <= set(services)


def test_compose_runs_the_engines_of_make_run():
    """The embedded stack is PostgreSQL 18 and Valkey 8 (docs/adr/0100): the deployment runs the same majors,
    with PostgreSQL 18's data layout and the broker's append-only file kept on volumes."""
    compose = _compose()
    services = compose["services"]

    assert services["db"]["image"] == "postgres:18"
    assert services["db-replica"]["image"] == "postgres:18"
    assert services["valkey"]["image"] == "valkey/valkey:8"
    assert "pgdata:/var/lib/postgresql" in services["db"]["volumes"]
    assert "pgreplica:/var/lib/postgresql" in services["db-replica"]["volumes"]
    assert services["db-replica"]["environment"]["PGDATA"] == "/var/lib/postgresql/18/docker"
    command = services["valkey"]["command"]
    assert command[0] == "valkey-server"
    assert command[command.index("--appendonly") + 1] == "yes"
    assert "valkeydata:/data" in services["valkey"]["volumes"]
    assert services["valkey"]["healthcheck"]["test"] == ["CMD", "valkey-cli", "ping"]
    assert {"pgdata", "pgreplica", "valkeydata"} <= set(compose["volumes"])
    portal = services["web"]["environment"]
    assert portal["REDIS_URL"] == "redis://valkey:6379/0"
    assert portal["CELERY_BROKER_URL"] == "redis://valkey:6379/1"
    assert set(services["web"]["depends_on"]) == {"migrate"}
    assert {"db", "valkey"} == set(services["migrate"]["depends_on"])


def test_compose_commands_refer_to_modules_that_exist():
    services = _compose()["services"]

    web = services["web"]["command"]
    assert web[0] == "gunicorn"
    module, attribute = web[1].split(":")
    assert module == "mttq_portal.wsgi"
    assert (ROOT / "mttq_portal" / "wsgi.py").exists()
    assert f"{attribute} =" in (ROOT / "mttq_portal" / "wsgi.py").read_text()
    for name in ("worker", "beat"):
        command = services[name]["command"]
        assert command[:3] == ["celery", "-A", "mttq_portal"]
        assert command[3] == name
        assert importlib.import_module("mttq_portal.celery").app.main == "mttq_portal"
    scheduler = services["beat"]["command"][services["beat"]["command"].index("--scheduler") + 1]
    module, cls = scheduler.split(":")
    assert hasattr(importlib.import_module(module), cls)


def test_compose_uses_the_production_settings_module_and_a_dockerfile():
    for name in ("web", "worker", "beat", "migrate"):
        service = _compose()["services"][name]
        settings_module = service["environment"]["DJANGO_SETTINGS_MODULE"]
        assert settings_module == "mttq_portal.settings.production"
        assert (ROOT / (settings_module.replace(".", "/") + ".py")).exists()
        assert service["build"] == "."
    assert (ROOT / "Dockerfile").exists()
    assert "requirements.txt" in (ROOT / "Dockerfile").read_text()


def _deploy_check(extra_env: dict) -> subprocess.CompletedProcess:
    given = ("DJANGO_", "DATABASE_URL", "ALLOWED_HOSTS", "PORTAL_BASE_URL")
    env = {k: v for k, v in os.environ.items() if not k.startswith(given)}
    env.update({"DJANGO_SETTINGS_MODULE": "mttq_portal.settings.production", **extra_env})
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )


def test_production_settings_pass_check_deploy_without_warning():
    result = _deploy_check(
        {
            "DJANGO_SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnop",
            "TRACKING_SECRET_KEYS": "another-long-random-key-for-tracking-secrets-0123456789",
            "DATABASE_URL": "postgres://deploy@127.0.0.1:5432/deploy",
            "ALLOWED_HOSTS": "mttq.example.gov.vn",
            "PORTAL_BASE_URL": "https://mttq.example.gov.vn",
        }
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = _deploy_check({"DATABASE_URL": "postgres://deploy@127.0.0.1:5432/deploy", "ALLOWED_HOSTS": "example.org"})

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set in production" in result.stderr


def test_production_refuses_to_start_without_tracking_secret_keys():
    result = _deploy_check(
        {
            "DJANGO_SECRET_KEY": "x" * 50,
            "DATABASE_URL": "postgres://deploy@127.0.0.1:5432/deploy",
            "ALLOWED_HOSTS": "example.org",
        }
    )

    assert result.returncode != 0
    assert "TRACKING_SECRET_KEYS must be set in production" in result.stderr


@pytest.mark.parametrize(
    ("base_url", "message"),
    [
        (None, "PORTAL_BASE_URL must be set in production"),
        ("http://mttq.example.gov.vn", "PORTAL_BASE_URL must be the portal's https:// address in production"),
    ],
)
def test_production_refuses_to_start_without_the_portal_s_https_address(base_url, message):
    # Given production settings whose emails, SMS and passkeys would otherwise name the development server,
    # or a plain-HTTP address no passkey accepts
    extra = {
        "DJANGO_SECRET_KEY": "x" * 50,
        "TRACKING_SECRET_KEYS": "another-long-random-key",
        "DATABASE_URL": "postgres://deploy@127.0.0.1:5432/deploy",
        "ALLOWED_HOSTS": "mttq.example.gov.vn",
    }
    if base_url:
        extra["PORTAL_BASE_URL"] = base_url

    # When the portal starts, then it stops with the reason
    result = _deploy_check(extra)

    assert result.returncode != 0
    assert message in result.stderr
