"""The detection path as the attacks see it: the one place they call
``vouchsafe.sdk.media``/``vouchsafe.sdk.tpsi``.

Attackers get what a device gives anyone holding it: the perceptual hash and the PSI candidates
of any image (the on-device code is a black box they can query), and the hash-set keys a known
item's hash expands to (to play the hash-set source in benign stand-in experiments). The
"known" items are ordinary benign images playing that role.
"""

from __future__ import annotations

import importlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from vouchsafe.threat_model.attacks.base import ATTACK_ACCOUNT_ID, AttackUnavailable

Pixels = NDArray[np.uint8]


def require_media() -> None:
    """Raises AttackUnavailable unless the hashing module (vouchsafe.sdk.media) is installed."""
    try:
        importlib.import_module("vouchsafe.sdk.media.candidates")
        importlib.import_module("vouchsafe.sdk.media.signal_types")
    except ImportError as exc:
        raise AttackUnavailable(f"needs the hashing module vouchsafe.sdk.media ({exc})") from None


def require_tpsi() -> None:
    """Raises AttackUnavailable unless the protocol core (vouchsafe.sdk.tpsi) is installed."""
    if not hasattr(importlib.import_module("vouchsafe.sdk.tpsi"), "generate_voucher"):
        raise AttackUnavailable("needs the protocol core vouchsafe.sdk.tpsi (generate_voucher)")


@dataclass(frozen=True)
class Hashed:
    """What the device computes for one image: the full hash and its PSI candidates."""

    perceptual_hash: bytes
    quality: int
    candidates: frozenset[bytes]


def hash_pixels(pixels: Pixels) -> Hashed:
    """The device's hash and PSI candidates of an RGB uint8 array."""
    from vouchsafe.sdk.media.candidates import psi_candidates
    from vouchsafe.sdk.media.signal_types import get_signal_type

    result = get_signal_type("pdq").hash_media(Image.fromarray(pixels))
    keys = psi_candidates(result)
    return Hashed(result.bits, result.quality, frozenset(keys))


def hash_bits(pixels: Pixels) -> NDArray[np.bool_]:
    """The 256 PDQ bits of an image as a boolean array (the attacker's query)."""
    from vouchsafe.sdk.media.pdq import unpack_bits
    from vouchsafe.sdk.media.signal_types import get_signal_type

    bits: NDArray[np.bool_] = unpack_bits(
        get_signal_type("pdq").hash_media(Image.fromarray(pixels)).bits
    )
    return bits


def coarse_mask() -> NDArray[np.bool_]:
    """The hash bits the PSI candidates are made of (the candidate scheme is public)."""
    from vouchsafe.sdk.media.candidates import CODE_BITS, coarse_positions

    mask = np.zeros(256, dtype=bool)
    mask[coarse_positions("pdq", 256)] = True
    if int(mask.sum()) != CODE_BITS:
        raise AttackUnavailable("unexpected candidate scheme layout")
    return mask


def set_keys(perceptual_hash: bytes) -> frozenset[bytes]:
    """The hash-set keys a known item's full hash expands to (what the server blinds)."""
    from vouchsafe.sdk.media.candidates import hash_set_keys

    return frozenset(hash_set_keys("pdq", perceptual_hash))


def distance(a: bytes, b: bytes) -> int:
    """PDQ Hamming distance (the server's second, full-hash check uses <= 31)."""
    from vouchsafe.sdk.media.signal_types import get_signal_type

    return get_signal_type("pdq").distance(a, b)


def match_distance() -> int:
    """The full-hash confirmation distance (PDQ: 31)."""
    from vouchsafe.sdk.media.signal_types import get_signal_type

    return get_signal_type("pdq").match_distance


def decode_bytes(data: bytes) -> Pixels:
    """Decodes media bytes the way the device does; raises the SDK's InvalidMedia."""
    from vouchsafe.sdk.media.decode import decode_image

    return np.asarray(decode_image(data).convert("RGB"), dtype=np.uint8)


def encode_png(pixels: Pixels) -> bytes:
    """Lossless PNG bytes of an RGB array."""
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG")
    return buffer.getvalue()


def load_corpus(count: int, first: int = 0, side: int = 256) -> list[tuple[str, Pixels]]:
    """``count`` benign corpus photos (sorted by name from ``first``), longest side ``side``.

    Falls back to generated images when the shared corpus is absent.
    """
    from vouchsafe.corpus import default_corpus_dir, read_manifest
    from vouchsafe.imagegen import synthetic_image

    corpus = default_corpus_dir()
    out: list[tuple[str, Pixels]] = []
    if (corpus / "MANIFEST.tsv").is_file():
        photos = sorted(
            (row.path for row in read_manifest(corpus) if row.kind == "photo"),
            key=lambda p: p.name,
        )
        for path in photos[first : first + count]:
            out.append((path.name, _load(path, side)))
        return out
    for seed in range(first, first + count):
        image = synthetic_image(seed, (side, side * 3 // 4))
        out.append((f"generated-{seed}", np.asarray(image, dtype=np.uint8)))
    return out


def _load(path: Path, side: int) -> Pixels:
    with Image.open(path) as image:
        rgb = image.convert("RGB")
        rgb.thumbnail((side, side))
        return np.asarray(rgb, dtype=np.uint8)


class Deployment:
    """A provider holding a blinded hash set built from ``known`` hashes, and its server key."""

    def __init__(self, known_keys: Sequence[bytes], threshold: int) -> None:
        from vouchsafe.sdk.media.candidates import MAX_CANDIDATES
        from vouchsafe.sdk.tpsi import blind_hash_set, generate_server_keys

        self.server_key: Any = generate_server_keys()
        self.blinded: Any = blind_hash_set(
            self.server_key, sorted(set(known_keys)), max_candidates=MAX_CANDIDATES
        )
        self.threshold = threshold

    def new_account(self) -> Any:
        """A fresh account (secret on the device) for this release."""
        from vouchsafe.sdk.tpsi import new_account

        return new_account(self.blinded.params, threshold=self.threshold)

    def voucher(self, account: Any, candidates: Sequence[bytes], item_id: bytes, ad: bytes) -> Any:
        """The device's safety voucher for one item."""
        from vouchsafe.sdk.tpsi import SyntheticSchedule, generate_voucher

        return generate_voucher(
            account,
            self.blinded,
            candidate_hashes=list(candidates),
            item_id=item_id,
            associated_data=ad,
            account_id=ATTACK_ACCOUNT_ID,
            schedule=SyntheticSchedule.never(),
        )

    def process(self, voucher: Any) -> Any:
        """The server's outer step: an opened voucher, or None for a non-match."""
        from vouchsafe.sdk.tpsi import process_voucher

        return process_voucher(self.server_key, self.blinded, voucher, account_id=ATTACK_ACCOUNT_ID)

    def recover(self, opened: Sequence[Any]) -> Any:
        """The server's inner step over an account's opened vouchers."""
        from vouchsafe.sdk.tpsi import recover_associated_data

        return recover_associated_data(self.blinded.params, list(opened))
