"""vouchsafe SDK: what a messaging vendor imports on the device.

This module is the whole public API; everything a vendor needs is re-exported here and listed
in ``__all__``. ``sdk.crypto`` (hazmat primitives) and ``sdk.tpsi`` (protocol steps) are for
protocol implementers and auditors, not for integrators. Importing ``sdk`` never imports the
reference server or any web framework.
"""

from sdk._version import __version__
from sdk.client import DetectionClient, PreparedVoucher
from sdk.errors import InvalidMedia, NoReleaseHeld, ReleaseError, VouchsafeError
from sdk.media.candidates import CANDIDATE_SCHEME, hash_set_keys, psi_candidates
from sdk.media.decode import DecodeLimits, decode_image
from sdk.media.signal_types import HashResult, SignalType, get_signal_type
from sdk.release import ReleaseHolder, VerifiedRelease

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
