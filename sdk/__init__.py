"""vouchsafe SDK: what a messaging vendor imports on the device.

This module is the whole public API; everything a vendor needs is re-exported here and listed
in ``__all__``. ``vouchsafe.sdk.crypto`` (hazmat primitives) and ``vouchsafe.sdk.tpsi`` (protocol
steps) are for
protocol implementers and auditors, not for integrators. Importing ``sdk`` never imports the
reference server or any web framework.
"""

from vouchsafe.sdk._version import __version__
from vouchsafe.sdk.client import DetectionClient, PreparedVoucher
from vouchsafe.sdk.errors import InvalidMedia, NoReleaseHeld, ReleaseError, VouchsafeError
from vouchsafe.sdk.media.candidates import CANDIDATE_SCHEME, hash_set_keys, psi_candidates
from vouchsafe.sdk.media.decode import DecodeLimits, decode_image
from vouchsafe.sdk.media.signal_types import HashResult, SignalType, get_signal_type
from vouchsafe.sdk.release import ReleaseHolder, VerifiedRelease

__all__ = [
    "CANDIDATE_SCHEME",
    "DecodeLimits",
    "DetectionClient",
    "HashResult",
    "InvalidMedia",
    "NoReleaseHeld",
    "PreparedVoucher",
    "ReleaseError",
    "ReleaseHolder",
    "SignalType",
    "VerifiedRelease",
    "VouchsafeError",
    "__version__",
    "decode_image",
    "get_signal_type",
    "hash_set_keys",
    "psi_candidates",
]
