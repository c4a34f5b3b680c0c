"""A throwaway PostgreSQL server for the test session, started from the installed binaries.

``PostgresServer.start()`` finds ``initdb``/``pg_ctl`` (PATH, then /usr/lib/postgresql/NN/bin;
when neither has them it runs ``scripts/ensure_system_deps.sh``, which installs Debian's
``postgresql``), creates a cluster in a temporary directory and listens on a free loopback port.
PostgreSQL refuses to run as root, so as root the server runs as the ``postgres`` OS user (or
a ``vouchsafe-pg`` user created for it). ``fresh_database()`` returns the URL of a new, already
migrated database (a copy of one migrated template); ``emptied(url)`` empties one for reuse.

The cluster runs with ``fsync=off``: the tests kill the vouchsafe server, never PostgreSQL,
and PostgreSQL's own crash safety is not what they test.
"""

from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import psycopg

from vouchsafe.demo.server_process import free_loopback_port
from vouchsafe.server.storage import open_storage
from vouchsafe.server.storage.schema import TABLES

REPO_ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = "vouchsafe_template"
SUPERUSER = "vouchsafe"


def postgres_bin_dir() -> Path:
    """The directory holding ``initdb`` and ``pg_ctl``, installing PostgreSQL when missing."""
    for attempt in range(2):
        found = shutil.which("pg_ctl")
        if found is not None and shutil.which("initdb") is not None:
            return Path(found).resolve().parent
        versions = sorted(
            glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
            key=lambda p: int(Path(p).parent.parent.name),
        )
        if versions:
            return Path(versions[-1]).parent
        if attempt == 0:
            subprocess.run([str(REPO_ROOT / "scripts" / "ensure_system_deps.sh")], check=True)
    raise RuntimeError("PostgreSQL binaries not found after scripts/ensure_system_deps.sh")


def _server_user() -> pwd.struct_passwd | None:
    """None when not root; else the unprivileged OS user the server process runs as."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "vouchsafe-pg"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    subprocess.run(
        ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "vouchsafe-pg"],
        check=True,
    )
    return pwd.getpwnam("vouchsafe-pg")


@dataclass
class PostgresServer:
    """A running throwaway cluster; ``stop()`` ends it and removes its files."""

    root: Path
    port: int
    bin_dir: Path
    user: pwd.struct_passwd | None

    @classmethod
    def start(cls) -> PostgresServer:
        bin_dir = postgres_bin_dir()
        user = _server_user()
        root = Path(tempfile.mkdtemp(prefix="vouchsafe-pg-"))
        if user is not None:
            os.chown(root, user.pw_uid, user.pw_gid)
        server = cls(root, free_loopback_port(), bin_dir, user)
        server._run(
            "initdb",
            "-D",
            str(root / "data"),
            "-U",
            SUPERUSER,
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",
        )
        options = (
            f"-p {server.port} -c listen_addresses=127.0.0.1 -k {root} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=300"
        )
        server._run(
            "pg_ctl",
            "-D",
            str(root / "data"),
            "-l",
            str(root / "log"),
            "-o",
            options,
            "-w",
            "start",
        )
        storage = open_storage(server.url_for(server._create(TEMPLATE)))
        storage.close()
        return server

    def _run(self, program: str, *args: str) -> None:
        def demote() -> None:
            if self.user is not None:
                os.setgid(self.user.pw_gid)
                os.setuid(self.user.pw_uid)

        subprocess.run(
            [str(self.bin_dir / program), *args],
            check=True,
            preexec_fn=demote,
            cwd=self.root,
            stdout=subprocess.DEVNULL,
        )

    def url_for(self, database: str) -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def _create(self, name: str, template: str = "template1") -> str:
        with psycopg.connect(self.url_for("postgres"), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return name

    def fresh_database(self) -> str:
        """The URL of a new database holding the migrated, empty schema."""
        return self.url_for(self._create(f"t_{secrets.token_hex(6)}", TEMPLATE))

    def emptied(self, url: str) -> str:
        """``url`` after deleting every row (the schema stays migrated): much faster than a new
        database per test. Nothing may hold a transaction open on it meanwhile."""
        names = ", ".join(f'"{name}"' for name in TABLES)
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute(f"TRUNCATE {names}")
            connection.execute(
                "INSERT INTO audit_head (id, seq, entry_hash) VALUES (1, 0, %s)", (bytes(32),)
            )
        return url

    def drop(self, url: str) -> None:
        """Removes a database made by ``fresh_database`` (closing its leftover connections)."""
        name = url.rsplit("/", 1)[1]
        with psycopg.connect(self.url_for("postgres"), autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.root / "data"), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)
