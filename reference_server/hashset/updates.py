"""Vouchers made under older releases (SPEC.md "Releases", R.7): which ones the server still
processes, with which blinded hash set, and how their shares count toward one threshold.

Every release has its own server key (a shared key would make any two releases an offline
membership oracle), and a device re-derives its account keys from the same account secret for
every release, so the Shamir shares, item tags and detectable-hash values of an item do not
depend on the release or its key. What differs is the table and server key each voucher was
made against (named by the voucher's ``params_digest``). :class:`ReleaseWindow` maps each accepted
``params_digest`` to its release bundle; a voucher naming a release that left the window (its
expiry plus :data:`VOUCHER_GRACE_SECONDS`) is refused. ``recover`` runs the protocol's inner
step over opened vouchers of several releases of one chain.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from vouchsafe.sdk.errors import ErrorCode
from vouchsafe.sdk.tpsi import OpenedVoucher, RecoveryResult, recover_associated_data
from vouchsafe.server.hashset.bundle import ReleaseBundle, load_release_bundle
from vouchsafe.server.hashset.errors import HashSetError

# How long after a release expires the server still processes vouchers made under it: covers
# vouchers queued on devices that were offline (devices refuse expired releases, so no honest
# voucher is made under a release after its expiry). A policy choice, stated in SPEC.md R.7.
VOUCHER_GRACE_SECONDS = 7 * 86_400


class VoucherReleaseUnknown(HashSetError):
    """A voucher names a release the server does not (or no longer) process vouchers for."""

    code = ErrorCode.VOUCHER_RELEASE_UNKNOWN


class VoucherReleaseExpired(HashSetError):
    """A voucher names an earlier release whose processing window (expiry plus grace) ended."""

    code = ErrorCode.VOUCHER_RELEASE_EXPIRED


class ReleaseEpochMismatch(HashSetError):
    """Releases given as one window do not share the share configuration (SPEC.md 6.3)."""

    code = ErrorCode.RELEASE_EPOCH_MISMATCH


def _epoch(bundle: ReleaseBundle) -> tuple[int, int, str]:
    """What releases of one window share; the server key (``L``) is deliberately not in it."""
    p = bundle.release.params
    return (
        p.synthetic_max,
        p.padded_associated_data_length,
        p.ciphersuite,
    )


@dataclass(frozen=True)
class ReleaseWindow:
    """The releases whose vouchers the server processes now, newest last."""

    bundles: tuple[ReleaseBundle, ...]

    @property
    def newest(self) -> ReleaseBundle:
        """The release the server confirms matches against (second check) and devices get."""
        return self.bundles[-1]

    def bundle_for(self, params_digest: bytes) -> ReleaseBundle:
        """The release a voucher with this ``params_digest`` was made under."""
        for bundle in self.bundles:
            if bundle.params_digest == params_digest:
                return bundle
        raise VoucherReleaseUnknown(
            "the voucher was made under a release outside the processing window",
            field="params_digest",
        )

    def recover(self, opened: Sequence[OpenedVoucher]) -> RecoveryResult:
        """The inner step over one account's opened vouchers from any release in the window.

        Each opened voucher must name a release in the window; all then count toward the one
        threshold (the protocol's inner step takes the ServerParams of several
        account-compatible releases, SPEC.md section 8.3).
        """
        for o in opened:
            self.bundle_for(o.params_digest)
        return recover_associated_data([b.release.params for b in self.bundles], opened)


def load_release_window(directories: Sequence[Path], now: int) -> ReleaseWindow:
    """Loads release folders (oldest first) and keeps those inside the processing window.

    The newest release is always kept; each bundle keeps its own server key. Raises
    ReleaseEpochMismatch if the releases do not share the share configuration.
    """
    if not directories:
        raise HashSetError("no release folders given")
    bundles = [load_release_bundle(d) for d in directories]
    bundles.sort(key=lambda b: b.release.version)
    if len({_epoch(b) for b in bundles}) != 1:
        raise ReleaseEpochMismatch("the releases do not share the share configuration")
    kept = [b for b in bundles[:-1] if now <= b.release.expires_at + VOUCHER_GRACE_SECONDS]
    return ReleaseWindow(tuple([*kept, bundles[-1]]))
