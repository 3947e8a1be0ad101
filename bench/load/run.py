"""The mixed load test: gunicorn + Celery worker + beat on a database of its own, Locust for a bounded time.

Creates ``<DATABASE_URL's database>_load`` (migrated, reference data, ``generate_demo_data --items N``, the
staff of bench/load/setup_data.py), starts gunicorn (2 workers x 4 threads), one Celery worker for every
queue and beat on REDIS_URL, then runs bench/load/locustfile.py headless on 127.0.0.1 only. Writes
bench/load/REPORT.md (requests, failures, p50 and p95 per kind of request) and prints whether the aim
(0 errors) is met, and what the worker left in the outbox.

    .venv/bin/python bench/load/run.py [--users 30] [--minutes 3] [--items 3000]
    BENCH_SMOKE=1 .venv/bin/python bench/load/run.py     # 20 s with 6 users, to check it runs
"""

import argparse
import csv
import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
BIN = Path(sys.executable).parent
HERE = Path(__file__).resolve().parent
sys.path.append(str(HERE.parent))  # bench/, for support/ (looked in last: nothing there shadows the stdlib)

from support.databases import bench_database_url  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(command: list[str], env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
                            start_new_session=True)  # fmt: skip


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=30)
    parser.add_argument("--minutes", type=float, default=3)
    parser.add_argument("--items", type=int, default=3000)
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()
    smoke = bool(os.environ.get("BENCH_SMOKE"))
    if smoke:
        args.users, args.minutes, args.items = 6, 1 / 3, 300

    work = Path(tempfile.mkdtemp(prefix="mttq-load-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mttq_portal.settings.base",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "load-test-only-" + "x" * 40,
        "DATABASE_URL": bench_database_url("_load", fresh=not args.reuse),
        "EMAIL_URL": f"filemail://{work / 'mail'}",
        "LOG_LEVEL": "WARNING",
        # Every simulated user comes from 127.0.0.1: the per-address limits would stop them, not the server.
        "FEEDBACK_SUBMIT_RATE": "100000000/3600",
        "OPEN311_ANON_RATE": "100000000/minute",
        "API_TOKEN_RATE": "100000000/minute",
        "AXES_FAILURE_LIMIT": "1000",
        "PYTHONPATH": str(ROOT),
    }
    python = str(BIN / "python")
    if not args.reuse:
        subprocess.run([python, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
        subprocess.run([python, "manage.py", "seed_reference_data"], cwd=ROOT, env=env, check=True,
                       capture_output=True)  # fmt: skip
        subprocess.run([python, "manage.py", "generate_demo_data", "--items", str(args.items)], cwd=ROOT, env=env,
                       check=True, capture_output=True)  # fmt: skip
    people = subprocess.run([python, str(HERE / "setup_data.py")], cwd=ROOT, env=env, check=True,
                            capture_output=True, text=True).stdout  # fmt: skip
    (work / "people.json").write_text(people)

    port = free_port()
    web = start([python, "-m", "gunicorn", "mttq_portal.wsgi:application", "--bind", f"127.0.0.1:{port}",
                 "--workers", "2", "--threads", "4", "--worker-class", "gthread", "--timeout", "60", "--preload",
                 "--keep-alive", "75"],
                env, work / "web.log")  # fmt: skip
    queues = "celery,notifications,chase,reports"
    worker = start([str(BIN / "celery"), "-A", "mttq_portal", "worker", "-Q", queues, "-c", "2",
                    "-n", f"load-{port}@localhost", "--loglevel=WARNING"], env, work / "worker.log")  # fmt: skip
    beat = start([str(BIN / "celery"), "-A", "mttq_portal", "beat", "--loglevel=WARNING",
                  "-s", str(work / "beat-schedule")], env, work / "beat.log")  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not start, see {work / 'web.log'}") from None
                time.sleep(0.3)
        seconds = int(args.minutes * 60)
        subprocess.run(
            [str(BIN / "locust"), "-f", str(HERE / "locustfile.py"), "--headless", "-u", str(args.users),
             "-r", str(max(1, args.users // 10)), "-t", f"{seconds}s", "--host", f"http://127.0.0.1:{port}",
             "--csv", str(work / "load"), "--only-summary", "--loglevel", "WARNING"],
            cwd=ROOT, env={**env, "LOAD_PEOPLE": str(work / "people.json")}, check=False,
        )  # fmt: skip
        alive = {"web": web.poll() is None, "worker": worker.poll() is None, "beat": beat.poll() is None}
        time.sleep(5 if smoke else 30)  # let the worker deliver what the last minute queued
        outbox = subprocess.run(
            [python, "-c", "import django; django.setup(); from feedback.models import Notification as N; "
             "from django.db.models import Count; "
             "print(dict(N.objects.exclude(channel='in_app').values_list('status').annotate(n=Count('id'))))"],
            cwd=ROOT, env=env, check=True, capture_output=True, text=True,
        ).stdout.strip()  # fmt: skip
    finally:
        for process in (web, worker, beat):
            stop(process)

    rows = list(csv.DictReader((work / "load_stats.csv").open()))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    lines = [
        "# Mixed load test: a Listening-to-the-People Month on one machine",
        "",
        f"Run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC by `bench/load/run.py`"
        f"{' (BENCH_SMOKE)' if smoke else ''}: {args.users} simulated users for {seconds} s against gunicorn"
        f" (2 workers x 4 threads), one Celery worker (all queues, 2 processes) and beat, PostgreSQL and Redis on"
        f" the same host ({os.cpu_count()} cores shared with other work and with Locust), {args.items:,} demo items.",
        "",
        "Proportions (bench/load/locustfile.py): citizens submitting 40, looking up 20, Front officers 15,"
        " agencies 10, API clients 10, the board 5.",
        "",
        "| request | count | failures | median ms | p95 ms | p99 ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in sorted(rows, key=lambda r: (r["Name"] == "Aggregated", r["Name"])):
        lines.append(f"| {r['Name']} | {r['Request Count']} | {r['Failure Count']} | {r['50%']} | {r['95%']} |"
                     f" {r['99%']} |")  # fmt: skip
    failures = int(total["Failure Count"])
    lines += [
        "",
        f"Throughput: {float(total['Requests/s']):.1f} requests/s. Processes alive at the end: {alive}.",
        f"Outbox after the run (email and SMS rows by status): {outbox}.",
        "",
        f"Aim, 0 errors: {'MET' if failures == 0 else f'NOT MET ({failures} failures)'}.",
    ]
    report = "\n".join(lines) + "\n"
    if not smoke:
        (HERE / "REPORT.md").write_text(report)
    print(report)
    failures_csv = work / "load_failures.csv"
    if failures and failures_csv.exists():
        print(failures_csv.read_text()[:3000])
    if failures or not all(alive.values()):
        raise SystemExit(1)  # `make bench-smoke` in CI runs this too: a load test that no longer works fails


if __name__ == "__main__":
    main()
