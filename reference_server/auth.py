"""Authentication, roles and rate limits for every signed request.

``authenticate`` runs inside the handler's transaction: it verifies the envelope's signature and
timestamp, checks the caller's role (``verify_caller``), takes a rate-limit token, then records
the nonce (``admit``), so a replay is refused and a request that fails later (rolled back) leaves
not even its nonce behind. A route whose costly work runs before its transaction calls the
parts itself: ``verify_caller`` and ``refuse_replay`` on a read snapshot and the rate limit
first, the work outside any transaction, then ``verify_caller_again`` (the account as stored
now; the signature again only if its key changed) and ``admit`` in it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Collection
from dataclasses import dataclass

from vouchsafe.protocol import api_pb2
from vouchsafe.sdk.api.signing import check_request_time, verify_request
from vouchsafe.server.errors import Forbidden, RateLimited, ReplayedRequest, UnknownKey
from vouchsafe.server.storage import Repos
from vouchsafe.server.storage.records import Account, SeenNonce

_DAY_MS = 86_400_000


@dataclass(frozen=True)
class Caller:
    """The authenticated account behind a request."""

    account: Account

    @property
    def account_id(self) -> str:
        return self.account.account_id

    @property
    def role(self) -> str:
        return self.account.role


class RateLimiter:
    """A token bucket per key id, refilled continuously; burst = one minute's allowance."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key_id: str) -> None:
        """Spends one token for ``key_id``; raises RateLimited when none is left."""
        if self.per_minute <= 0:
            return
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(key_id, (float(self.per_minute), now))
            tokens = min(float(self.per_minute), tokens + (now - last) * self.per_minute / 60.0)
            if tokens < 1.0:
                self._buckets[key_id] = (tokens, now)
                raise RateLimited("too many requests from this account; slow down")
            self._buckets[key_id] = (tokens - 1.0, now)


def verify_caller(
    tx: Repos,
    envelope: api_pb2.SignedRequest,
    method: str,
    path: str,
    roles: Collection[str],
    *,
    now_ms: int,
    window_ms: int,
) -> Caller:
    """The account that signed ``envelope`` (signature, time window, role), as stored now;
    raises on any failure and writes nothing (the nonce is ``admit``'s)."""
    account = _stored_account(tx, envelope.key_id)
    verify_request(
        envelope, account.signing_public_key, method, path, now_ms=now_ms, window_ms=window_ms
    )
    return _in_role(account, roles)


def verify_caller_again(
    tx: Repos,
    envelope: api_pb2.SignedRequest,
    verified: Caller,
    roles: Collection[str],
    *,
    now_ms: int,
    window_ms: int,
) -> Caller:
    """What ``verify_caller`` answers now for an ``envelope`` it already accepted as
    ``verified``: the account as stored now, its time window and role checked again; the
    signature is checked again only when the stored key is no longer the one it verified
    under (the same bytes under the same key verify the same way)."""
    account = _stored_account(tx, envelope.key_id)
    if account.signing_public_key == verified.account.signing_public_key:
        check_request_time(envelope, now_ms=now_ms, window_ms=window_ms)
    else:  # the envelope's endpoint was already checked to be this route's
        verify_request(
            envelope,
            account.signing_public_key,
            envelope.method,
            envelope.path,
            now_ms=now_ms,
            window_ms=window_ms,
        )
    return _in_role(account, roles)


def _stored_account(tx: Repos, key_id: str) -> Account:
    account = tx.accounts.get(key_id)
    if account is None:
        raise UnknownKey("no account is registered with this key id", field="key_id")
    return account


def _replayed() -> ReplayedRequest:
    return ReplayedRequest("this request was already accepted once", field="nonce")


def _in_role(account: Account, roles: Collection[str]) -> Caller:
    if account.role not in roles:
        raise Forbidden(f"this endpoint is for {', '.join(sorted(roles))} accounts")
    return Caller(account)


def refuse_replay(tx: Repos, envelope: api_pb2.SignedRequest) -> None:
    """Raises ReplayedRequest if this request's nonce was already accepted (reads only)."""
    if tx.nonces.seen(envelope.key_id, envelope.nonce):
        raise _replayed()


def admit(
    tx: Repos,
    caller: Caller,
    envelope: api_pb2.SignedRequest,
    *,
    now_ms: int,
    window_ms: int,
    account_ttl_ms: int = 0,
) -> None:
    """Records the request's nonce in ``tx`` (ReplayedRequest if it was seen: a replay is
    refused, and a request rolled back later leaves not even its nonce behind) and keeps the
    caller's account alive for its TTL."""
    nonce = SeenNonce(envelope.key_id, envelope.nonce, now_ms, now_ms + 2 * window_ms + 1)
    if not tx.nonces.remember(nonce):
        raise _replayed()
    account = caller.account
    if account_ttl_ms and account.expires_at_ms < now_ms + account_ttl_ms - _DAY_MS:
        # An account is kept for its TTL after its last activity; refreshed at most daily.
        tx.accounts.touch(account.account_id, now_ms + account_ttl_ms)


def authenticate(
    tx: Repos,
    envelope: api_pb2.SignedRequest,
    method: str,
    path: str,
    roles: Collection[str],
    *,
    now_ms: int,
    window_ms: int,
    limiter: RateLimiter,
    account_ttl_ms: int = 0,
) -> Caller:
    """The verified caller of ``envelope``, after the rate limit and the replay check; raises
    on any failure."""
    caller = verify_caller(tx, envelope, method, path, roles, now_ms=now_ms, window_ms=window_ms)
    limiter.take(caller.account_id)
    admit(tx, caller, envelope, now_ms=now_ms, window_ms=window_ms, account_ttl_ms=account_ttl_ms)
    return caller
