"""Attack 8: pre-encryption bypass (a documented limit, demonstrated).

Client-side detection sees what the messaging app hands it. A sender who encrypts a known item
with a key shared out of band, before the app sees it, sends bytes the detection path cannot
recognise. Two forms are run through the real detection path (decode, hash, PSI candidates,
and, when the protocol core is installed, voucher generation and the server's outer step):

- **opaque file**: the ciphertext sent as a file; decoding fails with InvalidMedia, so no
  candidates exist and nothing can match;
- **ciphertext in pixels**: the ciphertext packed into the pixels of a valid PNG; it decodes
  and hashes like any picture of noise, and matches nothing.

The recipient decrypts and gets the original bytes back exactly. The same items sent plainly
(lossless) match, so the path is live. No protocol can prevent this: it is why THREAT_MODEL.md
lists detection as voluntary for anyone willing to use a second layer of encryption.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass

import numpy as np

from vouchsafe.threat_model.attacks import pipeline
from vouchsafe.threat_model.attacks.base import AttackOutcome, AttackUnavailable

NUMBER = 8
NAME = "pre-encryption"
TITLE = "pre-encryption bypass: content encrypted before the app sees it is not detected"

_NONCE = 12


@dataclass(frozen=True)
class Config:
    """How many known items to send, and the match threshold of the stand-in deployment."""

    items: int = 6
    threshold: int = 3


def _seal(key: bytes, plaintext: bytes) -> bytes:
    from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

    nonce = secrets.token_bytes(_NONCE)
    return nonce + ChaCha20Poly1305(key).encrypt(nonce, plaintext, None)


def _open(key: bytes, sealed: bytes) -> bytes:
    from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

    return ChaCha20Poly1305(key).decrypt(sealed[:_NONCE], sealed[_NONCE:], None)


def _to_pixels(data: bytes) -> pipeline.Pixels:
    framed = len(data).to_bytes(4, "big") + data
    side = math.isqrt(math.ceil(len(framed) / 3)) + 1
    buffer = np.zeros(side * side * 3, dtype=np.uint8)
    buffer[: len(framed)] = np.frombuffer(framed, dtype=np.uint8)
    return buffer.reshape(side, side, 3)


def _from_pixels(pixels: pipeline.Pixels) -> bytes:
    flat = pixels.reshape(-1).tobytes()
    length = int.from_bytes(flat[:4], "big")
    return flat[4 : 4 + length]


def _detected(data: bytes, known: frozenset[bytes]) -> tuple[bool, bool, frozenset[bytes]]:
    """(decoded, matched, candidates) for media bytes on the device's detection path."""
    from vouchsafe.sdk.errors import InvalidMedia

    try:
        pixels = pipeline.decode_bytes(data)
    except InvalidMedia:
        return False, False, frozenset()
    hashed = pipeline.hash_pixels(pixels)
    return True, bool(hashed.candidates & known), hashed.candidates


def run(config: Config) -> AttackOutcome:
    """Sends each known item plainly, as an encrypted file and as ciphertext-in-pixels."""
    pipeline.require_media()
    items = pipeline.load_corpus(config.items)
    originals = [pipeline.encode_png(pixels) for _, pixels in items]
    known = frozenset().union(
        *(pipeline.set_keys(pipeline.hash_pixels(pixels).perceptual_hash) for _, pixels in items)
    )
    key = secrets.token_bytes(32)
    plain_matches = opaque_decoded = opaque_matches = wrapped_matches = recovered = 0
    sent: dict[str, list[tuple[frozenset[bytes], bytes]]] = {"plain": [], "wrapped": []}
    for original in originals:
        _, matched, candidates = _detected(original, known)
        plain_matches += matched
        sent["plain"].append((candidates, original))
        sealed = _seal(key, original)
        decoded, matched, _ = _detected(sealed, known)
        opaque_decoded += decoded
        opaque_matches += matched
        wrapped = pipeline.encode_png(_to_pixels(sealed))
        _, matched, candidates = _detected(wrapped, known)
        wrapped_matches += matched
        sent["wrapped"].append((candidates, wrapped))
        # The recipient's side: unwrap, decrypt, compare with the original bytes.
        back = _open(key, _from_pixels(pipeline.decode_bytes(wrapped)))
        recovered += hashlib.sha256(back).digest() == hashlib.sha256(original).digest()
    evidence: dict[str, object] = {
        "known_items": len(items),
        "plain_sent_matched": plain_matches,
        "opaque_file_decoded": opaque_decoded,
        "opaque_file_matched": opaque_matches,
        "ciphertext_in_pixels_matched": wrapped_matches,
        "recipient_recovered_exactly": recovered,
    }
    notes: list[str] = []
    server: dict[str, int] | None = None
    try:
        pipeline.require_tpsi()
        server = _server_view(sent, known, config.threshold)
        evidence["server_recovered_past_threshold"] = server
    except AttackUnavailable as exc:
        notes.append(f"server side not run: {exc}; candidate-level matching only")
    n = len(items)
    held = (
        plain_matches == n
        and opaque_decoded == 0
        and opaque_matches == 0
        and wrapped_matches == 0
        and recovered == n
    )
    if server is not None:
        # Synthetic vouchers may stand in for some plain items (they are then not recovered);
        # what matters is that no pre-encrypted item is ever recovered as a match.
        held = held and server["threshold_reached"] == 1 and server["wrapped"] == 0
    claim = (
        "Documented limit: media encrypted by the sender before the app sees it is never "
        "detected (opaque file: not decodable, no voucher; ciphertext in pixels: a voucher that "
        "never opens), while the same items sent plainly match, and the recipient recovers "
        "every original exactly"
    )
    return AttackOutcome(claim=claim, held=held, evidence=evidence, notes=tuple(notes))


def _server_view(
    sent: dict[str, list[tuple[frozenset[bytes], bytes]]], known: frozenset[bytes], t: int
) -> dict[str, int]:
    """One account sends every item both ways; what does the server recover past threshold?"""
    deployment = pipeline.Deployment(sorted(known), threshold=t)
    account = deployment.new_account()
    opened = []
    for kind, items in sent.items():
        for index, (candidates, _) in enumerate(items):
            item_id = f"{kind}-{index}".encode()
            voucher = deployment.voucher(account, sorted(candidates), item_id, b"stand-in")
            result = deployment.process(voucher)
            if result is not None:
                opened.append(result)
    recovered = deployment.recover(opened)
    ids = [item.item_id.decode() for item in recovered.items]
    return {
        "threshold_reached": int(recovered.threshold_reached),
        "plain": sum(i.startswith("plain-") for i in ids),
        "wrapped": sum(i.startswith("wrapped-") for i in ids),
    }
