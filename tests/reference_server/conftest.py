"""An in-process server (Starlette TestClient) with the stand-in matcher and staff accounts."""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from starlette.testclient import TestClient

from tests.reference_server.fakes import FakeMatcher
from vouchsafe.sdk.api import ApiClient
from vouchsafe.server.app import create_app
from vouchsafe.server.context import ServerContext, wall_clock_ms
from vouchsafe.server.pipeline.matching import ConfirmationEntry, ListEntryIndex
from vouchsafe.server.settings import Settings, StaffKey

KNOWN_HASH = bytes.fromhex("f0" * 32)
THRESHOLD = 3


@dataclass
class Clock:
    """Wall-clock time plus an adjustable offset (requests are signed with wall-clock time)."""

    offset_ms: int = 0

    def __call__(self) -> int:
        return wall_clock_ms() + self.offset_ms


@dataclass
class InProcessServer:
    http: TestClient
    ctx: ServerContext
    clock: Clock
    staff_keys: dict[str, Ed25519PrivateKey]
    clients: list[ApiClient] = field(default_factory=list)

    def client(self, key: Ed25519PrivateKey | None = None) -> ApiClient:
        client = ApiClient("http://testserver", key or Ed25519PrivateKey.generate())
        client.http = self.http  # the TestClient is an httpx.Client bound to the app
        self.clients.append(client)
        return client

    def staff(self, name: str) -> ApiClient:
        return self.client(self.staff_keys[name])

    def user(self, handle: str = "") -> ApiClient:
        client = self.client()
        client.register(handle=handle)
        return client


def _provider_key_for(db_url: str) -> Path | None:
    """Beside a SQLite file (the default); for other databases one key file per URL, so a
    restart over the same database signs with the same key, as a deployment's would."""
    if db_url.startswith("sqlite:///") and ":memory:" not in db_url:
        return None
    name = hashlib.sha256(db_url.encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"vouchsafe-test-{name}.provider-key"


def make_settings(db_url: str, staff: dict[str, Ed25519PrivateKey], **over: object) -> Settings:
    roles = {
        "reviewer1": "reviewer",
        "reviewer2": "reviewer",
        "authority": "authority",
        "auditor": "auditor",
    }
    members = tuple(
        StaffKey(name, roles[name], key.public_key().public_bytes_raw())
        for name, key in staff.items()
    )
    base = Settings(
        db_url=db_url,
        staff=members,
        schedule_interval_s=0,
        recovery_poll_s=0,
        checkpoint_every=8,
        provider_key_path=_provider_key_for(db_url),
    )
    return base.with_overrides(**over)


@pytest.fixture
def staff_keys() -> dict[str, Ed25519PrivateKey]:
    return {
        n: Ed25519PrivateKey.generate() for n in ("reviewer1", "reviewer2", "authority", "auditor")
    }


@pytest.fixture
def server(db_url: str, staff_keys: dict[str, Ed25519PrivateKey]) -> Iterator[InProcessServer]:
    """The app on each database (SQLite, then PostgreSQL), with the stand-in matcher."""
    url = db_url
    clock = Clock()
    entries = ListEntryIndex((ConfirmationEntry("entry-1", "pdq", KNOWN_HASH),))
    app = create_app(
        make_settings(url, staff_keys), matcher=FakeMatcher(THRESHOLD), entries=entries, clock=clock
    )
    with TestClient(app) as http:
        yield InProcessServer(http, app.state.ctx, clock, staff_keys)
    app.state.ctx.storage.close()
