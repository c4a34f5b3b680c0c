"""Errors of the hash-set tooling (source lists, builds, bundles, audits)."""

from __future__ import annotations

from vouchsafe.sdk.errors import ErrorCode, VouchsafeError


class HashSetError(VouchsafeError):
    """Base of every hash-set tooling error."""

    code = ErrorCode.HASHSET_ERROR


class SourceListInvalid(HashSetError):
    """A source list is not in the documented format (the message names the line)."""

    code = ErrorCode.SOURCE_LIST_INVALID


class SourceListSignatureInvalid(HashSetError):
    """A source list's signature does not verify under its organisation's registered key."""

    code = ErrorCode.SOURCE_LIST_SIGNATURE_INVALID


class UnknownOrganisation(HashSetError):
    """A source list names an organisation (or key) that is not in the organisation registry."""

    code = ErrorCode.UNKNOWN_ORGANISATION


class BundleInvalid(HashSetError):
    """A release folder or private server bundle is missing a file or holds a bad one."""

    code = ErrorCode.BUNDLE_INVALID


class AuditFailed(HashSetError):
    """An audit found a release that does not match what it should encode."""

    code = ErrorCode.AUDIT_FAILED


class BuildFailed(HashSetError):
    """A step of a release build failed (the release folder is incomplete; build again)."""
