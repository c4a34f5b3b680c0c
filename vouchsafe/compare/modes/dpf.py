"""A two-party distributed point function (Boyle, Gilboa, Ishai, "Function Secret Sharing:
Improvements and Extensions", CCS 2016, Fig. 1), with outputs in Z_{2^64}.

``gen(alpha, domain_bits)`` splits the point function f(x) = [x == alpha] into two keys; each key
alone is pseudorandom and reveals nothing about ``alpha``; ``eval_sum(key, points)`` returns one
party's additive share of sum_{x in points} f(x). Adding the two shares mod 2^64 gives 1 when
``alpha`` is among ``points`` and 0 otherwise.

The PRG is fixed-key AES-128 in the Matyas-Meyer-Oseas form G_k(s) = AES_k(s) XOR s, the
construction Google's distributed_point_functions library and most DPF implementations use
(security in the random-permutation model). The fixed keys are public constants derived from a
label. AES comes from ``cryptography``; evaluation is vectorised level by level over the sorted
set of points, so a whole hash set costs about ``|points| * (domain_bits - log2 |points|)``
PRG calls done in a few large AES batches.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from vouchsafe.sdk.crypto import labels

_K_LEFT, _K_RIGHT, _K_CONVERT = (
    hashlib.sha256(labels.COMPARE_DPF_FIXED_KEY + bytes([i])).digest()[:16] for i in range(3)
)
SEED_BYTES = 16

U8 = npt.NDArray[np.uint8]
U64 = npt.NDArray[np.uint64]


def _aes(key: bytes, blocks: U8) -> U8:
    encryptor = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
    out = encryptor.update(blocks.tobytes()) + encryptor.finalize()
    return np.frombuffer(out, dtype=np.uint8).reshape(-1, SEED_BYTES).copy()


def _prg(seeds: U8) -> tuple[U8, U8, U8, U8]:
    """(left seeds, left bits, right seeds, right bits) for each row of ``seeds``."""
    left = _aes(_K_LEFT, seeds) ^ seeds
    right = _aes(_K_RIGHT, seeds) ^ seeds
    t_left: U8 = (left[:, 0] & 1).astype(np.uint8)
    t_right: U8 = (right[:, 0] & 1).astype(np.uint8)
    left[:, 0] &= 0xFE
    right[:, 0] &= 0xFE
    return left, t_left, right, t_right


def _convert(seeds: U8) -> U64:
    block = _aes(_K_CONVERT, seeds) ^ seeds
    return block[:, :8].copy().view("<u8").reshape(-1).astype(np.uint64)


@dataclass(frozen=True)
class DpfKey:
    """One party's key: its index, root seed, per-level correction words and output correction."""

    party: int
    domain_bits: int
    seed: bytes
    cw_seeds: bytes
    cw_bits: bytes
    final: int

    def to_bytes(self) -> bytes:
        """party (1) | domain_bits (1) | seed (16) | per level: cw seed (16), cw bits (1) |
        final (8)."""
        levels = b"".join(
            self.cw_seeds[i * SEED_BYTES : (i + 1) * SEED_BYTES] + self.cw_bits[i : i + 1]
            for i in range(self.domain_bits)
        )
        return (
            bytes([self.party, self.domain_bits])
            + self.seed
            + levels
            + self.final.to_bytes(8, "little")
        )

    @staticmethod
    def from_bytes(blob: bytes) -> DpfKey:
        """Parses :meth:`to_bytes`; raises ValueError on a wrong length or party."""
        if len(blob) < 2:
            raise ValueError("DPF key too short")
        party, n = blob[0], blob[1]
        if party not in (0, 1) or not 1 <= n <= 64:
            raise ValueError("DPF key has a bad party or domain size")
        if len(blob) != 2 + SEED_BYTES + n * (SEED_BYTES + 1) + 8:
            raise ValueError("DPF key has the wrong length")
        body = blob[2 + SEED_BYTES : -8]
        step = SEED_BYTES + 1
        return DpfKey(
            party=party,
            domain_bits=n,
            seed=blob[2 : 2 + SEED_BYTES],
            cw_seeds=b"".join(body[i * step : i * step + SEED_BYTES] for i in range(n)),
            cw_bits=bytes(body[i * step + SEED_BYTES] for i in range(n)),
            final=int.from_bytes(blob[-8:], "little"),
        )


def gen(alpha: int, domain_bits: int, beta: int = 1) -> tuple[DpfKey, DpfKey]:
    """Two keys whose evaluations add up to ``beta`` at ``alpha`` and to 0 everywhere else."""
    if not 0 <= alpha < (1 << domain_bits):
        raise ValueError("alpha is outside the domain")
    s: list[U8] = [
        np.frombuffer(secrets.token_bytes(SEED_BYTES), np.uint8).reshape(1, -1).copy()
        for _ in (0, 1)
    ]
    roots = (s[0].tobytes(), s[1].tobytes())
    t = [0, 1]
    cw_seeds: list[bytes] = []
    cw_bits: list[int] = []
    for level in range(domain_bits):
        a = (alpha >> (domain_bits - 1 - level)) & 1
        expanded = [_prg(s[b]) for b in (0, 1)]
        keep, lose = (2, 0) if a else (0, 2)
        s_cw = expanded[0][lose] ^ expanded[1][lose]
        t_cw_left = int(expanded[0][1][0] ^ expanded[1][1][0]) ^ a ^ 1
        t_cw_right = int(expanded[0][3][0] ^ expanded[1][3][0]) ^ a
        t_cw_keep = t_cw_right if a else t_cw_left
        for b in (0, 1):
            seed_keep = expanded[b][keep]
            bit_keep = int(expanded[b][keep + 1][0])
            s[b] = (seed_keep ^ s_cw) if t[b] else seed_keep
            t[b] = bit_keep ^ (t_cw_keep if t[b] else 0)
        cw_seeds.append(s_cw.tobytes())
        cw_bits.append(t_cw_left | (t_cw_right << 1))
    mod = 1 << 64
    c0, c1 = int(_convert(s[0])[0]), int(_convert(s[1])[0])
    final = (beta - c0 + c1) % mod
    if t[1]:
        final = (-final) % mod
    keys = tuple(
        DpfKey(b, domain_bits, roots[b], b"".join(cw_seeds), bytes(cw_bits), final) for b in (0, 1)
    )
    return keys[0], keys[1]


@dataclass(frozen=True)
class PointTree:
    """The evaluation plan for one set of points: for each level, the parent of each node and
    whether it is a right child. Built once per hash set, reused for every key."""

    domain_bits: int
    size: int
    parents: tuple[npt.NDArray[np.intp], ...]
    go_right: tuple[npt.NDArray[np.bool_], ...]

    @staticmethod
    def build(points: U64, domain_bits: int) -> PointTree:
        """Plans evaluation over the distinct ``points`` (each below ``2**domain_bits``)."""
        xs = np.unique(points.astype(np.uint64))
        if xs.size and int(xs[-1]) >= 1 << domain_bits:
            raise ValueError("a point is outside the domain")
        parents: list[npt.NDArray[np.intp]] = []
        rights: list[npt.NDArray[np.bool_]] = []
        prefixes = np.zeros(1, dtype=np.uint64)
        for level in range(domain_bits):
            children = np.unique(xs >> np.uint64(domain_bits - 1 - level))
            parents.append(np.searchsorted(prefixes, children >> np.uint64(1)))
            rights.append((children & np.uint64(1)).astype(bool))
            prefixes = children
        return PointTree(domain_bits, int(xs.size), tuple(parents), tuple(rights))


def eval_sum(key: DpfKey, tree: PointTree) -> int:
    """This party's share (mod 2^64) of the number of the tree's points equal to the key's alpha."""
    if key.domain_bits != tree.domain_bits:
        raise ValueError("key and point tree have different domains")
    if tree.size == 0:
        return 0
    seeds = np.frombuffer(key.seed, np.uint8).reshape(1, -1).copy()
    bits = np.array([key.party], dtype=np.uint8)
    for level in range(tree.domain_bits):
        left, t_left, right, t_right = _prg(seeds)
        s_cw = np.frombuffer(key.cw_seeds[level * SEED_BYTES : (level + 1) * SEED_BYTES], np.uint8)
        correct = bits.astype(bool)
        left[correct] ^= s_cw
        right[correct] ^= s_cw
        t_left = (t_left ^ (bits & (key.cw_bits[level] & 1))).astype(np.uint8)
        t_right = (t_right ^ (bits & (key.cw_bits[level] >> 1))).astype(np.uint8)
        parent = tree.parents[level]
        go_right = tree.go_right[level]
        seeds = np.where(go_right[:, None], right[parent], left[parent])
        bits = np.where(go_right, t_right[parent], t_left[parent]).astype(np.uint8)
    values = _convert(seeds) + bits.astype(np.uint64) * np.uint64(key.final)
    total = int(values.sum(dtype=np.uint64))
    return (-total) % (1 << 64) if key.party else total


def eval_sum_many(keys: list[DpfKey], tree: PointTree) -> int:
    """Sum of :func:`eval_sum` over ``keys`` (all of one party), evaluated together in one
    batch per level; equal to ``sum(eval_sum(k, tree) for k in keys) mod 2^64``."""
    if not keys or tree.size == 0:
        return 0
    party = keys[0].party
    if any(k.party != party or k.domain_bits != tree.domain_bits for k in keys):
        raise ValueError("keys must belong to one party and the tree's domain")
    count = len(keys)
    seeds = np.frombuffer(b"".join(k.seed for k in keys), np.uint8).reshape(count, 1, SEED_BYTES)
    bits = np.full((count, 1), party, dtype=np.uint8)
    cw_seeds = np.frombuffer(b"".join(k.cw_seeds for k in keys), np.uint8).reshape(
        count, tree.domain_bits, SEED_BYTES
    )
    cw_bits = np.frombuffer(b"".join(k.cw_bits for k in keys), np.uint8).reshape(
        count, tree.domain_bits
    )
    for level in range(tree.domain_bits):
        nodes = seeds.shape[1]
        left, t_left, right, t_right = _prg(seeds.reshape(-1, SEED_BYTES))
        left = left.reshape(count, nodes, SEED_BYTES)
        right = right.reshape(count, nodes, SEED_BYTES)
        correction = cw_seeds[:, level, None, :] * bits[:, :, None]
        left ^= correction
        right ^= correction
        t_left = (t_left.reshape(count, nodes) ^ (bits & (cw_bits[:, level, None] & 1))).astype(
            np.uint8
        )
        t_right = (t_right.reshape(count, nodes) ^ (bits & (cw_bits[:, level, None] >> 1))).astype(
            np.uint8
        )
        parent = tree.parents[level]
        go_right = tree.go_right[level]
        seeds = np.where(go_right[None, :, None], right[:, parent], left[:, parent])
        bits = np.where(go_right[None, :], t_right[:, parent], t_left[:, parent]).astype(np.uint8)
    leaves = seeds.shape[1]
    values = _convert(seeds.reshape(-1, SEED_BYTES)).reshape(count, leaves)
    finals = np.array([k.final for k in keys], dtype=np.uint64)[:, None]
    values = values + bits.astype(np.uint64) * finals
    total = int(values.sum(dtype=np.uint64))
    return (-total) % (1 << 64) if party else total
