"""``he_match``: homomorphic PDQ matching with TenSEAL (CKKS), an optional extra (``.[he]``).

The device owns the CKKS key pair. At setup it sends the provider its *public* context
(encryption, relinearisation and Galois keys; tens of MB, measured). Per item it encrypts its
PDQ hash as 256 values in {-1, +1} (one ciphertext). The provider, holding the plaintext list,
computes with one encrypted vector-matrix product the inner products with every entry
(``<u, w_j> = 256 - 2 d_j``), and in the same pass maps them to ``r_j * (31.5 - d_j)`` with fresh
random ``r_j`` in [1, 1000], in a per-query random order of the entries. The device decrypts:
a positive value is an entry within PDQ distance 31, so the device learns how many entries
match (not which, nor the distances' exact values), and reports one match bit to the provider.

Honest limits: the device decides and reports (a modified client can lie); the multiplicative
mask leaks coarse magnitudes; CKKS gives no circuit privacy (the noise may carry information
about the list); one ciphertext holds up to 4096 results, so larger lists need one product per
4096 entries (``MAX_ENTRIES`` caps what this harness runs).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any

import numpy as np

from vouchsafe.compare.modes.base import (
    DetectionMode,
    DeviceItem,
    KnownEntry,
    MatchBook,
    ModeConfig,
    Verdicts,
)
from vouchsafe.compare.modes.common import (
    deliver_encrypted,
    new_item_ref,
    send_match_bit,
)
from vouchsafe.compare.modes.plain import send_hash_list
from vouchsafe.compare.transcript import (
    DEVICE,
    HASH_SOURCE,
    PROVIDER,
    FieldKind,
    Phase,
    Transcript,
    wire_field,
)

try:
    import tenseal as ts
except ImportError:  # optional extra
    ts = None

UNAVAILABLE_REASON = "not installed: TenSEAL (pip install -e '.[he]')" if ts is None else ""
POLY_MODULUS_DEGREE = 8192
COEFF_MOD_BIT_SIZES = (60, 40, 40, 60)
SCALE_BITS = 40
MAX_ENTRIES = POLY_MODULUS_DEGREE // 2
MAX_ITEMS = 40
HASH_BITS = 256


def _signs(perceptual_hash: bytes) -> np.ndarray[Any, np.dtype[np.float64]]:
    bits = np.unpackbits(np.frombuffer(perceptual_hash, dtype=np.uint8)).astype(np.float64)
    return 2.0 * bits - 1.0


class HeMatch(DetectionMode):
    """CKKS matching at PDQ <= 31; the device holds the key and reports the bit."""

    name = "he_match"
    title = "Homomorphic matching (TenSEAL CKKS)"
    summary = (
        "The device encrypts its PDQ hash under its own CKKS key; the provider computes masked "
        "distances to every list entry under encryption; the device decrypts the signs and "
        "reports whether any entry matched."
    )
    # CKKS products take seconds per item on this machine: the harness runs at most this many
    # items (every known and crafted item, then ordinary ones in order) and says so.
    max_items = MAX_ITEMS

    def setup(self, hash_set: Sequence[KnownEntry], config: ModeConfig, wire: Transcript) -> None:
        """Device makes keys and uploads its public context; provider loads the list."""
        if ts is None:
            raise RuntimeError(UNAVAILABLE_REASON)
        with wire.cpu(DEVICE, Phase.SETUP):
            self._context = ts.context(
                ts.SCHEME_TYPE.CKKS,
                poly_modulus_degree=POLY_MODULUS_DEGREE,
                coeff_mod_bit_sizes=list(COEFF_MOD_BIT_SIZES),
            )
            self._context.global_scale = 2**SCALE_BITS
            self._context.generate_galois_keys()
            public = self._context.copy()
            public.make_context_public()
            public_bytes = public.serialize(save_galois_keys=True, save_relin_keys=True)
        upload = wire.send(
            DEVICE,
            PROVIDER,
            "public_context",
            [wire_field(FieldKind.PUBLIC_KEY, public_bytes)],
            phase=Phase.SETUP,
        )
        hashes = send_hash_list(wire, HASH_SOURCE, PROVIDER, list(hash_set)[:MAX_ENTRIES])
        with wire.cpu(PROVIDER, Phase.SETUP):
            self._server_context = ts.context_from(upload.fields[0].value)
            self._matrix = np.stack([_signs(h) for h in hashes], axis=1)  # 256 x N
        self._entries = len(hashes)
        self._offered = len(hash_set)
        self._book = MatchBook(config.threshold)
        self._public_context_bytes = len(public_bytes)

    def send_item(self, item: DeviceItem, wire: Transcript) -> None:
        """Encrypted hash up, masked encrypted signs down, one bit up."""
        if ts is None:
            raise RuntimeError(UNAVAILABLE_REASON)
        deliver_encrypted(item, wire)
        with wire.cpu(DEVICE):
            query = ts.ckks_vector(self._context, _signs(item.perceptual_hash).tolist()).serialize()
        ref = new_item_ref()
        sent = wire.send(
            DEVICE,
            PROVIDER,
            "encrypted_hash",
            [wire_field(FieldKind.HE_CIPHERTEXT, query)],
            item_id=item.item_id,
            item_ref=ref,
        )
        with wire.cpu(PROVIDER):
            order = np.random.default_rng(secrets.randbits(64)).permutation(self._entries)
            masks = 1.0 + 999.0 * np.random.default_rng(secrets.randbits(64)).random(self._entries)
            encrypted = ts.ckks_vector_from(self._server_context, sent.fields[0].value)
            products = encrypted.mm(self._matrix[:, order].tolist())
            # r * (31.5 - d) with d = (256 - <u, w>) / 2  =  r/2 * <u, w> - 96.5 r
            masked = products * (0.5 * masks).tolist() + (-96.5 * masks).tolist()
            answer_bytes = masked.serialize()
        answer = wire.send(
            PROVIDER,
            DEVICE,
            "masked_signs",
            [wire_field(FieldKind.HE_CIPHERTEXT, answer_bytes)],
            item_id=item.item_id,
            item_ref=ref,
        )
        with wire.cpu(DEVICE):
            values = ts.ckks_vector_from(self._context, answer.fields[0].value).decrypt()
            count = sum(1 for v in values if v > 0)
        wire.derive(DEVICE, FieldKind.MATCH_RESULT, bytes([min(count, 255)]), item_id=item.item_id)
        send_match_bit(wire, DEVICE, item, ref, count > 0, self._book)

    def finish(self, wire: Transcript) -> Verdicts:
        """The bits devices reported."""
        return self._book.verdicts()

    def extras(self) -> dict[str, object]:
        """Set size that ran, public context size, parameters."""
        return {
            "hash_set_entries_matched_under_encryption": self._entries,
            "hash_set_entries_offered": self._offered,
            "public_context_bytes": self._public_context_bytes,
            "poly_modulus_degree": POLY_MODULUS_DEGREE,
            "max_entries_per_ciphertext": MAX_ENTRIES,
        }
