"""Open311 ``GET requests.json`` (the default page) against a bare one-query view served the same way.

Both run under gunicorn on 127.0.0.1 with the same workers, settings and middleware, 16 keep-alive clients
for a bounded time each. The database ``<name of DATABASE_URL's database>_bench_open311`` (created and
migrated here) gets N published items (default 5,000: answered, with consent to publish) and M unpublished
ones received in the same days (default 20,000: what a province mostly has), if it has fewer
(bench/support/open311_items.py). The anonymous throttle is raised for the run (``OPEN311_ANON_RATE``).
Aim: the default page is a full page (OPEN311_PAGE_SIZE rows of published items) at ≥ 0.5 × the bare view.

    .venv/bin/python bench/open311.py [--seconds 15] [--clients 16] [--items 5000] [--unpublished 20000]
    BENCH_SMOKE=1 .venv/bin/python bench/open311.py     # a few seconds, to check the bench runs
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

from submit import PYTHON, ROOT, free_port, prepare, start_server, stop_server
from support.databases import bench_database_url

PATH = "/open311/v2/requests.json"
PAGE_SIZE = 100  # OPEN311_PAGE_SIZE's default, which the bench does not change


def client_process(port: int, threads: int, seconds: float, queue) -> None:
    latencies: list[float] = []
    counts = {"errors": 0, "rows": 0}
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def run():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, failed, rows = [], 0, 0
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            try:
                conn.request("GET", PATH)
                response = conn.getresponse()
                body = response.read()
                ok = response.status == 200
                rows = len(json.loads(body)) if ok else rows
            except (OSError, http.client.HTTPException, ValueError):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            if ok:
                mine.append(time.perf_counter() - started)
            else:
                failed += 1
        with lock:
            latencies.extend(mine)
            counts["errors"] += failed
            counts["rows"] = max(counts["rows"], rows)

    pool = [threading.Thread(target=run) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    queue.put((latencies, counts["errors"], counts["rows"]))


def load(port: int, clients: int, seconds: float) -> dict:
    queue = multiprocessing.Queue()
    warm = multiprocessing.Process(target=client_process, args=(port, 2, 1.0, queue))
    warm.start()
    queue.get()
    warm.join()
    started = time.monotonic()
    procs = [multiprocessing.Process(target=client_process, args=(port, clients // 2, seconds, queue)) for _ in "ab"]
    for p in procs:
        p.start()
    latencies, errors, rows = [], 0, 0
    for _ in procs:
        lat, err, n = queue.get()
        latencies.extend(lat)
        errors += err
        rows = max(rows, n)
    for p in procs:
        p.join()
    elapsed = time.monotonic() - started
    latencies.sort()
    return {
        "requests": len(latencies),
        "errors": errors,
        "rows": rows,
        "rps": len(latencies) / elapsed,
        "p50_ms": 1000 * statistics.median(latencies) if latencies else float("nan"),
        "p95_ms": 1000 * latencies[int(0.95 * (len(latencies) - 1))] if latencies else float("nan"),
    }


def database_env() -> dict:
    return {
        **os.environ,
        "DATABASE_URL": bench_database_url("_bench_open311"),
        "DJANGO_SETTINGS_MODULE": "mttq_portal.settings.test",
        "PYTHONPATH": str(ROOT),
    }


def ensure_items(env: dict, published: int, unpublished: int) -> None:
    """Published items (answered, with consent) and, beside them in the same days, unpublished ones
    (bench/support/open311_items.py), so the default page has a full page to show and steps over the rest."""
    code = f"""
import django; django.setup()
from django.db import connection
from bench.support.open311_items import ensure_items
with connection.cursor() as c:
    print(ensure_items(c, wanted={published}), ensure_items(c, wanted={unpublished}, published=False))
"""
    out = subprocess.run([PYTHON, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    added_published, added_unpublished = out.stdout.split()
    print(f"added {added_published} published and {added_unpublished} unpublished items")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--items", type=int, default=5000, help="published items")
    parser.add_argument("--unpublished", type=int, default=20000, help="items not published, in the same days")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    if os.environ.get("BENCH_SMOKE"):
        args.seconds, args.items, args.unpublished, args.clients = 2, 200, 800, 4

    env = {**database_env(), "OPEN311_ANON_RATE": "100000000/minute", "CELERY_TASK_ALWAYS_EAGER": "true"}
    prepare(env)
    ensure_items(env, args.items, args.unpublished)
    results = {}
    for name, settings in (
        ("baseline (bare view)", "bench.support.open311_baseline_settings"),
        ("Open311 requests.json", "mttq_portal.settings.test"),
    ):
        port = free_port()
        server = start_server(env, settings, port, args.workers, args.threads)
        try:
            results[name] = load(port, args.clients, args.seconds)
        finally:
            stop_server(server)

    print(f"{args.clients} clients, {args.seconds:.0f} s each, gunicorn {args.workers}x{args.threads}, "
          f"{os.cpu_count()} CPUs shared with the clients")  # fmt: skip
    for name, r in results.items():
        print(
            f"  {name:24s} {r['rps']:8.1f} req/s   p50 {r['p50_ms']:7.1f} ms   p95 {r['p95_ms']:7.1f} ms"
            f"   {r['rows']} rows/answer ({r['requests']} ok, {r['errors']} errors)"
        )
    base, real = results["baseline (bare view)"], results["Open311 requests.json"]
    ratio = real["rps"] / base["rps"] if base["rps"] else 0.0
    full_page = min(PAGE_SIZE, args.items)
    paged = real["rows"] == full_page and real["errors"] == 0
    print(f"  aim: the default page is a full page ({full_page} rows, 0 errors): {'MET' if paged else 'NOT MET'}")
    print(f"  aim: requests.json / bare view >= 0.5: {ratio:.2f} {'MET' if ratio >= 0.5 else 'NOT MET'}")


if __name__ == "__main__":
    main()
