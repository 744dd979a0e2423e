"""A throwaway PostgreSQL cluster for the tests: one per session, owned by an unprivileged user."""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from glob import glob
from pathlib import Path

import pytest

TEST_USER = "espec-test"
"""PostgreSQL refuses to run as root: the cluster belongs to this account when we are root."""
_databases = itertools.count()


def postgres_bin() -> Path | None:
    """Debian's newest PostgreSQL, else initdb on PATH."""
    found = sorted(glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_owner() -> list[str]:
    """The prefix that runs a command as the cluster's owner (ourselves unless we are root)."""
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam(TEST_USER)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", TEST_USER],
            check=True,
        )
    return ["runuser", "-u", TEST_USER, "--"]


class ClusterError(RuntimeError):
    """The throwaway PostgreSQL could not be made or started; the message says why."""


@contextmanager
def cluster(*, max_connections: int = 200) -> Iterator[str]:
    """A throwaway cluster until the block ends: its base URL (no database), on loopback TCP,
    trust auth, fsync off. Raises ClusterError when PostgreSQL is missing or does not start."""
    bin_dir = postgres_bin()
    if bin_dir is None:
        raise ClusterError("PostgreSQL is not installed (Debian: apt-get install postgresql)")
    folder = Path(tempfile.mkdtemp(prefix="espec-pg-"))
    owner = _as_owner()
    if owner:
        shutil.chown(folder, TEST_USER)
    data, port = folder / "data", _free_port()

    def run(*command: str) -> None:
        subprocess.run([*owner, *command], check=True, capture_output=True, cwd=folder)

    options = (
        f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={folder} "
        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
        f"-c max_connections={max_connections}"
    )
    try:
        run(str(bin_dir / "initdb"), "-D", str(data), "-U", "espec", "--auth=trust", "-E", "UTF8")
        run(
            str(bin_dir / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            options,
            "-l",
            str(folder / "log"),
            "-w",
            "start",
        )
    except subprocess.CalledProcessError as exc:
        log = folder / "log"
        detail = log.read_text() if log.exists() else exc.stderr.decode(errors="replace")
        shutil.rmtree(folder, ignore_errors=True)
        raise ClusterError(f"the test PostgreSQL did not start: {detail}") from None
    try:
        yield f"postgresql+psycopg://espec@127.0.0.1:{port}"
    finally:
        subprocess.run(
            [*owner, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
            capture_output=True,
            check=False,
        )
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """One cluster for the test session (see cluster); under CI a missing one fails."""
    if postgres_bin() is None:
        why = "PostgreSQL is not installed (Debian: apt-get install postgresql)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{why}; under CI the PostgreSQL tests must run", pytrace=False)
        pytest.skip(why)
    try:
        with cluster() as url:
            yield url
    except ClusterError as exc:
        pytest.fail(str(exc), pytrace=False)


def new_database(server: str) -> str:
    """A fresh, empty database on the cluster: its URL."""
    import sqlalchemy as sa

    name = f"t{os.getpid()}_{next(_databases)}"
    engine = sa.create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine.dispose()
    return f"{server}/{name}"
