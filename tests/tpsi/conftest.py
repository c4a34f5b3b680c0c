"""A small deterministic tPSI-AD configuration shared by the protocol tests."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from vouchsafe.protocol.vectors.drbg import SeededRandomness
from vouchsafe.sdk.tpsi import BlindedHashSet, ServerKey, blind_hash_set, generate_server_keys


@dataclass(frozen=True)
class Setup:
    server_key: ServerKey
    blinded: BlindedHashSet
    known: list[bytes]


def make_setup(seed: bytes = b"tpsi-tests", n: int = 64, **kwargs: object) -> Setup:
    rng = SeededRandomness(seed)
    known = [rng.random_bytes(32) for _ in range(n)]
    key = generate_server_keys(rng=rng)
    options: dict[str, object] = {
        "max_candidates": 2,
        "synthetic_max": 8,
        "padded_associated_data_length": 128,
    }
    options.update(kwargs)
    blinded = blind_hash_set(key, known, rng=rng, **options)  # type: ignore[arg-type]
    return Setup(server_key=key, blinded=blinded, known=known)


@pytest.fixture(scope="session")
def setup() -> Setup:
    return make_setup()


@pytest.fixture()
def rng() -> SeededRandomness:
    return SeededRandomness(b"per-test")


# The provider account id the protocol tests make and process vouchers for.
TEST_ACCOUNT_ID = b"test-account"
