"""``DetectionClient``: media bytes in, safety voucher out, on the current verified release.

This is what a messaging vendor calls (``reference_client/detection_hook.py`` shows where). For
one media item it: decodes the bytes safely (``vouchsafe.sdk.media``), computes the PDQ perceptual
hash and
its PSI candidates, builds the associated data (``vouchsafe.v1.AssociatedData``: full hash,
quality, candidate scheme, a 64-px grey visual derivative, media type) and runs the protocol's
``GenerateVoucher`` against the blinded hash set of the release the device holds, which was
verified before it was installed (``vouchsafe.sdk.release``: signature, root, no rollback, expiry).

Safe defaults, and what the caller must do:

- Randomness comes from the operating system; the account secret is drawn once and must be
  persisted by the app (``account_secret``) with the care of a private key, and restored with
  ``account_secret=`` so the shares of one account keep adding up to the same threshold.
- The device's synthetic schedule (which of its items are synthetic, SPEC.md section 10) must
  be persisted beside the secret after every voucher (``synthetic_schedule``) and restored with
  ``synthetic_schedule=``; ``devices`` is how many devices share the account (each gets
  ``s_max / devices`` synthetics). ``synthetic_rate`` replaces the schedule by a constant rate,
  for labs and demos only: it does not keep hiding at volume.
- ``account_id`` is the provider's id of the uploading account: vouchers open only for it.
- The release key and the match threshold are constructor arguments: a vendor ships both inside
  the app, so that the provider cannot hand one user a lower threshold or another hash set.
- The item id is a keyed hash of the exact media bytes, so sending the same bytes twice gives
  the same share (it does not count twice towards the threshold), while the id is useless to
  anyone without the account secret.
- Nothing here touches the network. No method returns whether an item matched: the device does
  not know, and the voucher does not say until the account passes the threshold.
"""

from __future__ import annotations

from dataclasses import dataclass

from vouchsafe.protocol import associated_data_pb2
from vouchsafe.sdk.crypto import labels
from vouchsafe.sdk.crypto.kdf import hkdf, prf
from vouchsafe.sdk.crypto.randomness import os_randomness
from vouchsafe.sdk.errors import InvalidParameterError, NoReleaseHeld
from vouchsafe.sdk.media.candidates import DEFAULT_SCHEME, get_scheme, psi_candidates
from vouchsafe.sdk.media.decode import decode_image
from vouchsafe.sdk.media.signal_types import PDQ, get_signal_type
from vouchsafe.sdk.release import ReleaseHolder, VerifiedRelease
from vouchsafe.sdk.tpsi import AccountKeys, BlindedHashSet, account_from_secret, generate_voucher
from vouchsafe.sdk.tpsi.schedule import SyntheticSchedule
from vouchsafe.sdk.tpsi.wire import (
    decode_server_params,
    encode_safety_voucher,
    voucher_id_from_bytes,
)
from vouchsafe.sdk.visual_derivative import VISUAL_DERIVATIVE_TYPE, visual_derivative

ACCOUNT_SECRET_BYTES = 32
ASSOCIATED_DATA_VERSION = 1
ITEM_ID_BYTES = 16
_MAGIC = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"BM", "image/bmp"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
)


@dataclass(frozen=True)
class PreparedVoucher:
    """One safety voucher ready for upload: its VoucherId (the protocol's 32-byte idempotency
    key of the bytes), its wire bytes, and the release it was made on."""

    voucher_id: bytes
    safety_voucher: bytes
    release_id: str


def media_type_of(media: bytes) -> str:
    """The media type recognised from the first bytes (``application/octet-stream`` if none)."""
    if media[:4] == b"RIFF" and media[8:12] == b"WEBP":
        return "image/webp"
    for magic, media_type in _MAGIC:
        if media.startswith(magic):
            return media_type
    return "application/octet-stream"


def release_id_of(release: VerifiedRelease) -> str:
    """A short printable id of a release: its version and the start of its digest."""
    return f"v{release.version}-{release.digest.hex()[:16]}"


class DetectionClient:
    """Makes safety vouchers for media items on the verified release the device holds."""

    def __init__(
        self,
        release_key: bytes,
        *,
        threshold: int,
        account_id: str,
        synthetic_rate: float | None = None,
        account_secret: bytes | None = None,
        synthetic_schedule: bytes | None = None,
        devices: int = 1,
    ) -> None:
        if account_secret is not None and len(account_secret) != ACCOUNT_SECRET_BYTES:
            raise InvalidParameterError("the account secret is 32 bytes", field="account_secret")
        self._holder = ReleaseHolder(release_key)
        self._threshold = threshold
        self._synthetic_rate = synthetic_rate
        self._account_id = account_id.encode("utf-8")
        self._devices = devices
        self._schedule = (
            SyntheticSchedule.from_bytes(synthetic_schedule) if synthetic_schedule else None
        )
        self._secret = account_secret or os_randomness().random_bytes(ACCOUNT_SECRET_BYTES)
        self._item_key = hkdf(self._secret, salt=None, info=labels.DEVICE_ITEM_ID, length=32)
        self._account: AccountKeys | None = None
        self._blinded: BlindedHashSet | None = None
        self._scheme = DEFAULT_SCHEME
        self._release_id = ""
        self._signal = get_signal_type(PDQ)

    def __repr__(self) -> str:
        return f"DetectionClient(release={self._release_id or None}, account_secret=<redacted>)"

    @property
    def account_secret(self) -> bytes:
        """The 32-byte account secret; persist it privately (mode 0600 or the OS keystore)."""
        return self._secret

    @property
    def synthetic_schedule(self) -> bytes:
        """This device's synthetic decisions (``SyntheticSchedule``); persist it beside the
        account secret after every voucher and restore it with ``synthetic_schedule=``. Empty
        before the first release is installed."""
        return b"" if self._schedule is None else self._schedule.to_bytes()

    @property
    def release_id(self) -> str:
        """Id of the release in use; empty before the first :meth:`install_release`."""
        return self._release_id

    def install_release(self, release: bytes, published_root: bytes) -> str:
        """Verifies ``release`` (see ``vouchsafe.sdk.release``) and, only if every check passes,
        uses it.

        Returns the release id. Raises a ``ReleaseError`` subclass, keeping the release held.
        """
        verified = self._holder.install(release, published_root)
        params = decode_server_params(verified.server_params)
        account = account_from_secret(params, self._secret, threshold=self._threshold)
        if self._schedule is None:
            self._schedule = (
                SyntheticSchedule.for_account(account, devices=self._devices)
                if self._synthetic_rate is None
                else SyntheticSchedule.constant_rate(self._synthetic_rate, account.synthetic_max)
            )
        self._blinded = BlindedHashSet(params=params, table=verified.table)
        self._scheme = get_scheme(verified.candidate_scheme)
        self._account = account
        self._release_id = release_id_of(verified)
        return self._release_id

    def associated_data(self, media: bytes) -> tuple[bytes, list[bytes]]:
        """The serialized AssociatedData for ``media`` and its PSI candidates.

        Raises ``InvalidMedia`` for bytes that are not a decodable image within the limits.
        """
        image = decode_image(media)
        result = self._signal.hash_media(image)
        message = associated_data_pb2.AssociatedData(
            version=ASSOCIATED_DATA_VERSION,
            signal_type=result.signal_type,
            perceptual_hash=result.bits,
            quality=result.quality,
            candidate_scheme=self._scheme.name,
            visual_derivative=visual_derivative(image),
            visual_derivative_type=VISUAL_DERIVATIVE_TYPE,
            media_type=media_type_of(media),
        )
        return message.SerializeToString(), psi_candidates(result, self._scheme)

    def item_id(self, media: bytes) -> bytes:
        """The keyed item id of exactly these bytes (same bytes, same id, for this account)."""
        return prf(self._item_key, labels.DEVICE_ITEM_ID, media)[:ITEM_ID_BYTES]

    def voucher_for_media(self, media: bytes) -> PreparedVoucher:
        """The safety voucher for one media item. Local computation only.

        Raises ``NoReleaseHeld`` before a release was installed and ``InvalidMedia`` for media
        that cannot be decoded.
        """
        if self._account is None or self._blinded is None or self._schedule is None:
            raise NoReleaseHeld("no verified release is installed; call install_release first")
        associated, candidates = self.associated_data(media)
        voucher = generate_voucher(
            self._account,
            self._blinded,
            # The candidates come most likely first, so a release taking fewer per item than its
            # scheme's budget (ServerParams.max_candidates) keeps the best ones.
            candidate_hashes=candidates[: self._blinded.params.max_candidates],
            item_id=self.item_id(media),
            associated_data=associated,
            account_id=self._account_id,
            schedule=self._schedule,
        )
        encoded = encode_safety_voucher(voucher)
        return PreparedVoucher(voucher_id_from_bytes(encoded), encoded, self._release_id)
