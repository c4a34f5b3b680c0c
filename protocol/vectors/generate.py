"""The seeded generator of ``protocol/vectors/tpsi-v2.json`` and its checker.

``generate_vectors()`` runs every protocol step on a tiny configuration with a seeded
randomness source and records every intermediate under its SPEC.md name, plus negative cases
(messages every decoder must reject, with the error code). ``check_vectors(path)`` regenerates
and diffs, then verifies the file's content independently: every positive message decodes and
re-encodes byte for byte, every voucher opens (or not) as recorded, recovery gives the recorded
items, and every negative case raises the recorded error code.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from vouchsafe.protocol.vectors.drbg import SeededRandomness
from vouchsafe.protocol.vectors.negative import negative_cases
from vouchsafe.sdk.crypto import labels
from vouchsafe.sdk.crypto.group import scalarmult_bytes
from vouchsafe.sdk.crypto.hash_to_group import expand_message_xmd_sha512, hash_to_group_bytes
from vouchsafe.sdk.errors import VouchsafeError
from vouchsafe.sdk.tpsi import (
    SyntheticSchedule,
    account_from_secret,
    blind_hash_set,
    generate_server_keys,
    generate_voucher,
    process_voucher,
    recover_associated_data,
    wire,
)
from vouchsafe.sdk.tpsi.account import item_tag, synthetic_coin
from vouchsafe.sdk.tpsi.cuckoo import CuckooPositions
from vouchsafe.sdk.tpsi.params import DEFAULT_SYNTHETIC_MAX
from vouchsafe.sdk.tpsi.schedule import synthetic_limit
from vouchsafe.sdk.tpsi.sealing import half_key
from vouchsafe.sdk.tpsi.server_outer import opening_keys

VECTORS_PATH = Path(__file__).resolve().parent / "tpsi-v2.json"
SEED = b"vouchsafe-tpsi-v1-test-vectors"  # the seed only; the suite is v2
THRESHOLD = 5
ACCOUNT_ID = b"vector-account"


class RecordingRandomness:
    """Wraps a Randomness and records every draw in order."""

    def __init__(self, inner: SeededRandomness) -> None:
        self.inner = inner
        self.draws: list[str] = []

    def random_bytes(self, n: int) -> bytes:
        out = self.inner.random_bytes(n)
        self.draws.append(out.hex())
        return out


def _jsonable(value: object) -> object:
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, tuple | list):
        return [_jsonable(v) for v in value]
    return value


def _decimal(value: object) -> object:
    """Field elements as decimal strings (JSON numbers lose precision past 2^53)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, list):
        return [_decimal(v) for v in value]
    return value


def _voucher_case(
    name: str,
    account: Any,
    blinded: Any,
    server_key: Any,
    schedule: SyntheticSchedule,
    candidates: list[bytes],
    item_id: bytes,
    ad: bytes,
    rng: SeededRandomness,
) -> tuple[dict[str, Any], Any]:
    recorder = RecordingRandomness(rng)
    trace: list[list[object]] = []
    index = schedule.items_seen + (schedule.peek(account, item_id) is None)
    voucher = generate_voucher(
        account,
        blinded,
        candidate_hashes=candidates,
        item_id=item_id,
        associated_data=ad,
        account_id=ACCOUNT_ID,
        schedule=schedule,
        rng=recorder,
        trace=lambda k, v: trace.append([k, _jsonable(v)]),
    )
    encoded = wire.encode_safety_voucher(voucher)
    opened = process_voucher(server_key, blinded, voucher, account_id=ACCOUNT_ID)
    halves = []
    for half in voucher.halves:
        s = scalarmult_bytes(server_key.alpha.encoding, half.q)
        key, commitment = half_key(s, blinded.params.params_digest, half.q)
        halves.append({"alpha_Q": s.hex(), "half_key": key.hex(), "commitment": commitment.hex()})
    case = {
        "name": name,
        "item_id": item_id.hex(),
        "associated_data": ad.hex(),
        "candidate_hashes": [c.hex() for c in candidates],
        "item_tag": item_tag(account, item_id).to_bytes(32, "big").hex(),
        "distinct_item_index": index,
        "synthetic_coin": str(synthetic_coin(account, item_id)),
        "synthetic_limit": str(synthetic_limit(index)),
        "synthetic": schedule.peek(account, item_id),
        "randomness": recorder.draws,
        "trace": trace,
        "voucher": encoded.hex(),
        "voucher_id": wire.voucher_id_from_bytes(encoded).hex(),
        "server_halves": halves,
        "opening_halves": len(opening_keys(server_key, voucher)),
        "opened_voucher": None if opened is None else wire.encode_opened_voucher(opened).hex(),
    }
    return case, opened


def generate_vectors() -> dict[str, Any]:
    """The whole vector file as a JSON-ready dictionary (deterministic)."""
    rng = SeededRandomness(SEED)
    known = [rng.random_bytes(32) for _ in range(8)]
    server_key = generate_server_keys(rng=rng)
    blinded = blind_hash_set(
        server_key,
        known,
        max_candidates=2,
        synthetic_max=DEFAULT_SYNTHETIC_MAX,
        padded_associated_data_length=64,
        rng=rng,
    )
    params = blinded.params
    positions = CuckooPositions(params.table_size, params.cuckoo_nonce_1, params.cuckoo_nonce_2)
    secret = rng.random_bytes(32)
    account = account_from_secret(params, secret, threshold=THRESHOLD)
    device_2 = account_from_secret(params, secret, threshold=THRESHOLD)
    schedule = SyntheticSchedule.for_account(account)
    schedule_2 = SyntheticSchedule.for_account(device_2)
    cases: list[tuple[str, Any, SyntheticSchedule, list[bytes], bytes, bytes]] = [
        # The first items of a device are synthetic whatever their coin (p_i = 1 for i <= 4).
        (f"synthetic {i}", account, schedule, [b"not-in-set-%04d" % i], b"syn-%d" % i, b"")
        for i in range(1, 5)
    ]
    real_cases = [
        *(("real single candidate", [known[i]], b"first") for i in range(THRESHOLD - 1)),
        ("real multi-probe", [b"not-in-set-0100", known[THRESHOLD - 1]], b"second"),
        ("non-match", [b"not-in-set-0101", b"not-in-set-0102"], b""),
    ]
    position = len(cases)
    for n, (name, candidates, ad) in enumerate(real_cases):
        position += 1
        # An id that is real at its position: its coin is at or above the limit.
        item_id = next(
            b"real-%d-%d" % (n, j)
            for j in range(10_000)
            if synthetic_coin(account, b"real-%d-%d" % (n, j)) >= synthetic_limit(position)
        )
        cases.append((f"{name} {n}", account, schedule, candidates, item_id, ad))
    cases.append(("re-send of the first real item", account, schedule, *cases[4][3:]))
    cases.append(("second device, same item", device_2, schedule_2, *cases[4][3:]))
    voucher_cases, opened = [], []
    for name, acct, sched, candidates, item_id, ad in cases:
        case, o = _voucher_case(
            name, acct, blinded, server_key, sched, candidates, item_id, ad, rng
        )
        voucher_cases.append(case)
        opened.append(o)
    below_opened = [i for i, o in enumerate(opened[: 4 + THRESHOLD - 1]) if o is not None]
    below = recover_associated_data(params, [opened[i] for i in below_opened])
    above_trace: list[list[object]] = []
    above = recover_associated_data(
        params,
        [o for o in opened if o is not None],
        trace=lambda k, v: above_trace.append([k, _jsonable(_decimal(v))]),
    )
    return {
        "ciphersuite": labels.CIPHERSUITE,
        "seed": SEED.hex(),
        "labels": {name: value.hex() for name, value in labels.LABELS.items()},
        "hash_to_group_dsts": {
            name: value.decode("ascii") for name, value in labels.HASH_TO_GROUP_DSTS.items()
        },
        "hash_to_group": [
            {
                "input": y.hex(),
                "expand_message_xmd": expand_message_xmd_sha512(y, labels.HASH_TO_GROUP, 64).hex(),
                "element": hash_to_group_bytes(y).hex(),
                "cuckoo_positions": list(positions(y)),
            }
            for y in known
        ],
        "server": {
            "server_key": wire.encode_server_key(server_key).hex(),
            "alpha": server_key.alpha.encoding.hex(),
            "known_hashes": [y.hex() for y in known],
            "blinded_hash_set": wire.encode_blinded_hash_set(blinded).hex(),
            "table_digest": params.table_digest.hex(),
            "params_digest": params.params_digest.hex(),
            "cuckoo_dropped_per_attempt": list(blinded.cuckoo.dropped) if blinded.cuckoo else [],
        },
        "account": {
            "secret": secret.hex(),
            "threshold": THRESHOLD,
            "account_id": ACCOUNT_ID.hex(),
            "synthetic_max": params.synthetic_max,
            "fkey": account.fkey.hex(),
            "adkey": account.adkey.hex(),
            "shamir_coefficients": [str(c) for c in account.shamir_coefficients],
            "dhf_coefficients": [[str(c) for c in g] for g in account.dhf_coefficients],
        },
        "vouchers": voucher_cases,
        "recovery": {
            "below_threshold": {
                "opened": below_opened,
                "threshold_reached": below.threshold_reached,
            },
            "at_threshold": {
                "opened": [i for i, o in enumerate(opened) if o is not None],
                "threshold_reached": above.threshold_reached,
                "trace": above_trace,
                "items": [[i.item_id.hex(), i.associated_data.hex()] for i in above.items],
                "synthetic_item_tags": [t.hex() for t in above.synthetic_item_tags],
            },
        },
        "negative": negative_cases(blinded, voucher_cases[0]["voucher"], server_key, opened[0]),
    }


def render(vectors: dict[str, Any]) -> str:
    """The canonical JSON text of the vectors (sorted keys, 1-space indent, final newline)."""
    return json.dumps(vectors, indent=1, sort_keys=True) + "\n"


def write_vectors(path: Path = VECTORS_PATH) -> Path:
    """Regenerates the vector file at ``path``."""
    path.write_text(render(generate_vectors()), encoding="utf-8")
    return path


def check_vectors(path: Path = VECTORS_PATH) -> list[str]:
    """Every problem found with the vector file at ``path``; empty when it is correct."""
    problems: list[str] = []
    text = path.read_text(encoding="utf-8")
    if text != render(generate_vectors()):
        problems.append(f"{path.name} differs from what the seeded generator produces")
    data = json.loads(text)
    problems += _verify_content(data)
    return problems


def _verify_content(data: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    server = data["server"]
    key = wire.decode_server_key(bytes.fromhex(server["server_key"]))
    blinded = wire.decode_blinded_hash_set(bytes.fromhex(server["blinded_hash_set"]))
    if blinded.params.params_digest.hex() != server["params_digest"]:
        problems.append("params_digest does not match the blinded hash set")
    for entry in data["hash_to_group"]:
        if hash_to_group_bytes(bytes.fromhex(entry["input"])).hex() != entry["element"]:
            problems.append(f"HashToGroup({entry['input']}) differs")
    opened = []
    for case in data["vouchers"]:
        encoded = bytes.fromhex(case["voucher"])
        voucher = wire.decode_safety_voucher(encoded, blinded.params)
        if wire.encode_safety_voucher(voucher) != encoded:
            problems.append(f"voucher {case['name']!r} does not re-encode byte for byte")
        account_id = bytes.fromhex(data["account"]["account_id"])
        result = process_voucher(key, blinded, voucher, account_id=account_id)
        got = None if result is None else wire.encode_opened_voucher(result).hex()
        if got != case["opened_voucher"]:
            problems.append(f"ProcessVoucher of {case['name']!r} differs")
        opened.append(result)
    at = data["recovery"]["at_threshold"]
    recovered = recover_associated_data(blinded.params, [opened[i] for i in at["opened"]])
    if [[i.item_id.hex(), i.associated_data.hex()] for i in recovered.items] != at["items"]:
        problems.append("RecoverAssociatedData items differ")
    decoders: dict[str, Callable[[bytes], object]] = {
        "voucher": lambda d: wire.decode_safety_voucher(d, blinded.params),
        "blinded_hash_set": wire.decode_blinded_hash_set,
        "server_key": wire.decode_server_key,
        "opened_voucher": wire.decode_opened_voucher,
    }
    for case in data["negative"]:
        try:
            decoders[case["message"]](bytes.fromhex(case["encoding"]))
        except VouchsafeError as exc:
            if exc.code != case["error"]:
                problems.append(f"negative {case['name']!r}: {exc.code} != {case['error']}")
        else:
            problems.append(f"negative {case['name']!r} was accepted")
    return problems
