"""Matching by a separate service: ``third_party`` and ``enclave_sim``.

``third_party``: the device seals its PDQ hash to a separate matching service's X25519 key
(HPKE, RFC 9180, base mode: DHKEM(X25519, HKDF-SHA256), ChaCha20-Poly1305, from ``cryptography``;
48 bytes of overhead like a libsodium sealed box); the provider relays it without being able to
read it; the service matches at <= 31 and returns only a match bit to the provider.

``enclave_sim``: **a simulation**. A matcher object stands in for a trusted execution
environment. It holds an X25519 key and an attestation signed by a simulated hardware root
(Ed25519) over its code measurement (SHA-256 of the matcher's source) and its public key. The
device checks the signature and that the measurement equals the published one before sealing
anything to it. Nothing isolates the simulated enclave's memory from whoever runs it; the ledger
therefore lists what sits inside it as held by the enclave party.
"""

from __future__ import annotations

import hashlib
import inspect
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from vouchsafe.compare.matching import HashTable
from vouchsafe.compare.modes.base import (
    DetectionMode,
    DeviceItem,
    KnownEntry,
    MatchBook,
    ModeConfig,
    Verdicts,
    pack_hashes,
)
from vouchsafe.compare.modes.common import (
    deliver_encrypted,
    match_byte,
    new_item_ref,
    send_match_bit,
)
from vouchsafe.compare.modes.plain import split_hash_list
from vouchsafe.compare.transcript import (
    DEVICE,
    HASH_SOURCE,
    PROVIDER,
    FieldKind,
    Phase,
    Transcript,
    wire_field,
)
from vouchsafe.sdk.crypto import ed25519, labels
from vouchsafe.sdk.errors import ErrorCode, VouchsafeError

MATCHING_SERVICE = "matching_service"
ENCLAVE = "enclave_sim"
_SEAL = hpke.Suite(hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.CHACHA20_POLY1305)


def seal_to(public_key: bytes, plaintext: bytes) -> bytes:
    """HPKE-seals ``plaintext`` to a matcher's X25519 key (enc || ciphertext)."""
    key = X25519PublicKey.from_public_bytes(public_key)
    return _SEAL.encrypt(plaintext, key, info=labels.COMPARE_SEAL_TO_MATCHER)


class AttestationRejected(VouchsafeError):
    """The device refused an enclave: bad signature or unexpected code measurement."""

    code = ErrorCode.ATTESTATION_REJECTED


class _Matcher:
    """A party holding an X25519 key and a plaintext hash list it receives sealed."""

    def __init__(self, max_distance: int) -> None:
        self._key = X25519PrivateKey.generate()
        self._max_distance = max_distance
        self._table = HashTable([])

    @property
    def public_key(self) -> bytes:
        return self._key.public_key().public_bytes_raw()

    def load_sealed_list(self, sealed: bytes) -> bytes:
        """Opens and loads the provisioned list; returns the plaintext it now holds."""
        plaintext = _SEAL.decrypt(sealed, self._key, info=labels.COMPARE_SEAL_TO_MATCHER)
        self._table = HashTable(split_hash_list(plaintext))
        return plaintext

    def match_sealed(self, sealed: bytes) -> tuple[bytes, bool]:
        """Opens one sealed hash; returns it (the matcher now holds it) and the match bit."""
        perceptual_hash = _SEAL.decrypt(sealed, self._key, info=labels.COMPARE_SEAL_TO_MATCHER)
        return perceptual_hash, self._table.nearest_within(
            perceptual_hash, self._max_distance
        ) is not None


class EnclaveMatcher(_Matcher):
    """The code the simulated enclave runs; its source is what the measurement covers."""


def measurement_of(matcher_class: type[_Matcher]) -> bytes:
    """SHA-256 over the matcher's source code (the simulated enclave's code measurement)."""
    source = inspect.getsource(_Matcher) + inspect.getsource(matcher_class)
    return hashlib.sha256(labels.COMPARE_ENCLAVE_MEASUREMENT + source.encode()).digest()


@dataclass(frozen=True)
class Attestation:
    """signature (64) || measurement (32) || enclave X25519 public key (32); the hardware root
    signs ``framed(LABEL("CompareEnclaveAttestation"), measurement || key)``."""

    signed: bytes

    @staticmethod
    def issue(root: Ed25519PrivateKey, measurement: bytes, enclave_key: bytes) -> Attestation:
        body = measurement + enclave_key
        return Attestation(ed25519.sign(root, labels.COMPARE_ENCLAVE_ATTESTATION, body) + body)


def verify_attestation(root: bytes, expected_measurement: bytes, signed: bytes) -> bytes:
    """Checks the simulated hardware root's signature and the measurement; returns the enclave's
    X25519 public key. Raises :class:`AttestationRejected` otherwise."""
    signature, body = signed[: ed25519.SIGNATURE_SIZE], signed[ed25519.SIGNATURE_SIZE :]
    if not ed25519.verify(root, signature, labels.COMPARE_ENCLAVE_ATTESTATION, body):
        raise AttestationRejected("attestation signature is invalid", field="attestation")
    if len(body) != 64:
        raise AttestationRejected("attestation body has the wrong length", field="attestation")
    if body[:32] != expected_measurement:
        raise AttestationRejected(
            "enclave code measurement differs from the published one", field="measurement"
        )
    return body[32:]


class _SealedMatching(DetectionMode):
    """Shared flow: device seals the hash to ``matcher_party``, provider relays, match bit back."""

    matcher_party: str
    _matcher: _Matcher
    _device_view_key: bytes
    _book: MatchBook

    def _provision(self, hash_set: Sequence[KnownEntry], wire: Transcript) -> None:
        sealed_list = seal_to(
            self._matcher.public_key, pack_hashes([e.perceptual_hash for e in hash_set])
        )
        record = wire.send(
            HASH_SOURCE,
            self.matcher_party,
            "hash_list",
            [wire_field(FieldKind.SEALED_HASH, sealed_list)],
            phase=Phase.SETUP,
        )
        with wire.cpu(self.matcher_party, Phase.SETUP):
            plaintext = self._matcher.load_sealed_list(record.fields[0].value)
        wire.derive(self.matcher_party, FieldKind.HASH_LIST, plaintext)

    def send_item(self, item: DeviceItem, wire: Transcript) -> None:
        """Device seals its hash; provider relays; the matcher returns one bit."""
        deliver_encrypted(item, wire)
        with wire.cpu(DEVICE):
            sealed = seal_to(self._device_view_key, item.perceptual_hash)
        ref = new_item_ref()
        upload = wire.send(
            DEVICE,
            PROVIDER,
            "sealed_hash",
            [wire_field(FieldKind.SEALED_HASH, sealed)],
            item_id=item.item_id,
            item_ref=ref,
        )
        relayed = wire.send(
            PROVIDER,
            self.matcher_party,
            "relay",
            list(upload.fields),
            item_id=item.item_id,
            item_ref=ref,
        )
        with wire.cpu(self.matcher_party):
            opened, matched = self._matcher.match_sealed(relayed.fields[0].value)
        wire.derive(self.matcher_party, FieldKind.PERCEPTUAL_HASH, opened, item_id=item.item_id)
        wire.derive(
            self.matcher_party, FieldKind.MATCH_RESULT, match_byte(matched), item_id=item.item_id
        )
        send_match_bit(wire, self.matcher_party, item, ref, matched, self._book)

    def finish(self, wire: Transcript) -> Verdicts:
        """The match bits the provider received."""
        return self._book.verdicts()


class ThirdParty(_SealedMatching):
    """A separate matching service sees hashes and returns only match bits to the provider."""

    name = "third_party"
    title = "Third-party matching service"
    summary = (
        "The device seals its PDQ hash to a separate matching service; the provider relays it "
        "and receives only a match bit."
    )
    matcher_party = MATCHING_SERVICE

    def setup(self, hash_set: Sequence[KnownEntry], config: ModeConfig, wire: Transcript) -> None:
        """The service publishes its key; the hash source provisions the list to it, sealed."""
        with wire.cpu(MATCHING_SERVICE, Phase.SETUP):
            self._matcher = _Matcher(config.match_distance)
        record = wire.send(
            MATCHING_SERVICE,
            DEVICE,
            "service_key",
            [wire_field(FieldKind.PUBLIC_KEY, self._matcher.public_key)],
            phase=Phase.SETUP,
        )
        self._device_view_key = record.fields[0].value
        self._provision(hash_set, wire)
        self._book = MatchBook(config.threshold)


class EnclaveSim(_SealedMatching):
    """SIMULATION of a TEE matcher with a signed code measurement the device checks."""

    name = "enclave_sim"
    title = "Enclave matching (SIMULATED TEE)"
    summary = (
        "SIMULATION: a matcher standing in for a TEE presents a measurement signed by a simulated "
        "hardware root; the device checks it, then seals its hash to the enclave."
    )
    matcher_party = ENCLAVE

    def __init__(self, matcher_class: type[EnclaveMatcher] = EnclaveMatcher) -> None:
        self._matcher_class = matcher_class
        self.hardware_root = Ed25519PrivateKey.generate()
        self.published_measurement = measurement_of(EnclaveMatcher)

    def setup(self, hash_set: Sequence[KnownEntry], config: ModeConfig, wire: Transcript) -> None:
        """Enclave attests; the device verifies before trusting its key; the list is provisioned."""
        with wire.cpu(ENCLAVE, Phase.SETUP):
            self._matcher = self._matcher_class(config.match_distance)
            attestation = Attestation.issue(
                self.hardware_root, measurement_of(self._matcher_class), self._matcher.public_key
            )
        record = wire.send(
            ENCLAVE,
            DEVICE,
            "attestation",
            [wire_field(FieldKind.ATTESTATION, attestation.signed)],
            phase=Phase.SETUP,
        )
        with wire.cpu(DEVICE, Phase.SETUP):
            self._device_view_key = verify_attestation(
                self.hardware_root.public_key().public_bytes_raw(),
                self.published_measurement,
                record.fields[0].value,
            )
        self._provision(hash_set, wire)
        self._book = MatchBook(config.threshold)
