"""What binds a release together: its labels, release digest and Merkle root over table slots.

Normative text: ``protocol/SPEC.md``, section "Releases". Every hash here is SHA-256 with a
label from the one label module (``sdk/crypto/labels.py``), ``H(label, m) = SHA-256(label || m)``
(labels are prefix-free); leaves and inner nodes use different labels, and the root binds the
slot count, so neither a second preimage by tree reshaping nor a table of another size can
produce the same root.
"""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Callable
from concurrent.futures import Executor, Future

from vouchsafe.sdk.crypto import labels

DIGEST_SIZE = 32
ROOT_SIZE = 32
_LEAF_PREFIX = hashlib.sha256(labels.MERKLE_LEAF)
_NODE_PREFIX = hashlib.sha256(labels.MERKLE_NODE)


def release_digest(header: bytes) -> bytes:
    """The release digest: names a release (its header commits to the table through the root)."""
    h = hashlib.sha256(labels.RELEASE_DIGEST)
    h.update(header)
    return h.digest()


# Leaves per worker task when the root is computed on an executor: a complete subtree (2^14).
SUBTREE_HEIGHT = 14
_SUBTREE_LEAVES = 1 << SUBTREE_HEIGHT
# Subtree tasks submitted and not yet collected (bounds memory).
_SUBTREES_IN_FLIGHT = 16


def _push(stack: list[bytes | None], node: bytes, height: int) -> None:
    """Adds the root of a complete subtree of 2^height leaves to the streaming stack (every
    slot below ``height`` is empty), pairing it with the unpaired subtrees to its left."""
    while height < len(stack) and (left := stack[height]) is not None:
        h = _NODE_PREFIX.copy()
        h.update(left)
        h.update(node)
        node = h.digest()
        stack[height] = None
        height += 1
    stack.extend([None] * (height + 1 - len(stack)))
    stack[height] = node


def subtree_stack(slots: bytes, element_size: int) -> list[bytes | None]:
    """The streaming stack after the leaves of ``slots``: entry k is the root of a complete
    subtree of 2^k leaves not yet paired (None if none). Picklable: runs on worker processes."""
    stack: list[bytes | None] = []
    view = memoryview(slots)
    for start in range(0, len(slots), element_size):
        h = _LEAF_PREFIX.copy()
        h.update(view[start : start + element_size])
        _push(stack, h.digest(), 0)
    return stack


def merkle_root(
    table: bytes,
    element_size: int,
    progress: Callable[[int], None] | None = None,
    executor: Executor | None = None,
) -> bytes:
    """The Merkle root over the table's slots, in slot order.

    leaf_i = H(LEAF, slot_i); node = H(NODE, left || right); an unpaired last node moves up a
    level unchanged; root = H(ROOT, u64be(slot_count) || top) (top = 32 zero bytes when the
    table is empty). ``progress`` is called with the number of leaves hashed so far.
    With an ``executor`` (e.g. a process pool) complete subtrees of 2^14 leaves are hashed on
    its workers; the root is the same. Raises ValueError if the table is not a whole number of
    slots.
    """
    if element_size <= 0 or len(table) % element_size:
        raise ValueError("the table is not a whole number of slots")
    slot_count = len(table) // element_size
    # Streaming: stack[k] holds the root of a complete subtree of 2^k leaves not yet paired.
    # Folding the leftover subtrees from the smallest up gives the same tree as pairing level
    # by level and moving an unpaired last node up unchanged; memory is O(log n).
    step = _SUBTREE_LEAVES * element_size
    full = slot_count // _SUBTREE_LEAVES
    stack: list[bytes | None] = []
    pending: deque[Future[list[bytes | None]]] = deque()
    hashed = 0

    def add(subtree: list[bytes | None]) -> None:
        nonlocal hashed
        _push(stack, _subtree_root(subtree), SUBTREE_HEIGHT)
        hashed += _SUBTREE_LEAVES
        if progress is not None:
            progress(hashed)

    for chunk in range(full):
        part = table[chunk * step : (chunk + 1) * step]
        if executor is None:
            add(subtree_stack(part, element_size))
            continue
        pending.append(executor.submit(subtree_stack, part, element_size))
        if len(pending) >= _SUBTREES_IN_FLIGHT:
            add(pending.popleft().result())
    while pending:
        add(pending.popleft().result())
    tail = subtree_stack(table[full * step :], element_size)
    stack.extend([None] * (len(tail) - len(stack)))
    stack[: len(tail)] = tail  # the full subtrees left only slots >= SUBTREE_HEIGHT in use
    if progress is not None:
        progress(slot_count)
    top_node: bytes | None = None
    for pending_node in stack:
        if pending_node is None:
            continue
        if top_node is None:
            top_node = pending_node
        else:
            h = _NODE_PREFIX.copy()
            h.update(pending_node)
            h.update(top_node)
            top_node = h.digest()
    top = top_node if top_node is not None else bytes(DIGEST_SIZE)
    h = hashlib.sha256(labels.MERKLE_ROOT)
    h.update(slot_count.to_bytes(8, "big"))
    h.update(top)
    return h.digest()


def _subtree_root(stack: list[bytes | None]) -> bytes:
    """The one node of the stack of a complete subtree of 2^SUBTREE_HEIGHT leaves."""
    node = stack[SUBTREE_HEIGHT]
    assert node is not None and not any(stack[:SUBTREE_HEIGHT])
    return node
