"""HAZMAT: low-level cryptographic primitives.

Nothing here is safe to use on its own. These small typed wrappers exist so that the protocol
modules in ``vouchsafe.sdk.tpsi`` compose audited primitives (libsodium's ristretto255,
``cryptography``'s
HKDF and AEAD) in exactly one way. Vendors use the facade in ``sdk`` instead.
"""
