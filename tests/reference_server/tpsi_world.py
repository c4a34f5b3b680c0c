"""A real deployment for subprocess tests: a release built from signed benign source lists (PDQ
hashes of generated benign images), blinded by ``vouchsafe.sdk.tpsi``, staff keys, and devices that
hash
photos with the SDK and build real safety vouchers.
"""

from __future__ import annotations

import io
import json
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PIL import Image

from tests.hashset.source_helpers import ISSUED_AT, Org, make_orgs, write_lists
from vouchsafe.protocol import associated_data_pb2
from vouchsafe.sdk import CANDIDATE_SCHEME, get_signal_type, psi_candidates
from vouchsafe.sdk.api import ApiClient, Receipt
from vouchsafe.sdk.media.candidates import DEFAULT_SCHEME, scheme_for_budget
from vouchsafe.sdk.release import verify_release
from vouchsafe.sdk.tpsi import (
    AccountKeys,
    BlindedHashSet,
    generate_voucher,
    new_account,
    wire,
)
from vouchsafe.sdk.tpsi.schedule import SyntheticSchedule
from vouchsafe.server.hashset.blinding import default_blinder
from vouchsafe.server.hashset.build import build_release
from vouchsafe.server.hashset.provenance import InclusionRule

THRESHOLD = 3
PDQ = get_signal_type("pdq")
STAFF_ROLES = {
    "reviewer1": "reviewer",
    "reviewer2": "reviewer",
    "authority": "authority",
    "auditor": "auditor",
}


def derivative_png(image: Image.Image) -> bytes:
    """A small low-resolution grey rendering, as the messenger attaches for review."""
    out = io.BytesIO()
    image.convert("L").resize((32, 32)).save(out, format="PNG")
    return out.getvalue()


def resaved(image: Image.Image) -> Image.Image:
    """The same photo after a lossy re-encode (its PDQ hash moves a few bits)."""
    out = io.BytesIO()
    image.convert("RGB").save(out, format="JPEG", quality=70)
    return Image.open(io.BytesIO(out.getvalue()))


def build_release_folder(
    root: Path,
    known: Sequence[bytes],
    *,
    name: str = "release",
    previous: Path | None = None,
    orgs: Sequence[Org] | None = None,
    max_candidates: int | None = None,
) -> Path:
    """A release listing ``known`` PDQ hashes (two organisations each), with its server bundle;
    with ``previous`` the next release of that chain (same ``orgs`` needed); for the release
    budget ``max_candidates`` (default: the default scheme's)."""
    orgs = orgs or make_orgs(("a", "DE"), ("b", "FR"))
    sources = root / f"sources-{name}"
    sources.mkdir(parents=True, exist_ok=True)
    listings = {o.name: [("add", h) for h in known] for o in orgs}
    registry, lists = write_lists(sources, orgs, listings)
    release_dir = root / name
    build_release(
        registry_path=registry,
        source_paths=lists,
        out_dir=release_dir,
        rule=InclusionRule(),
        previous=previous,
        now=ISSUED_AT + 10,
        blinder=default_blinder(
            scheme=DEFAULT_SCHEME if max_candidates is None else scheme_for_budget(max_candidates)
        ),
    )
    return release_dir


def write_staff_file(root: Path) -> tuple[dict[str, Ed25519PrivateKey], Path]:
    """Fresh staff keys and the operator's staff file for them."""
    staff = {name: Ed25519PrivateKey.generate() for name in STAFF_ROLES}
    path = root / "staff.json"
    path.write_text(
        json.dumps(
            [
                {
                    "name": name,
                    "role": STAFF_ROLES[name],
                    "public_key": key.public_key().public_bytes_raw().hex(),
                }
                for name, key in staff.items()
            ]
        )
    )
    return staff, path


def server_args(release_dir: Path, staff_file: Path) -> list[str]:
    """``vouchsafe server`` flags for this deployment (no scheduler: tests drive every step)."""
    return [
        "--release-dir",
        str(release_dir),
        "--staff-keys",
        str(staff_file),
        "--match-threshold",
        str(THRESHOLD),
        "--schedule-interval",
        "0",
    ]


def fetch_blinded_hash_set(url: str) -> BlindedHashSet:
    """What a device does: fetch the current release over the API, verify it, read the set."""
    client = ApiClient(url, Ed25519PrivateKey.generate())
    try:
        release = verify_release(
            client.release(),
            release_key=bytes.fromhex(client.release_key()),
            published_root=bytes.fromhex(client.release_root()),
            now=None,
        )
    finally:
        client.close()
    return BlindedHashSet(wire.decode_server_params(release.server_params), release.table)


@dataclass
class Device:
    """A user's phone: an account key for the API and a tPSI account for vouchers."""

    api: ApiClient
    blinded: BlindedHashSet
    account: AccountKeys
    schedule: SyntheticSchedule

    @classmethod
    def register(
        cls,
        url: str,
        blinded: BlindedHashSet,
        handle: str = "",
        synthetic_rate: float | None = None,
    ) -> Device:
        api = ApiClient(url, Ed25519PrivateKey.generate())
        api.register(handle=handle)
        account = new_account(blinded.params, threshold=THRESHOLD)
        schedule = (
            SyntheticSchedule.for_account(account)
            if synthetic_rate is None
            else SyntheticSchedule.constant_rate(synthetic_rate, account.synthetic_max)
        )
        return cls(api, blinded, account, schedule)

    def voucher_for(self, image: Image.Image) -> tuple[bytes, bytes]:
        """(VoucherId, encoded SafetyVoucher) for one photo, as the SDK makes them."""
        result = PDQ.hash_media(image)
        ad = associated_data_pb2.AssociatedData(
            version=1,
            signal_type=result.signal_type,
            perceptual_hash=result.bits,
            quality=result.quality,
            candidate_scheme=CANDIDATE_SCHEME,
            visual_derivative=derivative_png(image),
            visual_derivative_type="image/png",
            media_type="image/jpeg",
        ).SerializeToString()
        voucher = generate_voucher(
            self.account,
            self.blinded,
            candidate_hashes=psi_candidates(result),
            item_id=secrets.token_bytes(16),
            associated_data=ad,
            account_id=self.api.account_id.encode(),
            schedule=self.schedule,
        )
        return wire.voucher_id(voucher), wire.encode_safety_voucher(voucher)

    def send_photo(self, image: Image.Image) -> Receipt:
        return self.api.upload_voucher(*self.voucher_for(image))


def review_queue_of(reviewer: ApiClient, count: int, timeout_s: float = 60.0) -> list[Any]:
    """The reviewer's queue once it holds ``count`` items: recovery runs after the upload's
    response (a background job), so a client may ask before it committed."""
    deadline = time.monotonic() + timeout_s
    while True:
        queue = list(reviewer.review_queue())
        if len(queue) >= count or time.monotonic() > deadline:
            return queue
        time.sleep(0.05)
