"""Errors of the hash-set tooling (source lists, builds, bundles, audits)."""

from __future__ import annotations

from vouchsafe.sdk.errors import VouchsafeError


class HashSetError(VouchsafeError):
    """Base of every hash-set tooling error."""

    code = "hashset_error"


class SourceListInvalid(HashSetError):
    """A source list is not in the documented format (the message names the line)."""

    code = "source_list_invalid"


class SourceListSignatureInvalid(HashSetError):
    """A source list's signature does not verify under its organisation's registered key."""

    code = "source_list_signature_invalid"


class UnknownOrganisation(HashSetError):
    """A source list names an organisation (or key) that is not in the organisation registry."""

    code = "unknown_organisation"


class BundleInvalid(HashSetError):
    """A release folder or private server bundle is missing a file or holds a bad one."""

    code = "bundle_invalid"


class AuditFailed(HashSetError):
    """An audit found a release that does not match what it should encode."""

    code = "audit_failed"
