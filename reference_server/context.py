"""The running server's state, shared by routers and pipeline steps: nothing global."""

from __future__ import annotations

import secrets
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from vouchsafe.server.audit_log import AuditLog, Payload
from vouchsafe.server.auth import RateLimiter
from vouchsafe.server.keys import ProviderKey
from vouchsafe.server.pipeline.matching import EntryIndex, ListEntryIndex, VoucherMatcher
from vouchsafe.server.pipeline.transparency import FiguresCache
from vouchsafe.server.settings import Settings
from vouchsafe.server.storage import Repos, Storage


def wall_clock_ms() -> int:
    """Milliseconds since the Unix epoch."""
    return int(time.time() * 1000)


def new_id(prefix: str) -> str:
    """A fresh random identifier, e.g. ``rv_3f9a...`` (16 random bytes)."""
    return f"{prefix}_{secrets.token_hex(16)}"


class RequestTallies:
    """Per-day counts of request outcomes, kept in memory and flushed to storage on schedule.

    Counting in memory keeps a refused request from writing anything; a crash loses at most
    one interval of these statistics (never domain data).
    """

    def __init__(self, clock: Callable[[], int]) -> None:
        self._clock = clock
        self._counts: Counter[tuple[str, str]] = Counter()
        self._lock = threading.Lock()

    def count(self, code: str) -> None:
        day = datetime.fromtimestamp(self._clock() / 1000, tz=UTC).strftime("%Y-%m-%d")
        with self._lock:
            self._counts[(day, code)] += 1

    def pending(self, from_day: str, to_day: str) -> Counter[str]:
        """Counts not yet flushed, per code, for days in ``[from_day, to_day)`` (no I/O: the
        public transparency page reads them without writing anything)."""
        with self._lock:
            items = list(self._counts.items())
        out: Counter[str] = Counter()
        for (day, code), n in items:
            if from_day <= day < to_day:
                out[code] += n
        return out

    def flush(self, storage: Storage) -> None:
        """Adds the pending counts to storage and forgets them."""
        with self._lock:
            pending, self._counts = self._counts, Counter()
        if not pending:
            return
        with storage.transaction() as tx:
            for (day, code), n in pending.items():
                tx.tallies.bump(day, code, n)


@dataclass
class AccountRecoveryRun:
    """One account's recovery state, the voucher ids already fed into it and the newest
    ``received_at_ms`` among them (where the next run starts reading)."""

    state: object
    fed: set[bytes] = field(default_factory=set)
    seen_until_ms: int = 0


@dataclass
class ServerContext:
    """Storage, keys, the audit log, the protocol matcher and the hash-set entries."""

    settings: Settings
    storage: Storage
    provider_key: ProviderKey
    audit: AuditLog
    matcher: VoucherMatcher | None = None
    entries: EntryIndex = field(default_factory=ListEntryIndex)
    clock: Callable[[], int] = wall_clock_ms
    limiter: RateLimiter = field(default_factory=lambda: RateLimiter(0))
    tallies: RequestTallies = field(default_factory=lambda: RequestTallies(wall_clock_ms))
    # Threshold recovery state per account id (``matcher.new_recovery()``), fed only the
    # records new since the last run; lost on restart and then rebuilt from the records.
    recoveries: dict[str, AccountRecoveryRun] = field(default_factory=dict)
    # The public transparency figures, reused for ``settings.transparency_max_age_ms``.
    figures_cache: FiguresCache = field(default_factory=lambda: FiguresCache(0))
    # Release deltas by base release digest (hex), computed at start-up.
    release_deltas: dict[str, bytes] = field(default_factory=dict)

    def log(self, tx: Repos, kind: str, payload: Payload) -> None:
        """Appends an audit entry inside ``tx`` (so it commits with the step it records), at the
        end of the transaction (``Repos.before_commit``: the chain head is the last lock)."""
        at_ms = self.clock()
        tx.before_commit(lambda: self.audit.append(tx, kind, payload, at_ms))
