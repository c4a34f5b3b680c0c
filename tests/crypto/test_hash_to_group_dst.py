"""The hash-to-group DSTs are RFC 9380-style ASCII tags (section 3.1, appendix B) from the one
label module, distinct from each other and from every binary label."""

from __future__ import annotations

import pytest

from vouchsafe.sdk.crypto import labels
from vouchsafe.sdk.crypto.hash_to_group import hash_to_group_bytes


def test_hash_to_group_dst_is_printable_ascii_naming_app_version_and_suite() -> None:
    dst = labels.HASH_TO_GROUP
    text = dst.decode("ascii")
    assert text.isprintable() and 16 <= len(dst) <= 255
    assert text.startswith(labels.CIPHERSUITE + "-")  # application and version
    assert text.endswith("-with-ristretto255_XMD:SHA-512_R255MAP_RO_")  # RFC 9380 appendix B


def test_hash_to_group_dsts_never_collide_with_binary_labels_or_each_other() -> None:
    dsts = list(labels.HASH_TO_GROUP_DSTS.values())
    assert len(set(dsts)) == len(dsts)
    for dst in dsts:
        for label in labels.LABELS.values():
            assert not label.startswith(dst) and not dst.startswith(label)
        for other in dsts:
            assert other == dst or not other.startswith(dst)


def test_hash_to_group_depends_on_the_dst() -> None:
    y = b"benign-dst-test"
    other = labels.COMPARE_PSI_PER_ITEM_HASH_TO_GROUP
    assert hash_to_group_bytes(y) != hash_to_group_bytes(y, other)


def test_hash_to_group_names_are_bounded_alphanumeric() -> None:
    for bad in ("", "x" * (labels.MAX_NAME_LENGTH + 1), "with space", "Ünï"):
        with pytest.raises(ValueError):
            labels.hash_to_group_dst(bad)
