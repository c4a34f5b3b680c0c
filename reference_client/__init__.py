"""A small end-to-end encrypted messenger showing how a vendor integrates the SDK.

It imports only the ``sdk`` facade, never ``vouchsafe.sdk.crypto`` or ``vouchsafe.sdk.tpsi``."""
