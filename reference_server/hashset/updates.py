"""Vouchers made under older releases (SPEC.md "Releases", R.7): how long the server still
processes them and the errors it refuses them with.

Every release has its own server key (a shared key would make any two releases an offline
membership oracle), and a device re-derives its account keys from the same account secret for
every release, so the Shamir shares, item tags and detectable-hash values of an item do not
depend on the release or its key. Each voucher names the release it was made against by its
``params_digest``; the reference server's matcher (``vouchsafe.server.pipeline.tpsi_matcher``)
holds one server key and blinded hash set per release, opens each voucher with the one it names
and refuses a voucher naming a release it does not hold, or one whose window (expiry plus
:data:`VOUCHER_GRACE_SECONDS`) has ended.
"""

from __future__ import annotations

from vouchsafe.sdk.errors import ErrorCode
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
