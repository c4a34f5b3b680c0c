"""vouchsafe SDK: what a messaging vendor imports on the device.

This module is the whole public API; everything a vendor needs is re-exported here and listed
in ``__all__``. ``sdk.crypto`` (hazmat primitives) and ``sdk.tpsi`` (protocol steps) are for
protocol implementers and auditors, not for integrators. Importing ``sdk`` never imports the
reference server or any web framework.
"""

from sdk._version import __version__
from sdk.errors import VouchsafeError

__all__ = ["VouchsafeError", "__version__"]
