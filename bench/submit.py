"""Throughput and latency of the public submit API against a one-INSERT Django view served the same way.

Both apps run under gunicorn on 127.0.0.1 with the same workers, settings and middleware; 16 concurrent
clients (keep-alive HTTP/1.1, 2 processes x 8 threads) post JSON to each in turn, in alternating rounds
(baseline, submit, baseline, submit, ...: a slow moment of a shared machine falls on both, not on one).
Prints requests/s, p50 and p95 for both over all their rounds, the ratio, and each round's ratio. The
database is ``mttq_bench_submit`` (created and migrated here) on the PostgreSQL of DATABASE_URL; Redis is
REDIS_URL (rate limits raised for the run).

Then, in-process in the same database, what one submission costs: its SQL statements, its Redis round trips
and the median time of a series (bench/support/submit_profile.py; ADRs 0168 and 0174 quote both).

    .venv/bin/python bench/submit.py [--seconds 15] [--rounds 3] [--clients 16] [--workers 2] [--threads 4]\
        [--profile 60]

``--seconds`` is each kind's total time, split over the rounds.
"""

import sys
from pathlib import Path

# Look in bench/ last: a script of bench/ must never shadow a standard-library module (tests/shell checks).
sys.path.remove(str(Path(__file__).resolve().parent))
sys.path.append(str(Path(__file__).resolve().parent))

import argparse
import http.client
import json
import multiprocessing
import os
import statistics
import subprocess
import threading
import time
import uuid

from support.databases import bench_database_url
from support.servers import free_port, serve
from support.servers import stop as stop_server
from support.smoke import apply_smoke_defaults
from support.submission import submission_payload

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PATH = "/api/v1/public/items/"
BENCH_QUEUE = f"bench-submit-{uuid.uuid4().hex[:8]}"


def database_env() -> dict:
    return {
        **os.environ,
        "DATABASE_URL": bench_database_url("_bench_submit"),
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        "DJANGO_SETTINGS_MODULE": "mttq_portal.settings.test",
        "FEEDBACK_SUBMIT_RATE": "100000000/3600",
        # Tasks go to the broker as in production (a queue of the bench's own that no worker reads, emptied
        # afterwards): the request pays the publish, not the delivery.
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CELERY_TASK_DEFAULT_QUEUE": BENCH_QUEUE,
        "PYTHONPATH": str(ROOT),
    }


def prepare(env: dict) -> tuple[int, int]:
    subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([PYTHON, "manage.py", "seed_reference_data"], cwd=ROOT, env=env, check=True, capture_output=True)
    code = (
        "import django; django.setup()\n"
        "from django.db import connection\n"
        "from feedback.models import Category\n"
        "from organizations.models import AdministrativeUnit\n"
        "with connection.cursor() as c:\n"
        "    c.execute('CREATE TABLE IF NOT EXISTS bench_baseline (id bigserial primary key, title text, "
        "content text, created_at timestamptz default now())')\n"
        "print(Category.objects.order_by('id').first().id, "
        "AdministrativeUnit.objects.filter(kind__in=['commune','ward']).order_by('id').first().id)\n"
    )
    out = subprocess.run([PYTHON, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    category, commune = out.stdout.split()
    return int(category), int(commune)


def start_server(env: dict, settings: str, port: int, workers: int, threads: int) -> subprocess.Popen:
    argv = [PYTHON, "-m", "gunicorn", "mttq_portal.wsgi:application", "--bind", f"127.0.0.1:{port}",
            "--workers", str(workers), "--threads", str(threads), "--worker-class", "gthread",
            "--log-level", "warning", "--keep-alive", "30"]  # fmt: skip
    return serve(argv, cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE": settings}, port=port, timeout=30)


def client_process(port: int, threads: int, seconds: float, payload: dict, queue) -> None:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def run():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        mine, failed = [], 0
        while time.monotonic() < stop_at:
            body = json.dumps({**payload, "title": f"{payload['title']} {uuid.uuid4().hex[:6]}"})
            headers = {"Content-Type": "application/json", "Idempotency-Key": uuid.uuid4().hex}
            started = time.perf_counter()
            try:
                conn.request("POST", PATH, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                ok = response.status == 201
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            if ok:
                mine.append(time.perf_counter() - started)
            else:
                failed += 1
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    pool = [threading.Thread(target=run) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    queue.put((latencies, errors[0]))


def warm_up(port: int, payload: dict) -> None:
    """Connections, worker imports, the first queries."""
    queue = multiprocessing.Queue()
    warm = multiprocessing.Process(target=client_process, args=(port, 2, 2.0, payload, queue))
    warm.start()
    queue.get()
    warm.join()


def load(port: int, clients: int, seconds: float, payload: dict) -> tuple[list[float], int, float]:
    """One round: ``clients`` clients for ``seconds``; the latencies of the accepted requests, the errors, the time."""
    processes_count = 2
    queue = multiprocessing.Queue()
    started = time.monotonic()
    procs = [
        multiprocessing.Process(target=client_process, args=(port, clients // processes_count, seconds, payload, queue))
        for _ in range(processes_count)
    ]
    for p in procs:
        p.start()
    latencies, errors = [], 0
    for _ in procs:
        lat, err = queue.get()
        latencies.extend(lat)
        errors += err
    for p in procs:
        p.join()
    return latencies, errors, time.monotonic() - started


def summary(rounds: list[tuple[list[float], int, float]]) -> dict:
    latencies = sorted(lat for r in rounds for lat in r[0])
    elapsed = sum(r[2] for r in rounds)
    p95 = latencies[int(0.95 * (len(latencies) - 1))] if latencies else float("nan")
    return {
        "requests": len(latencies),
        "errors": sum(r[1] for r in rounds),
        "rps": len(latencies) / elapsed,
        "p50_ms": 1000 * statistics.median(latencies) if latencies else float("nan"),
        "p95_ms": 1000 * p95,
        "round_rps": [len(r[0]) / r[2] for r in rounds],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds per kind")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--profile", type=int, default=60, help="submissions timed in-process after the load")
    apply_smoke_defaults(parser, seconds=2.0, rounds=1, clients=2, workers=1, threads=2, profile=5)
    args = parser.parse_args()
    if os.environ.get("BENCH_SMOKE"):
        args.seconds, args.clients = 2, 4

    env = database_env()
    category, commune = prepare(env)
    payload = submission_payload(category, commune)
    kinds = {"baseline (one INSERT)": "bench.support.baseline_settings", "submit API": "mttq_portal.settings.test"}
    servers, ports = {}, {}
    rounds: dict[str, list] = {name: [] for name in kinds}
    try:
        for name, settings in kinds.items():
            ports[name] = free_port()
            servers[name] = start_server(env, settings, ports[name], args.workers, args.threads)
            warm_up(ports[name], payload)
        for _ in range(args.rounds):
            for name in kinds:
                rounds[name].append(load(ports[name], args.clients, args.seconds / args.rounds, payload))
    finally:
        for server in servers.values():
            stop_server(server)
    results = {name: summary(kind_rounds) for name, kind_rounds in rounds.items()}

    print(
        f"{args.clients} clients, {args.seconds:.0f} s each in {args.rounds} alternating rounds, gunicorn"
        f" {args.workers} workers x {args.threads} threads, {os.cpu_count()} CPUs (clients share them)"
    )
    for name, r in results.items():
        print(
            f"  {name:24s} {r['rps']:8.1f} req/s   p50 {r['p50_ms']:6.1f} ms   p95 {r['p95_ms']:6.1f} ms"
            f"   ({r['requests']} ok, {r['errors']} errors)"
        )
    base, real = results["baseline (one INSERT)"], results["submit API"]
    each = [s / b if b else 0.0 for b, s in zip(base["round_rps"], real["round_rps"], strict=True)]
    print("  ratio per round: " + ", ".join(f"{r:.2f}" for r in each))
    subprocess.run(
        [PYTHON, str(ROOT / "bench" / "support" / "submit_profile.py"), str(category), str(commune), str(args.profile)],
        cwd=ROOT,
        env=env,
        check=True,
    )
    import redis

    redis.Redis.from_url(env["REDIS_URL"]).delete(BENCH_QUEUE)
    ratio = real["rps"] / base["rps"] if base["rps"] else 0.0
    print(f"  aim: submit / one-INSERT view >= 0.5: {ratio:.2f} {'MET' if ratio >= 0.5 else 'NOT MET'}")
    met = real["p95_ms"] < 150
    print(
        f"  aim: submit p95 < 150 ms at {args.clients} clients: {real['p95_ms']:.1f} ms {'MET' if met else 'NOT MET'}"
    )


if __name__ == "__main__":
    main()
