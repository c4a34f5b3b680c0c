"""What binds a release together: its labels, release digest and Merkle root over table slots.

Normative text: ``protocol/SPEC.md``, section "Releases". Every hash here is SHA-256 with a
label from the one label module (``sdk/crypto/labels.py``), ``H(label, m) = SHA-256(label || m)``
(labels are prefix-free); leaves and inner nodes use different labels, and the root binds the
slot count, so neither a second preimage by tree reshaping nor a table of another size can
produce the same root.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from vouchsafe.sdk.crypto import labels

DIGEST_SIZE = 32
ROOT_SIZE = 32


def release_digest(header: bytes) -> bytes:
    """The release digest: names a release (its header commits to the table through the root)."""
    h = hashlib.sha256(labels.RELEASE_DIGEST)
    h.update(header)
    return h.digest()


def merkle_root(
    table: bytes,
    element_size: int,
    progress: Callable[[int], None] | None = None,
) -> bytes:
    """The Merkle root over the table's slots, in slot order.

    leaf_i = H(LEAF, slot_i); node = H(NODE, left || right); an unpaired last node moves up a
    level unchanged; root = H(ROOT, u64be(slot_count) || top) (top = 32 zero bytes when the
    table is empty). ``progress`` is called with the number of leaves hashed so far.
    Raises ValueError if the table is not a whole number of slots.
    """
    if element_size <= 0 or len(table) % element_size:
        raise ValueError("the table is not a whole number of slots")
    slot_count = len(table) // element_size
    leaf_prefix = hashlib.sha256(labels.MERKLE_LEAF)
    node_prefix = hashlib.sha256(labels.MERKLE_NODE)
    # Streaming: stack[k] holds the root of a complete subtree of 2^k leaves not yet paired.
    # Folding the leftover subtrees from the smallest up gives the same tree as pairing level
    # by level and moving an unpaired last node up unchanged; memory is O(log n).
    stack: list[bytes | None] = []
    view = memoryview(table)
    for index in range(slot_count):
        h = leaf_prefix.copy()
        h.update(view[index * element_size : (index + 1) * element_size])
        node = h.digest()
        height = 0
        while height < len(stack) and (left := stack[height]) is not None:
            h = node_prefix.copy()
            h.update(left)
            h.update(node)
            node = h.digest()
            stack[height] = None
            height += 1
        if height == len(stack):
            stack.append(node)
        else:
            stack[height] = node
        if progress is not None and (index + 1) % 65536 == 0:
            progress(index + 1)
    if progress is not None:
        progress(slot_count)
    top_node: bytes | None = None
    for pending in stack:
        if pending is None:
            continue
        if top_node is None:
            top_node = pending
        else:
            h = node_prefix.copy()
            h.update(pending)
            h.update(top_node)
            top_node = h.digest()
    top = top_node if top_node is not None else bytes(DIGEST_SIZE)
    h = hashlib.sha256(labels.MERKLE_ROOT)
    h.update(slot_count.to_bytes(8, "big"))
    h.update(top)
    return h.digest()
