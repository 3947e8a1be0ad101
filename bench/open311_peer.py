"""The portal's Open311 endpoints beside the open-source Django Open311 server 6aika/issue-reporting (the peer),
served the same way, with a bare one-query view as the baseline of the same run.

Each side runs under gunicorn on 127.0.0.1 with 2 sync workers, DEBUG off, production-like settings (the
portal: ``mttq_portal.settings.production`` with HTTPS redirects off; the peer: its own ``cfh.settings``);
wrk drives 16 connections for ``--seconds`` per endpoint: ``services.json``, the default ``requests.json``,
``requests/<id>.json`` (rotating over 200 ids) and ``POST requests.json`` (a Lua script), then the bare
view. Prints req/s, p50/p95 and ours ÷ peer per endpoint with the aim (≥ 1.0) met or not.

The portal's side uses the database ``<DATABASE_URL's name>_bench_open311`` with N published items (default
20,000, answered, with consent to publish, received in the last 80 days). The peer lives in PEER_DIR (default
/work/peer: ``src/`` its checkout, ``.venv/`` its virtualenv) with its own database ``mttq_peer`` (PEER_DATABASE_URL)
filled by ``bench/support/open311_peer_seed.py`` to the same N; without PEER_DIR the peer is skipped and said so.
The anonymous Open311 rate and the token rate are raised for the run (the peer has no throttle; ours still
counts every request in the cache).

    .venv/bin/python bench/open311_peer.py [--seconds 20] [--items 20000]
    BENCH_SMOKE=1 .venv/bin/python bench/open311_peer.py     # seconds, no peer: checks the bench runs
"""

import sys
from pathlib import Path

# Look in bench/ last: a script of bench/ must never shadow a standard-library module (tests/shell checks).
sys.path.remove(str(Path(__file__).resolve().parent))
sys.path.append(str(Path(__file__).resolve().parent))

import argparse
import http.client
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import threading
import time

from open311 import database_env
from submit import PYTHON, ROOT
from support.databases import ensure_database
from support.servers import free_port, stop
from support.servers import serve as start
from support.smoke import apply_smoke_defaults, smoke_mode

PEER_DIR = Path(os.environ.get("PEER_DIR", "/work/peer"))
PEER_DATABASE_URL = os.environ.get("PEER_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mttq_peer")
WRK = shutil.which("wrk")
OURS = "/open311/v2/"
PEER = "/api/georeport/v2/"
PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "bench-open311-not-secret-0123456789abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "TRACKING_SECRET_KEYS": "bench-open311-tracking-key",
    "PORTAL_BASE_URL": "https://127.0.0.1",
    "SECURE_SSL_REDIRECT": "false",
    "LOG_FORMAT": "json",
    "OPEN311_ANON_RATE": "100000000/minute",
    "API_TOKEN_RATE": "100000000/minute",
}

SEED_OURS = """
import django; django.setup()
from django.db import connection
from bench.support.open311_items import ensure_items
from feedback.models import Category
from organizations.models import ApiTokenScope, Organization
from organizations.tokens import api_token_issue
wanted = {items}
with connection.cursor() as c:
    ensure_items(c, wanted=wanted)
front = Organization.objects.filter(kind="front_committee", level="province").first()
_t, key = api_token_issue(organization=front, name="bench open311", scopes=[ApiTokenScope.OPEN311_SUBMIT])
print(Category.objects.filter(is_active=True).order_by("id").first().code,
      front.unit.children.order_by("code").first().code, key)
print(" ".join("OPB-%07d" % n for n in range(1, min(wanted, 200) + 1)))
"""


def gunicorn(python: str, app: str, port: int, workers: int) -> list[str]:
    return [
        python,
        "-m",
        "gunicorn",
        app,
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--log-level",
        "warning",
    ]


def _lua_list(values: list[str]) -> str:
    return "{" + ", ".join(f'"{v}"' for v in values) + "}"


# wrk's summary counts a 4xx/5xx answer in errors.status (and prints "Non-2xx or 3xx responses").
LUA_DONE = """
function done(summary, latency, requests)
  io.write(string.format("RESULT %d %d %d %.3f %.3f\\n", summary.requests, summary.duration,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout, latency:percentile(50) / 1000, latency:percentile(95) / 1000))
end
"""


def lua_script(kind: str, *, ids: list[str], path: str, body: str, headers: dict) -> str:
    lines = [LUA_DONE]
    for name, value in headers.items():
        lines.append(f'wrk.headers["{name}"] = "{value}"')
    if kind == "detail":
        lines.append(f"ids = {_lua_list(ids)}\nn = 0")
        lines.append(
            "function request()\n  n = n + 1\n"
            f'  return wrk.format("GET", "{path}" .. ids[(n % #ids) + 1] .. ".json")\nend'
        )
    elif kind == "post":
        lines.append('wrk.method = "POST"')
        lines.append(f'wrk.body = "{body}"')
        lines.append('wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"')
    return "\n".join(lines)


def run_wrk(url: str, script: str, *, connections: int, seconds: float) -> dict:
    """wrk's own figures; the response hook counts answers that are not 2xx (an error, not a result)."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    try:
        argv = [
            WRK,
            "-t2",
            f"-c{connections}",
            f"-d{max(1, round(seconds))}s",
            "--timeout",
            "10s",
            "-s",
            handle.name,
            url,
        ]
        out = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(handle.name)
    match = re.search(r"RESULT (\d+) (\d+) (\d+) ([\d.]+) ([\d.]+)", out)
    if not match:
        raise RuntimeError(out)
    requests, duration_us, errors = int(match[1]), int(match[2]), int(match[3])
    return {
        "rps": (requests - errors) / (duration_us / 1e6),
        "p50_ms": float(match[4]),
        "p95_ms": float(match[5]),
        "requests": requests,
        "errors": errors,
    }


def run_python_load(url: str, kind: str, *, ids, path, body, headers, connections: int, seconds: float) -> dict:
    """Without wrk (CI's smoke run): threads with http.client, the same requests, one connection each."""
    from urllib.parse import urlparse

    target = urlparse(url)
    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def one_client(offset: int) -> None:
        n = offset
        while time.monotonic() < stop_at:
            conn = http.client.HTTPConnection(target.hostname, target.port, timeout=10)
            started = time.perf_counter()
            try:
                if kind == "post":
                    conn.request(
                        "POST",
                        target.path,
                        body=body,
                        headers={**headers, "Content-Type": "application/x-www-form-urlencoded"},
                    )
                elif kind == "detail":
                    n += 1
                    conn.request("GET", f"{path}{ids[n % len(ids)]}.json", headers=headers)
                else:
                    conn.request("GET", target.path, headers=headers)
                status = conn.getresponse().status
                read = True
            except (OSError, http.client.HTTPException):
                status, read = 0, False
            conn.close()
            with lock:
                if read and status < 300:
                    latencies.append(time.perf_counter() - started)
                else:
                    failures[0] += 1

    started = time.monotonic()
    pool = [threading.Thread(target=one_client, args=(i,)) for i in range(connections)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.monotonic() - started
    latencies.sort()
    return {
        "rps": len(latencies) / elapsed,
        "p50_ms": 1000 * statistics.median(latencies) if latencies else float("nan"),
        "p95_ms": 1000 * latencies[int(0.95 * (len(latencies) - 1))] if latencies else float("nan"),
        "requests": len(latencies),
        "errors": failures[0],
    }


def warm(port: int, target: str) -> None:
    """Each sync worker loads the application on its first request: a few answers first, outside the clock."""
    for _ in range(6):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.request("GET", target)
        conn.getresponse().read()
        conn.close()


def measure(port: int, base: str, kind: str, target: str, *, ids, body, headers, args) -> dict:
    url = f"http://127.0.0.1:{port}{target}"
    path = f"{base}requests/"
    warm(port, f"{path}{ids[0]}.json" if kind == "detail" else target)
    if WRK:
        script = lua_script(kind, ids=ids, path=path, body=body, headers=headers)
        return run_wrk(url, script, connections=args.connections, seconds=args.seconds)
    return run_python_load(
        url, kind, ids=ids, path=path, body=body, headers=headers, connections=args.connections, seconds=args.seconds
    )


def prepare_ours(env: dict, items: int) -> tuple[str, str, str, list[str]]:
    subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([PYTHON, "manage.py", "seed_reference_data"], cwd=ROOT, env=env, check=True, capture_output=True)
    out = subprocess.run(
        [PYTHON, "-c", SEED_OURS.format(items=items)], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout.splitlines()
    service_code, commune_code, key = out[-2].split()
    return service_code, commune_code, key, out[-1].split()


def prepare_peer(items: int) -> tuple[dict, list[str]]:
    ensure_database(PEER_DATABASE_URL)
    env = {
        **os.environ,
        "DATABASE_URL": PEER_DATABASE_URL,
        "SECRET_KEY": "bench-peer-not-secret",
        "DEBUG": "false",
        "PYTHONPATH": str(PEER_DIR / "src"),
        "DJANGO_SETTINGS_MODULE": "cfh.settings",
    }
    python = str(PEER_DIR / ".venv" / "bin" / "python")
    src = PEER_DIR / "src"
    subprocess.run(
        [python, "manage.py", "migrate", "--noinput", "-v0"], cwd=src, env=env, check=True, capture_output=True
    )
    seed = ROOT / "bench" / "support" / "open311_peer_seed.py"
    out = subprocess.run(
        [python, str(seed), str(items)], cwd=src, env=env, check=True, capture_output=True, text=True
    ).stdout.splitlines()
    return env, out[-1].split()


ENDPOINTS = (
    ("services", "get", "services.json"),
    ("requests", "get", "requests.json"),
    ("requests/<id>", "detail", None),
    ("POST requests", "post", "requests.json"),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--items", type=int, default=20000)
    parser.add_argument("--workers", type=int, default=2)
    apply_smoke_defaults(parser, seconds=1, items=200, connections=4)
    args = parser.parse_args()
    with_peer = (PEER_DIR / "src" / "cfh").is_dir() and (PEER_DIR / ".venv").is_dir() and not smoke_mode()
    if not with_peer:
        why = "BENCH_SMOKE" if smoke_mode() else f"no peer checkout and virtualenv in {PEER_DIR}"
        print(f"peer 6aika/issue-reporting: SKIPPED ({why}); the portal and the bare view only")
    if not WRK:
        print("wrk not found: a Python load generator instead (figures not comparable with wrk's)")

    env = {**database_env(), **PRODUCTION_ENV}
    env["DJANGO_SETTINGS_MODULE"] = "mttq_portal.settings.test" if smoke_mode() else "mttq_portal.settings.production"
    service_code, commune_code, key, our_ids = prepare_ours(env, args.items)
    peer_env, peer_ids = prepare_peer(args.items) if with_peer else ({}, [])

    our_post = (
        f"service_code={service_code}&attribute%5Bcommune%5D={commune_code}&attribute%5Bconsent_processing%5D=yes"
        "&description=%C4%90%C6%B0%E1%BB%9Dng+v%C3%A0o+b%E1%BA%A3n+b%E1%BB%8B+s%E1%BA%A1t+l%E1%BB%9F"
        "&address_string=Th%C3%B4n+3"
    )
    # The peer answers a 500 to address_string (its serializer has no such field): its working way, a point.
    peer_post = "service_code=svc-1&description=Road+to+the+village+collapsed&lat=21.01&long=105.81"
    ports = {"ours": free_port(), "bare": free_port(), "peer": free_port()}
    servers = {
        "ours": start(
            gunicorn(PYTHON, "mttq_portal.wsgi:application", ports["ours"], args.workers),
            cwd=ROOT,
            env=env,
            port=ports["ours"],
        ),
        "bare": start(
            gunicorn(PYTHON, "mttq_portal.wsgi:application", ports["bare"], args.workers),
            cwd=ROOT,
            env={**env, "DJANGO_SETTINGS_MODULE": bare_settings()},
            port=ports["bare"],
        ),
    }
    if with_peer:
        servers["peer"] = start(
            gunicorn(str(PEER_DIR / ".venv" / "bin" / "python"), "cfh.wsgi:application", ports["peer"], args.workers),
            cwd=PEER_DIR / "src",
            env=peer_env,
            port=ports["peer"],
        )
    results: dict[str, dict[str, dict]] = {}
    try:
        common = {"args": args}
        results["bare view"] = {
            "ours": measure(ports["bare"], OURS, "get", f"{OURS}requests.json", ids=[], body="", headers={}, **common)
        }
        for name, kind, target in ENDPOINTS:
            results[name] = {}
            for side, base, ids, body, headers in (
                ("ours", OURS, our_ids, our_post, {"Authorization": f"Bearer {key}"} if kind == "post" else {}),
                ("peer", PEER, peer_ids, peer_post, {}),
            ):
                if side == "peer" and not with_peer:
                    continue
                results[name][side] = measure(
                    ports[side], base, kind, f"{base}{target or ''}", ids=ids, body=body, headers=headers, **common
                )
    finally:
        for server in servers.values():
            stop(server)
    report(results, args, with_peer)


def bare_settings() -> str:
    return "bench.support.open311_peer_bare_settings"


def report(results: dict, args, with_peer: bool) -> None:
    tool = "wrk" if WRK else "python threads"
    load = os.getloadavg()
    print(
        f"{args.connections} connections ({tool}), {args.seconds:.0f} s per endpoint, gunicorn {args.workers} sync "
        f"workers each, {args.items} items each side, {os.cpu_count()} CPUs shared with the load tool, "
        f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    for name, sides in results.items():
        for side, r in sides.items():
            label = "bare one-query view" if name == "bare view" else f"{name} ({side})"
            print(
                f"  {label:28s} {r['rps']:8.1f} req/s   p50 {r['p50_ms']:7.1f} ms   p95 {r['p95_ms']:7.1f} ms"
                f"   ({r['requests']} answers, {r['errors']} errors)"
            )
    bare = results["bare view"]["ours"]["rps"]
    for name, sides in results.items():
        if name == "bare view":
            continue
        ours = sides["ours"]
        line = f"  {name:16s} ours ÷ bare view {ours['rps'] / bare if bare else 0:5.2f}"
        if with_peer:
            ratio = ours["rps"] / sides["peer"]["rps"] if sides["peer"]["rps"] else float("inf")
            met = ratio >= 1.0 and ours["errors"] == 0 and sides["peer"]["errors"] == 0
            line += f"   ours ÷ peer {ratio:5.2f}   aim ≥ 1.0 (0 errors): {'met' if met else 'NOT met'}"
        else:
            line += "   ours ÷ peer: peer skipped"
        print(line)


if __name__ == "__main__":
    main()
