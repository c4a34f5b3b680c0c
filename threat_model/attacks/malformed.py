"""Attack 7: malformed input and downgrade against the strict wire boundary.

Starting from valid encodings (a safety voucher and a blinded hash set), the attack derives
hostile variants and feeds each to the decoder that meets it in deployment
(``decode_safety_voucher`` with the server's params, then ``process_voucher``;
``decode_blinded_hash_set`` on the device). Families:

- **downgrade**: another ciphersuite name, an older and a newer format version, a voucher made
  for an old release (other params) presented to the current one;
- **invalid points**: ``Q`` set to the identity, to a non-canonical encoding, to random bytes;
  a table element replaced by the identity, and by a copy of another element;
- **truncated / extended**: every cut of the encoding (sampled), and trailing bytes appended;
- **bit flips**: random single-bit flips anywhere in the encoding;
- **server routes** (``malformed_requests``): malformed HTTP requests to every route of an
  in-process reference server (wrong method, lying lengths, oversized, cut, replayed, stale,
  wrongly signed, wrong role, garbage and extreme inner messages, hostile queries and paths).

Each input ends in one of three ways: *rejected* (a ``VouchsafeError`` subclass, the documented
behaviour), *crashed* (any other exception), or *accepted*. A bit flip inside a ciphertext is
accepted by the decoder and either opens nothing or, if it hit a never-opening padding half,
opens exactly what the original opened; those are counted apart as *accepted, same outcome*.
The bare blinded-set encoding carries no signature, so flips in its free-form parameters
(cuckoo nonces, synthetic weights) decode; the signed release is what covers them, and the
``release`` family checks that. Anything else accepted is a finding.
"""

from __future__ import annotations

import hashlib
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from vouchsafe.threat_model.attacks import pipeline
from vouchsafe.threat_model.attacks.base import ATTACK_ACCOUNT_ID, AttackOutcome
from vouchsafe.threat_model.attacks.malformed_requests import run_against_routes

NUMBER = 7
NAME = "malformed"
TITLE = "malformed input and downgrade: wrong suite, old release, invalid points, truncation"


@dataclass(frozen=True)
class Config:
    """How many truncation points and bit flips to sample per message."""

    cuts: int = 120
    flips: int = 200
    seed: int = 7
    # Also send malformed HTTP requests to every route of an in-process reference server.
    server_routes: bool = True


def _key(i: int) -> bytes:
    return hashlib.sha256(f"vouchsafe/threat/known/{i}".encode()).digest()


def run(config: Config) -> AttackOutcome:
    """Builds valid messages, derives every hostile variant, and classifies each outcome."""
    pipeline.require_tpsi()
    from vouchsafe.protocol import tpsi_pb2
    from vouchsafe.sdk.errors import VouchsafeError
    from vouchsafe.sdk.tpsi import (
        SyntheticSchedule,
        blind_hash_set,
        generate_server_keys,
        generate_voucher,
        new_account,
        process_voucher,
        wire,
    )

    rng = random.Random(config.seed)
    known = [_key(i) for i in range(16)]
    server_key = generate_server_keys()
    old = blind_hash_set(server_key, known[:8], max_candidates=1)
    current = blind_hash_set(server_key, known, max_candidates=1)
    account = new_account(current.params, threshold=3)
    old_account = new_account(old.params, threshold=3)
    voucher = generate_voucher(
        account,
        current,
        candidate_hashes=[known[0]],
        item_id=b"i",
        associated_data=b"a",
        account_id=ATTACK_ACCOUNT_ID,
        schedule=SyntheticSchedule.never(),
    )
    good_voucher = wire.encode_safety_voucher(voucher)
    good_set = wire.encode_blinded_hash_set(current)
    baseline = process_voucher(server_key, current, voucher, account_id=ATTACK_ACCOUNT_ID)

    def server_side(data: bytes) -> object:
        decoded = wire.decode_safety_voucher(data, current.params)
        return process_voucher(server_key, current, decoded, account_id=ATTACK_ACCOUNT_ID)

    def device_side(data: bytes) -> object:
        return wire.decode_blinded_hash_set(data)

    results: dict[str, Counter[str]] = {}

    def attempt(family: str, fn: Callable[[bytes], object], data: bytes, harmless: bool) -> None:
        counter = results.setdefault(family, Counter())
        try:
            out = fn(data)
        except VouchsafeError:
            counter["rejected"] += 1
        except Exception:
            counter["crashed"] += 1
        else:
            if harmless and (out is None or _same_opening(out, baseline)):
                counter["accepted_same_outcome"] += 1
            else:
                counter["accepted"] += 1

    def edited_voucher(edit: Callable[[tpsi_pb2.SafetyVoucher], None]) -> bytes:
        message = tpsi_pb2.SafetyVoucher.FromString(good_voucher)
        edit(message)
        return message.SerializeToString(deterministic=True)

    def edited_set(edit: Callable[[tpsi_pb2.BlindedHashSet], None]) -> bytes:
        message = tpsi_pb2.BlindedHashSet.FromString(good_set)
        edit(message)
        return message.SerializeToString(deterministic=True)

    # Downgrade.
    for suite in ("vouchsafe-tpsi-p256-sha256-v1", "", "VOUCHSAFE-TPSI-RISTRETTO255-SHA512-V1"):
        attempt("downgrade", server_side, edited_voucher(_setter(("ciphersuite",), suite)), False)
        set_suite = _setter(("params", "ciphersuite"), suite)
        attempt("downgrade", device_side, edited_set(set_suite), False)
    for version in (0, voucher.version + 1):
        attempt("downgrade", server_side, edited_voucher(_setter(("version",), version)), False)
        set_version = _setter(("params", "version"), version)
        attempt("downgrade", device_side, edited_set(set_version), False)
    stale = generate_voucher(
        old_account,
        old,
        candidate_hashes=[known[0]],
        item_id=b"i",
        associated_data=b"a",
        account_id=ATTACK_ACCOUNT_ID,
        schedule=SyntheticSchedule.never(),
    )
    attempt("downgrade", server_side, wire.encode_safety_voucher(stale), False)

    # Invalid points.
    identity = bytes(32)
    non_canonical = bytes([0xFF] * 32)
    for bad in (identity, non_canonical):
        attempt("invalid_point", server_side, edited_voucher(_first_q(bad)), False)
        attempt("invalid_point", device_side, edited_set(_first_element(bad)), False)
    repeated = current.table[32:64]
    attempt("invalid_point", device_side, edited_set(_first_element(repeated)), False)

    # Truncated and extended.
    for good, fn in ((good_voucher, server_side), (good_set, device_side)):
        for cut in sorted(rng.sample(range(len(good)), min(config.cuts, len(good)))):
            attempt("truncated", fn, good[:cut], False)
        for extra in (b"\x00", b"\x08\x01", bytes(rng.getrandbits(8) for _ in range(17))):
            attempt("extended", fn, good + extra, False)

    # Bit flips: a flip inside a ciphertext decodes but must open nothing.
    for family, good, fn in (
        ("bit_flip_voucher", good_voucher, server_side),
        ("bit_flip_bare_set", good_set, device_side),
    ):
        for _ in range(config.flips):
            position = rng.randrange(len(good) * 8)
            flipped = bytearray(good)
            flipped[position // 8] ^= 1 << (position % 8)
            attempt(family, fn, bytes(flipped), fn is server_side)

    _release_family(current, old, rng, config.flips, attempt)
    _high_bit_family(current, voucher, server_side, attempt)
    routes = run_against_routes(server_key, current, rng) if config.server_routes else {}
    route_totals = Counter[str]()
    for counter in routes.values():
        route_totals.update(counter)

    totals = Counter[str]()
    for counter in results.values():
        totals.update(counter)
    structural = (
        "downgrade",
        "invalid_point",
        "truncated",
        "extended",
        "release",
        "high_bit_encoding",
    )
    held = totals["crashed"] == 0 and all(
        results[f]["accepted"] == 0 and results[f]["accepted_same_outcome"] == 0 for f in structural
    )
    # Bit flips the blinded-set decoder accepts change unauthenticated parameters (cuckoo
    # nonces, synthetic weights); the signed release header covers them ("release" family).
    unsigned_accepts = results["bit_flip_bare_set"]["accepted"]
    held = held and results["bit_flip_voucher"]["accepted"] == 0
    # Over HTTP: no request to any route of the server is a 500 or an error without a typed body.
    held = held and route_totals["crashed"] == 0 and route_totals["untyped"] == 0
    claim = (
        "Every downgraded, invalid-point, truncated or extended message and every rolled-back "
        "or tampered signed release is rejected with a typed VouchsafeError, nothing crashes, "
        "and a bit-flipped voucher that still decodes opens nothing new; the bare blinded-set "
        "encoding does not authenticate its parameters (the signed release does); no malformed "
        "request to any route of the reference server gets a 500 or an untyped error"
    )
    evidence: dict[str, object] = {
        "inputs": sum(totals.values()),
        "bare_set_flips_accepted": unsigned_accepts,
        **{family: dict(counter) for family, counter in results.items()},
        "totals": dict(totals),
        "server_requests": sum(route_totals.values()),
        "server_routes": {kind: dict(counter) for kind, counter in sorted(routes.items())},
        "server_totals": dict(route_totals),
    }
    return AttackOutcome(claim=claim, held=held, evidence=evidence)


def _same_opening(out: object, baseline: object) -> bool:
    """A still-decodable voucher opened to exactly what the unmodified one opened to (its id,
    a digest of its bytes, differs by construction)."""
    import dataclasses

    if not dataclasses.is_dataclass(out) or isinstance(out, type) or baseline is None:
        return False
    return bool(dataclasses.replace(out, voucher_id=baseline.voucher_id) == baseline)  # type: ignore[attr-defined]


def _setter(path: tuple[str, ...], value: object) -> Callable[[Any], None]:
    """An edit setting the (nested) protobuf field ``path`` to ``value``."""

    def edit(message: Any) -> None:
        for name in path[:-1]:
            message = getattr(message, name)
        setattr(message, path[-1], value)

    return edit


def _first_q(value: bytes) -> Callable[[Any], None]:
    def edit(message: Any) -> None:
        message.halves[0].q = value

    return edit


def _first_element(value: bytes) -> Callable[[Any], None]:
    def edit(message: Any) -> None:
        message.table = value + message.table[32:]

    return edit


def _release_family(
    current: object,
    old: object,
    rng: random.Random,
    flips: int,
    attempt: Callable[[str, Callable[[bytes], object], bytes, bool], None],
) -> None:
    """Signed releases on the device: rollback to an older release, and tampered files."""
    from vouchsafe.sdk.crypto import ed25519
    from vouchsafe.sdk.release import verify_release
    from vouchsafe.sdk.tpsi import wire
    from vouchsafe.server.hashset.release_file import ReleaseDraft, sign_release

    private = ed25519.generate_private_key()
    public = ed25519.public_key(private)
    signed = []
    previous = bytes(32)
    for version, blinded in ((1, old), (2, current)):
        draft = ReleaseDraft(
            ciphersuite=blinded.params.ciphersuite,  # type: ignore[attr-defined]
            version=version,
            previous_release_digest=previous,
            created_at=1_700_000_000,
            expires_at=4_000_000_000,
            server_params=wire.encode_server_params(blinded.params),  # type: ignore[attr-defined]
            entry_count=8 * version,
            signal_types=("pdq",),
        )
        release = sign_release(draft, blinded.table, private)  # type: ignore[attr-defined]
        previous = release.digest
        signed.append(release)
    held = verify_release(
        signed[1].data, release_key=public, published_root=signed[1].root, now=1_800_000_000
    )

    def device(root: bytes) -> Callable[[bytes], object]:
        def check(data: bytes) -> object:
            return verify_release(
                data, release_key=public, published_root=root, now=1_800_000_000, held=held
            )

        return check

    attempt("release", device(signed[0].root), signed[0].data, False)  # rollback, old root
    attempt("release", device(signed[1].root), signed[0].data, False)  # old file, new root
    good = signed[1].data
    for _ in range(flips):
        position = rng.randrange(len(good) * 8)
        flipped = bytearray(good)
        flipped[position // 8] ^= 1 << (position % 8)
        if bytes(flipped) != good:
            attempt("release", device(signed[1].root), bytes(flipped), False)


def _high_bit(encoding: bytes) -> bytes:
    """The same 32 bytes with bit 255 set: not a canonical encoding (RFC 9496 section 4.3.1)."""
    return encoding[:31] + bytes([encoding[31] | 0x80])


def _high_bit_family(
    current: Any,
    voucher: Any,
    server_side: Callable[[bytes], object],
    attempt: Callable[[str, Callable[[bytes], object], bytes, bool], None],
) -> None:
    """Encodings with bit 255 set: each must be rejected as a non-canonical point.

    Three places: every Q of a voucher (a malleable copy with another voucher id); a table
    holding one element twice, once under each encoding, re-digested as its own server would
    (passes "pairwise distinct" if only bytes are compared); the same table through the release
    element check.
    """
    import dataclasses

    from vouchsafe.sdk.release import check_elements
    from vouchsafe.sdk.tpsi import verify_blinded_hash_set, wire
    from vouchsafe.sdk.tpsi.messages import VoucherHalf
    from vouchsafe.sdk.tpsi.params import BlindedHashSet, table_digest

    halves = tuple(VoucherHalf(q=_high_bit(h.q), ct=h.ct) for h in voucher.halves)
    malleable = dataclasses.replace(voucher, halves=halves)
    attempt("high_bit_encoding", server_side, wire.encode_safety_voucher(malleable), False)
    table = bytearray(current.table)
    table[32:64] = _high_bit(bytes(table[0:32]))
    twice = bytes(table)
    params = dataclasses.replace(current.params, table_digest=table_digest(twice))

    def device(data: bytes) -> object:
        verify_blinded_hash_set(BlindedHashSet(params=params, table=data))
        return True

    def release_elements(data: bytes) -> object:
        check_elements(data)
        return True

    attempt("high_bit_encoding", device, twice, False)
    attempt("high_bit_encoding", release_elements, twice, False)
