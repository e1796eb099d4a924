"""Find, or start, a PostgreSQL server for the tests.

CI and real deployments run on PostgreSQL, so the tests that matter for it must run against
a real server rather than be skipped quietly. ``find_or_start_postgres`` looks, in order:

1. ``CTIP_TEST_DATABASE_URL`` if set (a ``postgresql://`` URL is rewritten to the
   ``postgresql+psycopg://`` driver the project installs); an unusable URL is an error, not a
   reason to fall through, because someone asked for that server explicitly;
2. a server on 127.0.0.1:5432 with trust auth, as user ``postgres`` then ``root``;
3. a throwaway cluster built with Debian's binaries (``/usr/lib/postgresql/*/bin``) in a
   temporary directory on a free port, listening on 127.0.0.1 only, trust auth. PostgreSQL
   refuses to run as root, so as root the cluster runs as the ``postgres`` system user (or a
   ``ctip-pg`` system user created for it). As root, missing binaries are installed with
   ``apt-get install postgresql``. The cluster is stopped and deleted at interpreter exit.

If none works, ``PostgresUnavailable`` says why for every step.

Environment:

- ``CTIP_TEST_DATABASE_URL``: use this server and nothing else.
- ``CTIP_TEST_PG_SKIP_LOCAL=1``: testing aid only; ignore 127.0.0.1:5432 so that the
  throwaway-cluster path can be exercised on a machine that already runs a server.

The result is cached per process: every caller shares one server (and at most one cluster).
"""

from __future__ import annotations

import atexit
import functools
import glob
import os
import pwd
import re
import secrets
import shlex
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

ENV_URL = "CTIP_TEST_DATABASE_URL"
ENV_SKIP_LOCAL = "CTIP_TEST_PG_SKIP_LOCAL"
DRIVER = "postgresql+psycopg"
LOCAL_HOST = "127.0.0.1"
LOCAL_PORT = 5432
CONNECT_TIMEOUT_S = 3
CLUSTER_SUPERUSER = "postgres"
CLUSTER_OS_USER_FALLBACK = "ctip-pg"


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server could be found or started; the message says why."""


@dataclass(frozen=True)
class _Binaries:
    """The Debian PostgreSQL tools of one major version."""

    initdb: Path
    pg_ctl: Path


def find_or_start_postgres() -> str:
    """Return a ``postgresql+psycopg://`` URL of a server whose role may create databases.

    The search runs once per process; a failure is remembered too, so a suite with many
    PostgreSQL tests does not retry a slow apt-get for each of them.
    """
    found = _locate()
    if isinstance(found, PostgresUnavailable):
        raise PostgresUnavailable(str(found))
    return found


@contextmanager
def fresh_database(server_url: str) -> Iterator[str]:
    """Create an empty database on the server, yield its URL, and drop it afterwards.

    Every test gets its own database so tests cannot see each other's rows and need no
    cleanup. The drop uses ``WITH (FORCE)`` because a test may leave connections open.
    """
    name = f"ctip_test_{secrets.token_hex(4)}"
    admin = create_engine(server_url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@functools.cache
def _locate() -> str | PostgresUnavailable:
    """Try each source in order and return the first usable URL, or every reason it failed."""
    explicit = os.environ.get(ENV_URL, "").strip()
    if explicit:
        return _from_environment(explicit)
    reasons = [f"{ENV_URL} is not set"]
    if os.environ.get(ENV_SKIP_LOCAL):
        reasons.append(f"{LOCAL_HOST}:{LOCAL_PORT} ignored because {ENV_SKIP_LOCAL} is set")
    else:
        local, why = _local_server()
        if local is not None:
            return local
        reasons.append(why)
    try:
        return _start_throwaway_cluster()
    except PostgresUnavailable as exc:
        reasons.append(f"throwaway cluster: {exc}")
    return PostgresUnavailable("; ".join(reasons))


def _from_environment(raw: str) -> str | PostgresUnavailable:
    """Use the explicitly configured server, or explain why it cannot be used."""
    try:
        url = _with_psycopg_driver(raw)
    except (ValueError, SQLAlchemyError) as exc:
        return PostgresUnavailable(f"{ENV_URL} is not a valid URL: {exc}")
    problem = _probe(url)
    if problem:
        return PostgresUnavailable(f"{ENV_URL} server unusable: {problem}")
    return url


def _with_psycopg_driver(raw: str) -> str:
    """Rewrite bare ``postgresql://`` (and ``postgres://``) URLs to the psycopg 3 driver.

    Only psycopg 3 is installed; SQLAlchemy's default PostgreSQL driver is psycopg2.
    """
    url = make_url(raw)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername=DRIVER)
    return url.render_as_string(hide_password=False)


def _local_server() -> tuple[str | None, str]:
    """Look for the machine's own server on the standard port, as postgres then root."""
    problems = []
    for user in ("postgres", "root"):
        url = _url(user, LOCAL_HOST, LOCAL_PORT)
        problem = _probe(url)
        if not problem:
            return url, ""
        problems.append(f"as {user}: {problem}")
    return None, f"{LOCAL_HOST}:{LOCAL_PORT} unusable ({'; '.join(problems)})"


def _url(user: str, host: str, port: int) -> str:
    """Build a password-less (trust auth) URL to the maintenance database ``postgres``."""
    url = URL.create(DRIVER, username=user, host=host, port=port, database="postgres")
    return url.render_as_string(hide_password=False)


def _probe(url: str) -> str:
    """Return why the server at ``url`` cannot host test databases, or "" if it can.

    A short connect timeout keeps an unreachable host from stalling the test session.
    """
    engine = create_engine(
        url, poolclass=NullPool, connect_args={"connect_timeout": CONNECT_TIMEOUT_S}
    )
    try:
        with engine.connect() as conn:
            may_create = conn.execute(
                text("SELECT rolsuper OR rolcreatedb FROM pg_roles WHERE rolname = current_user")
            ).scalar()
    except SQLAlchemyError as exc:
        return _first_line(str(exc.__cause__ or exc))
    finally:
        engine.dispose()
    return "" if may_create else "role may not create databases"


def _first_line(message: str) -> str:
    """Keep error reasons to one line so a combined skip message stays readable."""
    lines = message.strip().splitlines()
    return lines[0] if lines else "unknown error"


def _start_throwaway_cluster() -> str:
    """Create, start and register for cleanup a private cluster; return its URL."""
    binaries = _find_binaries() or _install_binaries()
    os_user = _cluster_os_user()
    workdir = Path(tempfile.mkdtemp(prefix="ctip-pg-"))
    try:
        if os_user is not None:
            shutil.chown(workdir, user=os_user, group=pwd.getpwnam(os_user).pw_gid)
        data = workdir / "data"
        _run_as(os_user, workdir, [str(binaries.initdb), *_initdb_args(data)], timeout=180)
        port = _start_on_free_port(binaries, os_user, workdir, data)
    except BaseException:
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    atexit.register(_stop_cluster, binaries, os_user, workdir, data)
    url = _url(CLUSTER_SUPERUSER, LOCAL_HOST, port)
    problem = _probe(url)
    if problem:
        raise PostgresUnavailable(f"cluster started but unusable: {problem}")
    return url


def _find_binaries() -> _Binaries | None:
    """Pick the newest Debian-packaged PostgreSQL that has both initdb and pg_ctl."""
    candidates = []
    for initdb in glob.glob("/usr/lib/postgresql/*/bin/initdb"):
        bindir = Path(initdb).parent
        version = bindir.parent.name
        if (bindir / "pg_ctl").exists() and re.fullmatch(r"\d+(\.\d+)?", version):
            candidates.append((float(version), _Binaries(Path(initdb), bindir / "pg_ctl")))
    if not candidates:
        return None
    return max(candidates, key=lambda item: item[0])[1]


def _install_binaries() -> _Binaries:
    """Install Debian's postgresql package when we may (root with apt-get), else give up."""
    if os.geteuid() != 0:
        raise PostgresUnavailable("no /usr/lib/postgresql/*/bin/initdb and not root to install")
    if shutil.which("apt-get") is None:
        raise PostgresUnavailable("no /usr/lib/postgresql/*/bin/initdb and no apt-get")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", "postgresql"]):
        result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900)
        if result.returncode != 0:
            tail = _first_line(result.stderr[-2000:] or result.stdout[-2000:])
            raise PostgresUnavailable(f"{' '.join(command)} failed: {tail}")
    binaries = _find_binaries()
    if binaries is None:
        raise PostgresUnavailable("apt-get install postgresql left no initdb")
    return binaries


def _cluster_os_user() -> str | None:
    """Name the OS user to run the cluster as, or None to run as ourselves.

    PostgreSQL refuses to start as root, so root hands the cluster to a system user.
    """
    if os.geteuid() != 0:
        return None
    for name in ("postgres", CLUSTER_OS_USER_FALLBACK):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return name
    _create_system_user(CLUSTER_OS_USER_FALLBACK)
    return CLUSTER_OS_USER_FALLBACK


def _create_system_user(name: str) -> None:
    """Create a login-less system user to own the throwaway cluster."""
    command = [
        "useradd", "--system", "--user-group", "--no-create-home",
        "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", name,
    ]  # fmt: skip
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    except OSError as exc:
        raise PostgresUnavailable(f"cannot create system user {name}: {exc}") from exc
    if result.returncode != 0:
        raise PostgresUnavailable(f"useradd {name} failed: {_first_line(result.stderr)}")


def _initdb_args(data: Path) -> list[str]:
    """Arguments for a small trust-auth cluster whose superuser is always ``postgres``.

    ``--no-locale`` avoids failing on minimal images without generated locales; ``--no-sync``
    skips fsync because the cluster is thrown away.
    """
    return [
        "-D", str(data), "-U", CLUSTER_SUPERUSER, "--auth=trust",
        "--encoding=UTF8", "--no-locale", "--no-sync",
    ]  # fmt: skip


def _start_on_free_port(binaries: _Binaries, os_user: str | None, workdir: Path, data: Path) -> int:
    """Start the server, retrying on a new port if another process took the chosen one."""
    last_error = ""
    for _attempt in range(3):
        port = _free_port()
        options = " ".join(
            [
                f"-c listen_addresses={LOCAL_HOST}",
                f"-p {port}",
                f"-c unix_socket_directories={shlex.quote(str(workdir))}",
                "-c fsync=off -c full_page_writes=off -c synchronous_commit=off",
            ]
        )
        log = workdir / "server.log"
        command = [str(binaries.pg_ctl), "start", "-D", str(data), "-l", str(log)]
        try:
            _run_as(os_user, workdir, [*command, "-w", "-t", "60", "-o", options], timeout=90)
        except PostgresUnavailable as exc:
            last_error = f"{exc}; log: {_log_tail(log)}"
            continue
        return port
    raise PostgresUnavailable(f"pg_ctl start failed: {last_error}")


def _free_port() -> int:
    """Ask the kernel for a free TCP port on the loopback address."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOCAL_HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def _log_tail(log: Path) -> str:
    """Return the last lines of the server log, to explain a failed start."""
    try:
        return " | ".join(log.read_text(errors="replace").strip().splitlines()[-5:])
    except OSError:
        return "(no log)"


def _run_as(os_user: str | None, cwd: Path, command: list[str], timeout: float) -> None:
    """Run a PostgreSQL tool, as ``os_user`` via runuser when given.

    ``cwd`` is the cluster directory because the unprivileged user may not be able to enter
    the caller's working directory (for root, often /root).
    """
    if os_user is not None:
        command = ["runuser", "-u", os_user, "--", *command]
    try:
        result = subprocess.run(
            command, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise PostgresUnavailable(f"{Path(command[0]).name}: {exc}") from exc
    if result.returncode != 0:
        output = (result.stderr or result.stdout).strip()
        raise PostgresUnavailable(f"{' '.join(command)} exited {result.returncode}: {output}")


def _stop_cluster(binaries: _Binaries, os_user: str | None, workdir: Path, data: Path) -> None:
    """Stop the throwaway server without a checkpoint and delete its files (atexit)."""
    try:
        stop = [str(binaries.pg_ctl), "stop", "-D", str(data), "-m", "immediate", "-w"]
        _run_as(os_user, workdir, stop, timeout=60)
    except PostgresUnavailable:
        pass
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
