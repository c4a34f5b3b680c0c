"""A synthetic voucher costs the same as a real one: GenerateVoucher makes the same sequence of
primitive calls, with the same lengths, whichever branch it keeps (SPEC.md "GenerateVoucher",
THREAT_MODEL.md T3). Counted, not timed."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from vouchsafe.protocol.vectors.drbg import SeededRandomness
from vouchsafe.sdk.crypto import aead, group, kdf
from vouchsafe.sdk.tpsi import (
    SyntheticSchedule,
    blind_hash_set,
    generate_server_keys,
    generate_voucher,
    new_account,
)

Calls = list[tuple[str, int]]


class _CountingLibsodium:
    def __init__(self, lib: Any, calls: Calls) -> None:
        self._lib, self._calls = lib, calls

    def __getattr__(self, name: str) -> Any:
        function = getattr(self._lib, name)

        def call(*args: Any) -> Any:
            self._calls.append((name, 0))
            return function(*args)

        return call


class _CountingRandomness:
    def __init__(self, calls: Calls) -> None:
        self._inner = SeededRandomness(b"constant-work")
        self._calls = calls

    def random_bytes(self, n: int) -> bytes:
        self._calls.append(("random_bytes", n))
        return self._inner.random_bytes(n)


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[Calls]:
    """Records every libsodium, HKDF, HMAC and ChaCha20-Poly1305 call (with its length)."""
    record: Calls = []
    monkeypatch.setattr(group, "_lib", _CountingLibsodium(group._lib, record))
    real_hkdf, real_prf, real_seal = kdf.hkdf, kdf.prf, aead.seal

    def hkdf(ikm: bytes, *, salt: bytes | None, info: bytes, length: int) -> bytes:
        record.append(("hkdf", length))
        return real_hkdf(ikm, salt=salt, info=info, length=length)

    def prf(key: bytes, label: bytes, message: bytes) -> bytes:
        record.append(("prf", len(message)))
        return real_prf(key, label, message)

    def seal(key: bytes, nonce: bytes, plaintext: bytes, aad: bytes) -> bytes:
        record.append(("seal", len(plaintext)))
        return real_seal(key, nonce, plaintext, aad)

    import vouchsafe.sdk.tpsi.account as account_module
    import vouchsafe.sdk.tpsi.schedule as schedule_module
    import vouchsafe.sdk.tpsi.sealing as sealing_module

    for module in (account_module, schedule_module, sealing_module, kdf):
        for name, replacement in (("hkdf", hkdf), ("prf", prf)):
            if hasattr(module, name):
                monkeypatch.setattr(module, name, replacement)
    for module in (aead, sealing_module):
        monkeypatch.setattr(module, "seal", seal)
    yield record


def _voucher_calls(
    calls: Calls, schedule: SyntheticSchedule, candidates: int, max_candidates: int
) -> Calls:
    server_key = generate_server_keys()
    known = [os.urandom(32) for _ in range(20)]
    blinded = blind_hash_set(server_key, known, max_candidates=max_candidates)
    account = new_account(blinded.params, threshold=5)
    hashes = known[:1] + [os.urandom(32) for _ in range(candidates - 1)]
    rng = _CountingRandomness(calls)
    calls.clear()
    generate_voucher(
        account,
        blinded,
        candidate_hashes=hashes,
        item_id=b"item-0001",
        associated_data=b"benign",
        account_id=b"account",
        schedule=schedule,
        rng=rng,
    )
    return list(calls)


@pytest.mark.parametrize(("candidates", "max_candidates"), [(1, 1), (1, 4), (3, 4), (4, 4)])
def test_synthetic_and_real_vouchers_make_the_same_primitive_calls(
    calls: Calls, candidates: int, max_candidates: int
) -> None:
    real = _voucher_calls(calls, SyntheticSchedule.never(), candidates, max_candidates)
    synthetic = _voucher_calls(calls, SyntheticSchedule.always(1), candidates, max_candidates)
    assert sum(name.startswith("crypto_scalarmult") for name, _ in real) >= 4
    assert any(name == "hkdf" for name, _ in real) and any(name == "seal" for name, _ in real)
    assert synthetic == real


def test_a_decision_past_the_budget_costs_the_same_prf_as_one_below_it(calls: Calls) -> None:
    spent = _voucher_calls(calls, SyntheticSchedule(0), 1, 1)
    fresh = _voucher_calls(calls, SyntheticSchedule(5, scale=0), 1, 1)
    assert spent == fresh
