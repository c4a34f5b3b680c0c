"""Running the reference server in a child process on a free loopback port, for demos and tests.

The server is started exactly as an operator would (``python -m vouchsafe server ...``) so the
demo exercises the real HTTP stack; its stdout and stderr go to a log file the demo later greps
for plaintext.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import httpx

HEALTH_PATH = "/v1/health"
START_TIMEOUT_S = 60.0


class ServerStartError(RuntimeError):
    """The server process exited or did not become healthy in time; the message quotes its log."""


def free_loopback_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def demo_server_args(release_dir: Path, staff_file: Path, threshold: int) -> list[str]:
    """The options the demo's server runs with: its release, staff keys, a one-second
    threshold schedule and the match threshold ``threshold``."""
    return [
        "--release-dir",
        str(release_dir),
        "--staff-keys",
        str(staff_file),
        "--schedule-interval",
        "1",
        "--match-threshold",
        str(threshold),
    ]


class ServerProcess:
    """A reference server child process; use as a context manager to stop it reliably."""

    def __init__(
        self,
        db: Path | str,
        log_path: Path,
        extra_args: Sequence[str] = (),
        env: dict[str, str] | None = None,
    ) -> None:
        """``db``: a SQLite file, or a database URL (e.g. ``postgresql://...``)."""
        self.db_url = f"sqlite:///{db}" if isinstance(db, Path) else db
        self.log_path = log_path
        self.port = free_loopback_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._args = [
            sys.executable,
            "-m",
            "vouchsafe",
            "server",
            "--db",
            self.db_url,
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            *extra_args,
        ]
        self._env = {**os.environ, **(env or {})}
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> ServerProcess:
        """Starts the process and waits until its health endpoint answers."""
        log = self.log_path.open("ab")
        self._process = subprocess.Popen(
            self._args,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=self._env,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise ServerStartError(f"the server exited at start-up:\n{self.log_tail()}")
            try:
                if httpx.get(self.url + HEALTH_PATH, timeout=1.0).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        self.stop()
        raise ServerStartError(f"the server did not become healthy in time:\n{self.log_tail()}")

    def stop(self) -> None:
        """Stops the process (SIGTERM, then SIGKILL after 10 s)."""
        if self._process is None or self._process.poll() is not None:
            return
        self._process.terminate()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(timeout=10)

    def log_tail(self, lines: int = 30) -> str:
        """The last ``lines`` lines of the server's log."""
        if not self.log_path.exists():
            return "(no log)"
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def __enter__(self) -> ServerProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
