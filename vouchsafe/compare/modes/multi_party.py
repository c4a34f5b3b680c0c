"""``multi_party``: secret-shared membership between two non-colluding matching services.

Construction (SPEC.md, "Detection modes", multi_party): each PSI candidate c of an item is mapped
to a point alpha = H(c) truncated to ``DOMAIN_BITS`` bits; the device splits the point function
[x == alpha] into two DPF keys (``dpf.gen``) and sends one key to each service. Each service holds
the hash set's candidate keys mapped the same way, evaluates its key on all of them and sums
(``dpf.eval_sum``), over all candidates of the item, giving one additive share mod 2^64 of the
number of the item's candidates in the hash set. Each service sends its share to the provider,
who adds them. Neither service alone learns anything about the item's candidates (each DPF key
is pseudorandom); the provider learns only the count; the services never see the result.
If the two services collude they learn alpha for every candidate.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from vouchsafe.compare.modes import dpf
from vouchsafe.compare.modes.base import (
    DetectionMode,
    DeviceItem,
    KnownEntry,
    MatchBook,
    ModeConfig,
    Verdicts,
)
from vouchsafe.compare.modes.common import deliver_encrypted, match_byte, new_item_ref
from vouchsafe.compare.transcript import (
    DEVICE,
    HASH_SOURCE,
    PROVIDER,
    FieldKind,
    Phase,
    Transcript,
    wire_field,
)
from vouchsafe.sdk.crypto import labels

SERVER_A = "server_a"
SERVER_B = "server_b"
DOMAIN_BITS = 40
SHARE_BYTES = 8


def point_of(key: bytes) -> int:
    """The DPF domain point of a candidate key."""
    digest = hashlib.sha256(labels.COMPARE_MULTI_PARTY_POINT + key).digest()
    return int.from_bytes(digest[:8], "big") >> (64 - DOMAIN_BITS)


def encode_keys(keys: Sequence[bytes]) -> bytes:
    """Length-prefixed (one byte) concatenation of PSI keys."""
    return b"".join(bytes([len(k)]) + k for k in keys)


def decode_keys(blob: bytes) -> list[bytes]:
    """Inverse of :func:`encode_keys`."""
    out: list[bytes] = []
    i = 0
    while i < len(blob):
        n = blob[i]
        out.append(blob[i + 1 : i + 1 + n])
        i += 1 + n
    return out


class MultiParty(DetectionMode):
    """Two-server DPF membership; the provider learns only a count per item."""

    # Each server evaluates 16 DPF keys over the whole hash set per item (about a second of
    # pure-Python-driven AES per item here): the harness runs at most this many items (every
    # known and crafted item first) and says so in the report.
    max_items = 120

    name = "multi_party"
    uses_candidates = True
    title = "Two non-colluding matching services (DPF)"
    summary = (
        "The device splits each PSI candidate into two distributed-point-function keys, one per "
        "matching service; their summed evaluations over the hash set add up, at the provider, "
        "to the number of the item's candidates in the set."
    )

    def setup(self, hash_set: Sequence[KnownEntry], config: ModeConfig, wire: Transcript) -> None:
        """Both services receive the hash set's candidate keys and map them to DPF points."""
        keys = sorted({k for e in hash_set for k in e.keys})
        self._points: dict[str, dpf.PointTree] = {}
        for server in (SERVER_A, SERVER_B):
            record = wire.send(
                HASH_SOURCE,
                server,
                "hash_set_keys",
                [wire_field(FieldKind.HASH_LIST, encode_keys(keys))],
                phase=Phase.SETUP,
            )
            with wire.cpu(server, Phase.SETUP):
                received = decode_keys(record.fields[0].value)
                points = np.array(sorted({point_of(k) for k in received}), dtype=np.uint64)
                self._points[server] = dpf.PointTree.build(points, DOMAIN_BITS)
        self._book = MatchBook(config.threshold)

    def send_item(self, item: DeviceItem, wire: Transcript) -> None:
        """DPF keys to each service, shares to the provider, the provider adds them."""
        deliver_encrypted(item, wire)
        with wire.cpu(DEVICE):
            pairs = [dpf.gen(point_of(c), DOMAIN_BITS) for c in sorted(set(item.candidates))]
        ref = new_item_ref()
        shares: list[int] = []
        for index, server in enumerate((SERVER_A, SERVER_B)):
            record = wire.send(
                DEVICE,
                server,
                "dpf_keys",
                [wire_field(FieldKind.DPF_KEY, pair[index].to_bytes()) for pair in pairs],
                item_id=item.item_id,
                item_ref=ref,
            )
            with wire.cpu(server):
                keys = [dpf.DpfKey.from_bytes(f.value) for f in record.fields]
                share = dpf.eval_sum_many(keys, self._points[server])
            answer = wire.send(
                server,
                PROVIDER,
                "result_share",
                [wire_field(FieldKind.RESULT_SHARE, share.to_bytes(SHARE_BYTES, "little"))],
                item_id=item.item_id,
                item_ref=ref,
            )
            shares.append(int.from_bytes(answer.fields[0].value, "little"))
        with wire.cpu(PROVIDER):
            count = sum(shares) % (1 << 64)
            matched = 0 < count <= len(pairs)
        wire.derive(PROVIDER, FieldKind.MATCH_RESULT, match_byte(matched), item_id=item.item_id)
        if matched:
            self._book.record(item.account, item.item_id)

    def finish(self, wire: Transcript) -> Verdicts:
        """Items whose shares added up to at least one matching candidate."""
        return self._book.verdicts()
