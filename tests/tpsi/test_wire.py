"""Strict wire decoding: every malformed input raises the library's typed error."""

from __future__ import annotations

import contextlib

import pytest

from tests.tpsi.conftest import TEST_ACCOUNT_ID, Setup, make_setup
from vouchsafe.protocol import tpsi_pb2
from vouchsafe.protocol.vectors.drbg import SeededRandomness
from vouchsafe.sdk.errors import (
    HashSetRejectedError,
    InvalidLengthError,
    InvalidPointError,
    MalformedMessageError,
    ParamsMismatchError,
    UnsupportedCiphersuiteError,
    VouchsafeError,
)
from vouchsafe.sdk.tpsi import SafetyVoucher, generate_voucher, new_account, process_voucher, wire
from vouchsafe.sdk.tpsi.params import table_digest
from vouchsafe.sdk.tpsi.schedule import SyntheticSchedule
from vouchsafe.sdk.tpsi.verify import first_repeated_element


@pytest.fixture(scope="module")
def voucher(setup: Setup) -> SafetyVoucher:
    rng = SeededRandomness(b"wire")
    account = new_account(setup.blinded.params, threshold=3, rng=rng)
    return generate_voucher(
        account,
        setup.blinded,
        candidate_hashes=[setup.known[0]],
        item_id=b"id",
        associated_data=b"ad",
        rng=rng,
        account_id=TEST_ACCOUNT_ID,
        schedule=SyntheticSchedule.never(),
    )


def test_every_message_round_trips(setup: Setup, voucher: SafetyVoucher) -> None:
    blinded = wire.decode_blinded_hash_set(wire.encode_blinded_hash_set(setup.blinded))
    assert blinded.params == setup.blinded.params and blinded.table == setup.blinded.table
    assert wire.decode_server_params(wire.encode_server_params(blinded.params)) == blinded.params
    key = wire.decode_server_key(wire.encode_server_key(setup.server_key))
    assert key.alpha == setup.server_key.alpha
    encoded = wire.encode_safety_voucher(voucher)
    assert wire.decode_safety_voucher(encoded, blinded.params) == voucher
    opened = process_voucher(setup.server_key, setup.blinded, voucher, account_id=TEST_ACCOUNT_ID)
    assert opened is not None
    assert opened.voucher_id == wire.voucher_id_from_bytes(encoded)
    assert wire.decode_opened_voucher(wire.encode_opened_voucher(opened)) == opened


def test_truncated_and_extended_vouchers_are_rejected(setup: Setup, voucher: SafetyVoucher) -> None:
    encoded = wire.encode_safety_voucher(voucher)
    for bad in (
        encoded[:-1],
        encoded[: len(encoded) // 2],
        encoded + b"\x00",
        encoded + b"\x28\x01",
        encoded + encoded[-40:],
    ):
        with pytest.raises(VouchsafeError) as excinfo:
            wire.decode_safety_voucher(bad, setup.blinded.params)
        assert excinfo.value.code in {"malformed_message", "invalid_length"}


def test_unknown_fields_are_rejected(voucher: SafetyVoucher) -> None:
    encoded = wire.encode_safety_voucher(voucher) + b"\xf8\x01\x05"  # field 31, varint 5
    with pytest.raises(MalformedMessageError):
        wire.decode_safety_voucher(encoded)


def test_wrong_ciphersuite_and_version_are_rejected(voucher: SafetyVoucher) -> None:
    message = tpsi_pb2.SafetyVoucher()
    message.ParseFromString(wire.encode_safety_voucher(voucher))
    message.ciphersuite = "vouchsafe-tpsi-p256-sha256-v1"
    with pytest.raises(UnsupportedCiphersuiteError) as excinfo:
        wire.decode_safety_voucher(message.SerializeToString(deterministic=True))
    assert excinfo.value.field == "voucher.ciphersuite"
    message.ciphersuite = wire.CIPHERSUITE
    message.version = wire.VERSION + 1
    with pytest.raises(UnsupportedCiphersuiteError):
        wire.decode_safety_voucher(message.SerializeToString(deterministic=True))


@pytest.mark.parametrize("bad_q", [bytes(32), b"\xff" * 32, b"\x01" + bytes(31)])
def test_identity_and_noncanonical_points_are_rejected(
    voucher: SafetyVoucher, bad_q: bytes
) -> None:
    message = tpsi_pb2.SafetyVoucher()
    message.ParseFromString(wire.encode_safety_voucher(voucher))
    message.halves[1].q = bad_q
    with pytest.raises(InvalidPointError) as excinfo:
        wire.decode_safety_voucher(message.SerializeToString(deterministic=True))
    assert excinfo.value.field == "voucher.halves[1].q"


def test_wrong_lengths_are_rejected(setup: Setup, voucher: SafetyVoucher) -> None:
    message = tpsi_pb2.SafetyVoucher()
    message.ParseFromString(wire.encode_safety_voucher(voucher))
    message.halves[0].ct = message.halves[0].ct[:-1]
    with pytest.raises(InvalidLengthError):
        wire.decode_safety_voucher(message.SerializeToString(deterministic=True))
    message.ParseFromString(wire.encode_safety_voucher(voucher))
    message.rct = message.rct + b"\x00"
    with pytest.raises(InvalidLengthError):
        wire.decode_safety_voucher(
            message.SerializeToString(deterministic=True), setup.blinded.params
        )


def test_voucher_for_other_params_is_rejected(voucher: SafetyVoucher) -> None:
    other = make_setup(seed=b"other", n=16)
    with pytest.raises(ParamsMismatchError):
        process_voucher(other.server_key, other.blinded, voucher, account_id=TEST_ACCOUNT_ID)


def _blinded_with_table(setup: Setup, table: bytes) -> bytes:
    message = tpsi_pb2.BlindedHashSet()
    message.ParseFromString(wire.encode_blinded_hash_set(setup.blinded))
    message.table = table
    message.params.table_digest = table_digest(table)  # a consistent digest: the checks must
    return message.SerializeToString(deterministic=True)


def test_client_refuses_a_set_with_repeated_identity_or_invalid_elements(setup: Setup) -> None:
    table = setup.blinded.table
    repeated = table[:32] + table[:32] + table[64:]
    identity = bytes(32) + table[32:]
    invalid = b"\xff" * 32 + table[32:]
    for bad, reason in (
        (repeated, "repeats"),
        (identity, "P_0"),
        (invalid, "P_0"),
        (table[:-32], "expected"),
    ):
        with pytest.raises(HashSetRejectedError, match=reason):
            wire.decode_blinded_hash_set(_blinded_with_table(setup, bad))
    tampered = tpsi_pb2.BlindedHashSet()
    tampered.ParseFromString(_blinded_with_table(setup, table))
    tampered.params.table_digest = bytes(32)
    with pytest.raises(HashSetRejectedError, match="table_digest"):
        wire.decode_blinded_hash_set(tampered.SerializeToString(deterministic=True))


def test_garbage_never_raises_anything_but_typed_errors() -> None:
    rng = SeededRandomness(b"garbage")
    decoders = [
        wire.decode_safety_voucher,
        wire.decode_blinded_hash_set,
        wire.decode_server_params,
        wire.decode_opened_voucher,
        wire.decode_server_key,
    ]
    for i in range(200):
        data = rng.random_bytes(i % 97)
        for decode in decoders:
            with contextlib.suppress(VouchsafeError):
                decode(data)


def test_repeated_elements_are_found_wherever_they_are() -> None:
    rng = SeededRandomness(b"repeats")
    elements = [rng.random_bytes(32) for _ in range(500)]
    assert first_repeated_element(b"".join(elements)) is None
    same_prefix = elements[7][:8] + rng.random_bytes(24)  # prefix collision, different element
    assert first_repeated_element(b"".join([*elements, same_prefix])) is None
    assert first_repeated_element(b"".join([*elements, elements[123]])) == 500
    assert first_repeated_element(b"".join([elements[3], *elements[1:]])) == 3


def test_secrets_print_redacted(setup: Setup) -> None:
    account = new_account(setup.blinded.params, threshold=3, rng=SeededRandomness(b"r"))
    for secret_holder, secret in (
        (setup.server_key, setup.server_key.alpha.encoding),
        (account, account.secret),
        (account, account.adkey),
        (account, account.fkey),
    ):
        text = repr(secret_holder) + str(secret_holder)
        assert "redacted" in text
        assert secret.hex() not in text and str(secret) not in text
