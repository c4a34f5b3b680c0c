"""The device accepts a release only when every check passes and otherwise keeps its release."""

from __future__ import annotations

import pytest

from tests.hashset.release_helpers import (
    NOW,
    RELEASE_PUB,
    make_release,
    params_for,
    random_table,
)
from vouchsafe.protocol import release_pb2
from vouchsafe.sdk import errors
from vouchsafe.sdk.crypto import ed25519, labels
from vouchsafe.sdk.release import ReleaseHolder, verify_release
from vouchsafe.sdk.release_commitment import merkle_root
from vouchsafe.server.hashset.release_file import make_delta


@pytest.fixture(scope="module")
def table() -> bytes:
    return random_table(6)


def _holder_with_v1(table: bytes) -> tuple[ReleaseHolder, bytes]:
    holder = ReleaseHolder(RELEASE_PUB, clock=lambda: NOW)
    v1 = make_release(table)
    holder.install(v1.data, v1.root)
    return holder, v1.digest


def test_valid_release_is_accepted_and_held(table: bytes) -> None:
    holder = ReleaseHolder(RELEASE_PUB, clock=lambda: NOW)
    release = make_release(table)
    held = holder.install(release.data, release.root)
    assert holder.current is held
    assert held.version == 1 and held.slot_count == 6 and held.element(2) == table[64:96]
    assert held.to_bytes() == release.data


def _assert_refused(
    holder: ReleaseHolder, kept: bytes, data: bytes, root: bytes, error: type[errors.ReleaseError]
) -> None:
    with pytest.raises(error) as raised:
        holder.install(data, root)
    assert type(raised.value) is error
    assert holder.current.digest == kept


def test_signature_by_another_key_is_refused_and_previous_kept(table: bytes) -> None:
    holder, v1 = _holder_with_v1(table)
    forged = make_release(table, version=2, previous=v1, key=ed25519.generate_private_key())
    _assert_refused(holder, v1, forged.data, forged.root, errors.ReleaseSignatureInvalid)


def test_older_release_is_refused_as_rollback(table: bytes) -> None:
    holder = ReleaseHolder(RELEASE_PUB, clock=lambda: NOW)
    v1 = make_release(table)
    v2 = make_release(random_table(6), version=2, previous=v1.digest)
    holder.install(v1.data, v1.root)
    holder.install(v2.data, v2.root)
    _assert_refused(holder, v2.digest, v1.data, v1.root, errors.ReleaseRollback)


def test_same_version_with_other_content_is_refused_as_equivocation(table: bytes) -> None:
    holder, v1 = _holder_with_v1(table)
    other = make_release(random_table(6), version=1)
    _assert_refused(holder, v1, other.data, other.root, errors.ReleaseEquivocation)


def test_reinstalling_the_release_in_use_is_harmless(table: bytes) -> None:
    holder, v1 = _holder_with_v1(table)
    again = make_release(table)
    holder.install(again.data, again.root)
    assert holder.current.digest == v1


def test_successor_not_naming_the_held_release_is_refused(table: bytes) -> None:
    holder, v1 = _holder_with_v1(table)
    stray = make_release(table, version=2, previous=bytes(32))
    _assert_refused(holder, v1, stray.data, stray.root, errors.ReleaseChainBroken)


def test_later_release_may_skip_versions(table: bytes) -> None:
    holder, _ = _holder_with_v1(table)
    v5 = make_release(random_table(6), version=5, previous=bytes(32))
    assert holder.install(v5.data, v5.root).version == 5


def test_expired_release_is_refused(table: bytes) -> None:
    holder, v1 = _holder_with_v1(table)
    old = make_release(table, version=2, previous=v1, expires_at=NOW - 1)
    _assert_refused(holder, v1, old.data, old.root, errors.ReleaseExpired)


def test_release_whose_root_is_not_the_published_root_is_refused(table: bytes) -> None:
    holder, v1 = _holder_with_v1(table)
    v2 = make_release(random_table(6), version=2, previous=v1)
    wrong = bytearray(v2.root)
    wrong[0] ^= 1
    _assert_refused(holder, v1, v2.data, bytes(wrong), errors.ReleaseRootMismatch)


def test_unsupported_ciphersuite_is_refused(table: bytes) -> None:
    holder, v1 = _holder_with_v1(table)
    odd = make_release(table, version=2, previous=v1, ciphersuite="rot13")
    _assert_refused(holder, v1, odd.data, odd.root, errors.ReleaseUnsupported)


def test_a_single_flipped_byte_anywhere_is_refused_and_previous_kept(table: bytes) -> None:
    holder, v1 = _holder_with_v1(table)
    v2 = make_release(random_table(6), version=2, previous=v1)
    seen: set[type[errors.ReleaseError]] = set()
    for position in range(len(v2.data)):
        for bit in (0x01, 0x80):
            tampered = bytearray(v2.data)
            tampered[position] ^= bit
            with pytest.raises(errors.ReleaseError) as raised:
                holder.install(bytes(tampered), v2.root)
            seen.add(type(raised.value))
            assert holder.current.digest == v1
    # Tampering shows up as the specific failure of what was hit, never as acceptance.
    assert {errors.ReleaseSignatureInvalid, errors.ReleaseTableMismatch} <= seen
    assert holder.install(v2.data, v2.root).version == 2


def _signed_with_slots(first: bytes, second: bytes, previous: bytes) -> tuple[bytes, bytes]:
    table = random_table(4)
    bad_table = first + second + table[64:]
    release = make_release(bad_table, version=2, previous=previous)
    return release.data, release.root


@pytest.mark.parametrize(
    ("first", "error"),
    [
        (b"\xff" * 32, errors.ReleaseInvalidElement),
        (bytes(32), errors.ReleaseIdentityElement),
    ],
)
def test_invalid_or_identity_element_is_refused(
    table: bytes, first: bytes, error: type[errors.ReleaseError]
) -> None:
    holder, v1 = _holder_with_v1(table)
    data, root = _signed_with_slots(first, random_table(1), v1)
    holder_v1 = holder.current
    with pytest.raises(error):
        verify_release(data, release_key=RELEASE_PUB, published_root=root, now=NOW, held=None)
    with pytest.raises(error):
        holder.install(data, root)
    assert holder.current is holder_v1


def test_duplicate_elements_are_refused(table: bytes) -> None:
    holder, v1 = _holder_with_v1(table)
    element = random_table(1)
    data, root = _signed_with_slots(element, element, v1)
    _assert_refused(holder, v1, data, root, errors.ReleaseDuplicateElement)


def test_trailing_bytes_are_refused_as_malformed(table: bytes) -> None:
    holder, v1 = _holder_with_v1(table)
    v2 = make_release(table, version=2, previous=v1)
    _assert_refused(holder, v1, v2.data + b"\x00", v2.root, errors.ReleaseMalformed)


def test_delta_of_changed_slots_reproduces_the_new_release(table: bytes) -> None:
    holder, v1_digest = _holder_with_v1(table)
    v1 = make_release(table)
    new_table = table[:64] + random_table(1) + table[96:] + random_table(2)
    v2 = make_release(new_table, version=2, previous=v1_digest)
    delta = make_delta(v1.data, v2.data)
    parsed = release_pb2.ReleaseDelta.FromString(delta)
    assert list(parsed.changed_slots) == [2, 6, 7]
    assert len(delta) < len(v2.data)
    held = holder.install_delta(delta, v2.root)
    assert held.digest == v2.digest and held.to_bytes() == v2.data


def test_delta_for_another_base_or_with_tampered_slot_is_refused(table: bytes) -> None:
    holder, v1_digest = _holder_with_v1(table)
    other = make_release(random_table(6), version=1)
    v2 = make_release(table[:32] + random_table(1) + table[64:], version=2, previous=v1_digest)
    with pytest.raises(errors.ReleaseDeltaBaseMismatch):
        holder.install_delta(make_delta(other.data, v2.data), v2.root)
    delta = release_pb2.ReleaseDelta.FromString(make_delta(make_release(table).data, v2.data))
    delta.changed_elements = random_table(1)
    with pytest.raises(errors.ReleaseTableMismatch):
        holder.install_delta(delta.SerializeToString(deterministic=True), v2.root)
    assert holder.current.digest == v1_digest


def test_delta_without_a_held_release_is_refused(table: bytes) -> None:
    holder = ReleaseHolder(RELEASE_PUB, clock=lambda: NOW)
    v1 = make_release(table)
    with pytest.raises(errors.NoReleaseHeld):
        holder.install_delta(make_delta(v1.data, v1.data), v1.root)


def test_merkle_root_depends_on_every_slot_and_the_slot_count() -> None:
    table = random_table(5)
    root = merkle_root(table, 32)
    for slot in range(5):
        changed = bytearray(table)
        changed[slot * 32] ^= 1
        assert merkle_root(bytes(changed), 32) != root
    assert merkle_root(table[:128], 32) != root
    assert merkle_root(b"", 32) != merkle_root(table[:32], 32)


def _level_by_level_root(table: bytes) -> bytes:
    """SPEC.md R.5 read literally: pair each level, move an unpaired last node up unchanged."""
    import hashlib

    def labelled(name: str) -> hashlib._Hash:
        return hashlib.sha256(labels.derive_label(name))

    level = []
    for i in range(len(table) // 32):
        h = labelled("MerkleLeaf")
        h.update(table[32 * i : 32 * i + 32])
        level.append(h.digest())
    while len(level) > 1:
        paired = []
        for i in range(0, len(level) - 1, 2):
            h = labelled("MerkleNode")
            h.update(level[i] + level[i + 1])
            paired.append(h.digest())
        level = paired + ([level[-1]] if len(level) % 2 else [])
    h = labelled("MerkleRoot")
    h.update((len(table) // 32).to_bytes(8, "big") + (level[0] if level else bytes(32)))
    return h.digest()


def test_streaming_merkle_root_equals_the_spec_definition() -> None:
    table = random_table(70)
    for n in range(71):
        assert merkle_root(table[: 32 * n], 32) == _level_by_level_root(table[: 32 * n])


def test_release_with_undecodable_params_is_refused(table: bytes) -> None:
    holder, v1 = _holder_with_v1(table)
    odd = make_release(table, version=2, previous=v1, server_params=b"not params")
    _assert_refused(holder, v1, odd.data, odd.root, errors.ReleaseParamsMismatch)


def test_release_holding_the_blinding_public_key_in_a_slot_is_refused(table: bytes) -> None:
    from vouchsafe.sdk.tpsi.wire import decode_server_params

    holder, v1 = _holder_with_v1(table)
    blinding_public = decode_server_params(params_for(table)).blinding_public.encoding
    bad_table = blinding_public + table[32:]
    bad = make_release(bad_table, version=2, previous=v1)
    _assert_refused(holder, v1, bad.data, bad.root, errors.ReleaseParamsMismatch)
