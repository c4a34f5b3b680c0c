"""The provider's staff in the demo: two reviewers, the stand-in authority and an auditor.

Their Ed25519 keys are provisioned to the server as an operator would (a staff-keys file given at
start-up); every action they take is a signed request over the same HTTP API, with its role
checked by the server. The reviewers here are simulated people: a reviewer confirms an item when
its visual derivative looks like the derivative of a listed picture (mean grey-level difference),
which is what a human does with the derivative, and records that the derivative was viewed.
"""

from __future__ import annotations

import io
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
from PIL import Image

from vouchsafe.messenger.identity import Identity
from vouchsafe.sdk.api import ApiClient

STAFF = (
    ("reviewer-1", "reviewer"),
    ("reviewer-2", "reviewer"),
    ("authority", "authority"),
    ("auditor", "auditor"),
)
# Mean absolute grey-level difference (0..255) under which two 64-px derivatives "look the same";
# forwarded copies of the same photo differ by a few levels, different photos by tens.
SAME_PICTURE_MAX_DIFFERENCE = 24.0


@dataclass(frozen=True)
class StaffMember:
    """A staff member's name, role and signing identity."""

    name: str
    role: str
    identity: Identity


def write_staff_keys(members: list[StaffMember], folder: Path) -> dict[str, Path]:
    """Each member's signing seed in ``folder/<name>.key`` (0600), for `vouchsafe staff login`."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for member in members:
        path = folder / f"{member.name}.key"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(member.identity.signing_seed)
        paths[member.name] = path
    return paths


def make_staff(folder: Path) -> tuple[list[StaffMember], Path]:
    """Fresh staff keys and the JSON staff-keys file the server is started with."""
    members = [
        StaffMember(name, role, Identity(secrets.token_bytes(32), secrets.token_bytes(32)))
        for name, role in STAFF
    ]
    path = folder / "staff-keys.json"
    path.write_text(
        json.dumps(
            [
                {"name": m.name, "role": m.role, "public_key": m.identity.public.signing_key.hex()}
                for m in members
            ],
            indent=2,
        ),
        encoding="utf-8",
    )
    return members, path


def staff_client(member: StaffMember, server_url: str) -> ApiClient:
    """A signed-request client acting as ``member``."""
    return ApiClient(server_url, member.identity.signing_key)


def _grey(data: bytes, size: tuple[int, int] = (32, 32)) -> npt.NDArray[np.float64]:
    with Image.open(io.BytesIO(data)) as image:
        return np.asarray(image.convert("L").resize(size, Image.Resampling.BOX), dtype=np.float64)


def looks_like(derivative: bytes, listed: list[bytes]) -> tuple[bool, float]:
    """Whether ``derivative`` looks like any of the ``listed`` derivatives, and the closest
    mean grey-level difference."""
    if not listed:
        return False, 255.0
    seen = _grey(derivative)
    best = min(float(np.mean(np.abs(seen - _grey(other)))) for other in listed)
    return best <= SAME_PICTURE_MAX_DIFFERENCE, best
