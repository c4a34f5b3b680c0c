"""Signing staff in to the console of an in-process server, as a browser would."""

from __future__ import annotations

import io
import re

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PIL import Image
from starlette.testclient import TestClient

from tests.reference_server.conftest import KNOWN_HASH, THRESHOLD, InProcessServer
from tests.reference_server.fakes import fake_voucher, upload
from vouchsafe.sdk.console_signin import sign_in_code

CSRF = re.compile(r'name="csrf" value="([0-9a-f]+)"')


def derivative_png(shade: int) -> bytes:
    """A 64-px grey stand-in derivative (benign: a generated gradient)."""
    image = Image.linear_gradient("L").resize((64, 64)).point(lambda v: (v + shade) % 256)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def browser(server: InProcessServer) -> TestClient:
    """A separate client (own cookie jar) on the same running app."""
    return TestClient(server.http.app, base_url="http://testserver", follow_redirects=False)


def sign_in(server: InProcessServer, key: Ed25519PrivateKey) -> TestClient:
    """A browser signed in with ``key`` (the challenge from the page, signed like the CLI)."""
    client = browser(server)
    challenge = client.get("/console/challenge").text.strip()
    reply = client.post("/console/login", data={"code": sign_in_code(challenge, key)})
    assert reply.status_code == 303, reply.text
    return client


def csrf_of(client: TestClient, path: str) -> str:
    """The CSRF token a page of this session embeds."""
    match = CSRF.search(client.get(path).text)
    assert match is not None
    return match.group(1)


def account_past_threshold(server: InProcessServer, items: int = THRESHOLD) -> None:
    """A user whose ``items`` matching vouchers put ``items`` items in the review queue."""
    alice = server.user("alice")
    for n in range(items):
        upload(alice, fake_voucher(1, KNOWN_HASH, derivative_png(n * 20)))
