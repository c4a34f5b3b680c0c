"""HAZMAT: a deterministic byte stream from a secret seed (ChaCha20 keystream, ``cryptography``).

Used where a provider wants randomness it can later *re-derive*: the filler slots and cuckoo
nonces of a release are drawn from ``KeyedStream(build_seed, label)``, so an auditor given the
server key and the build seed can rebuild the table byte for byte, while to everyone else the
output is indistinguishable from uniform (ChaCha20 is a PRF). Never use it for device secrets.
"""

from __future__ import annotations

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

SEED_SIZE = 32
_NONCE = bytes(16)  # the key is unique per (seed, label), so a fixed nonce/counter start is safe


class KeyedStream:
    """Implements the protocol's ``Randomness`` interface: successive bytes of one keystream."""

    def __init__(self, seed: bytes, label: bytes) -> None:
        if len(seed) != SEED_SIZE:
            raise ValueError(f"the seed must be {SEED_SIZE} bytes")
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=label).derive(seed)
        self._stream = Cipher(algorithms.ChaCha20(key, _NONCE), mode=None).encryptor()

    def random_bytes(self, n: int) -> bytes:
        """The next ``n`` bytes of the stream."""
        return self._stream.update(bytes(n))

    def __repr__(self) -> str:
        return "KeyedStream(<redacted>)"
