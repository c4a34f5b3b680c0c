"""Negative test vectors: encodings every decoder must reject, with the error code
(SPEC.md "Errors"). Each is a valid message from the positive vectors with one change."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from vouchsafe.protocol import tpsi_pb2
from vouchsafe.sdk.tpsi import wire
from vouchsafe.sdk.tpsi.params import VERSION, table_digest


def _mutate(cls: Any, hex_data: str, change: Callable[[Any], None]) -> str:
    message = cls()
    message.ParseFromString(bytes.fromhex(hex_data))
    change(message)
    return str(message.SerializeToString(deterministic=True).hex())


def negative_cases(blinded: Any, voucher_hex: str, server_key: Any, opened: Any) -> list[Any]:
    v = tpsi_pb2.SafetyVoucher
    b = tpsi_pb2.BlindedHashSet
    blinded_hex = wire.encode_blinded_hash_set(blinded).hex()
    opened_hex = wire.encode_opened_voucher(opened).hex()
    table = blinded.table

    def set_q(value: bytes) -> Callable[[Any], None]:
        return lambda m: setattr(m.halves[0], "q", value)

    def set_table(value: bytes) -> Callable[[Any], None]:
        def change(m: Any) -> None:
            m.table = value
            m.params.table_digest = table_digest(value)

        return change

    cases = [
        ("voucher", "identity Q", _mutate(v, voucher_hex, set_q(bytes(32))), "invalid_point"),
        (
            "voucher",
            "non-canonical Q",
            _mutate(v, voucher_hex, set_q(b"\xff" * 32)),
            "invalid_point",
        ),
        (
            "voucher",
            "negative Q",
            _mutate(v, voucher_hex, set_q(b"\x01" + bytes(31))),
            "invalid_point",
        ),
        ("voucher", "short Q", _mutate(v, voucher_hex, set_q(bytes(31))), "invalid_length"),
        ("voucher", "truncated", voucher_hex[:-2], "malformed_message"),
        ("voucher", "trailing bytes", voucher_hex + "00", "malformed_message"),
        ("voucher", "unknown field", voucher_hex + "f80105", "malformed_message"),
        (
            "voucher",
            "wrong ciphersuite",
            _mutate(v, voucher_hex, lambda m: setattr(m, "ciphersuite", "vouchsafe-tpsi-p256-v1")),
            "unsupported_ciphersuite",
        ),
        (
            "voucher",
            "wrong version",
            _mutate(v, voucher_hex, lambda m: setattr(m, "version", VERSION + 1)),
            "unsupported_ciphersuite",
        ),
        (
            "voucher",
            "extra half",
            _mutate(v, voucher_hex, lambda m: m.halves.append(m.halves[0])),
            "invalid_length",
        ),
        (
            "voucher",
            "long rct",
            _mutate(v, voucher_hex, lambda m: setattr(m, "rct", m.rct + b"\x00")),
            "invalid_length",
        ),
        (
            "blinded_hash_set",
            "repeated element",
            _mutate(b, blinded_hex, set_table(table[:32] + table[:-32])),
            "hash_set_rejected",
        ),
        (
            "blinded_hash_set",
            "identity element",
            _mutate(b, blinded_hex, set_table(bytes(32) + table[32:])),
            "hash_set_rejected",
        ),
        (
            "blinded_hash_set",
            "table digest mismatch",
            _mutate(b, blinded_hex, lambda m: setattr(m, "table", table[32:] + table[:32])),
            "hash_set_rejected",
        ),
        (
            "blinded_hash_set",
            "identity L",
            _mutate(b, blinded_hex, lambda m: setattr(m.params, "blinding_public", bytes(32))),
            "invalid_point",
        ),
        (
            "server_key",
            "zero alpha",
            _mutate(
                tpsi_pb2.ServerKey,
                wire.encode_server_key(server_key).hex(),
                lambda m: setattr(m, "alpha", bytes(32)),
            ),
            "invalid_scalar",
        ),
        (
            "opened_voucher",
            "dhf value out of range",
            _mutate(
                tpsi_pb2.OpenedVoucher,
                opened_hex,
                lambda m: setattr(m, "dhf_value", b"\xff" * 8 + m.dhf_value[8:]),
            ),
            "invalid_scalar",
        ),
    ]
    return [
        {"message": message, "name": name, "encoding": data, "error": code}
        for message, name, data, code in cases
    ]
