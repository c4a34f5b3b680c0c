"""HAZMAT: the one constant-time comparison every secret-dependent equality goes through."""

from __future__ import annotations

import hmac


def bytes_eq(a: bytes, b: bytes) -> bool:
    """True iff ``a == b``; time depends only on the lengths, not on the contents."""
    return hmac.compare_digest(a, b)
