"""A reference server on loopback (uvicorn in a thread) for browser tests, with the stand-in
matcher from the server tests and one key per staff role."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import uvicorn
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.reference_server.conftest import KNOWN_HASH, make_settings
from tests.reference_server.fakes import FakeMatcher
from vouchsafe.sdk.api import ApiClient
from vouchsafe.server.app import create_app
from vouchsafe.server.context import ServerContext
from vouchsafe.server.pipeline.matching import ConfirmationEntry, ListEntryIndex

STAFF = ("reviewer1", "reviewer2", "authority", "auditor")


@dataclass
class LiveServer:
    """A running server: its base URL, context and staff keys."""

    url: str
    ctx: ServerContext
    staff_keys: dict[str, Ed25519PrivateKey]

    def client(self, key: Ed25519PrivateKey | None = None) -> ApiClient:
        return ApiClient(self.url, key or Ed25519PrivateKey.generate())


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def live_server(tmp_path: Path, threshold: int = 3) -> Iterator[LiveServer]:
    """Serves the app on 127.0.0.1 until the block ends; stops by itself."""
    keys = {name: Ed25519PrivateKey.generate() for name in STAFF}
    entries = ListEntryIndex((ConfirmationEntry("entry-1", "pdq", KNOWN_HASH),))
    app = create_app(
        make_settings(f"sqlite:///{tmp_path / 'live.db'}", keys),
        matcher=FakeMatcher(threshold),
        entries=entries,
    )
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            httpx.get(url + "/v1/health", timeout=1)
            break
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise RuntimeError("the live server did not start") from None
            time.sleep(0.05)
    try:
        yield LiveServer(url, app.state.ctx, keys)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
