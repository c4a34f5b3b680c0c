"""Step 7, transparency figures for a period, from tallies the audit log keeps per UTC day.

Every figure is a count of audit entries of one kind on the period's UTC days (the log counts
each entry as it is appended, in the same transaction), so an auditor can recompute it from the
verified log. Error rates come from the per-day request tallies.
"""

from __future__ import annotations

import json
import statistics
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING

from vouchsafe.server.audit_log import SECOND_CHECK_UNAVAILABLE, published_checkpoint, utc_day

if TYPE_CHECKING:  # the context holds this module's cache
    from vouchsafe.server.context import ServerContext

DAY_MS = 86_400_000

FIGURES = (
    ("vouchers_received", "voucher_received", "safety vouchers received"),
    ("accounts_past_threshold", "threshold_crossed", "accounts past the match threshold"),
    ("collisions_dropped", "collision_dropped", "coarse-key collisions dropped by confirmation"),
    (
        "confirmation_failed",
        "confirmation_failed",
        "full-hash matches the keyed confirmation hash rejected (not sent to review)",
    ),
    ("reviews_queued", "review_queued", "matches queued for human review"),
    ("reports_delivered", "report_delivered", "reports delivered to the authority"),
    ("reports_forwarded", "report_forwarded", "reports the authority forwarded"),
    (
        "reports_manifestly_unfounded",
        "report_manifestly_unfounded",
        "reports the authority found manifestly unfounded",
    ),
    ("reports_retracted", "report_retracted", "reports retracted after an upheld appeal"),
    ("accounts_suspended", "account_suspended", "accounts suspended"),
    ("accounts_reinstated", "account_reinstated", "accounts reinstated"),
    ("appeals_received", "appeal_received", "appeals received"),
    ("appeals_upheld", "appeal_upheld", "appeals upheld"),
    ("appeals_rejected", "appeal_rejected", "appeals rejected"),
    ("false_positives_recorded", "false_positive_recorded", "false positives fed back to sources"),
)


def period_days(from_ms: int, to_ms: int) -> tuple[int, int]:
    """``[from_ms, to_ms)`` widened to whole UTC days (the tallies' granularity)."""
    return from_ms - from_ms % DAY_MS, to_ms + (-to_ms % DAY_MS)


Figures = dict[str, object]


class FiguresCache:
    """Recently computed figures per period, each reused for at most ``max_age_ms`` (one per
    worker; the newest ``size`` periods are kept). Figures are never more than ``max_age_ms``
    behind the database; ``computed_at_ms`` in each answer says when they were read."""

    def __init__(self, max_age_ms: int, size: int = 64) -> None:
        self.max_age_ms = max_age_ms
        self.size = size
        self._figures: OrderedDict[tuple[int, int], tuple[int, Figures]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, period: tuple[int, int], now_ms: int, compute: Callable[[], Figures]) -> Figures:
        """The cached figures for ``period`` if fresh, else ``compute()`` (kept for next time,
        as computed at ``now_ms``). Callers must not change the figures they get."""
        with self._lock:
            cached = self._figures.get(period)
        if cached is not None and now_ms - cached[0] < self.max_age_ms:
            return cached[1]
        figures = compute()
        if self.max_age_ms > 0:
            with self._lock:
                self._figures[period] = (now_ms, figures)
                self._figures.move_to_end(period)
                while len(self._figures) > self.size:
                    self._figures.popitem(last=False)
        return figures


def transparency_figures(ctx: ServerContext, from_ms: int, to_ms: int) -> Figures:
    """The figures for the whole UTC days covering ``[from_ms, to_ms)``, as a JSON-ready dict,
    reused from this worker's ``ctx.figures_cache`` while they are fresh enough."""
    period = period_days(from_ms, to_ms)
    return ctx.figures_cache.get(period, ctx.clock(), lambda: _read_figures(ctx, *period))


def _read_figures(ctx: ServerContext, from_ms: int, to_ms: int) -> Figures:
    """The figures for the whole UTC days covering ``[from_ms, to_ms)``, as a JSON-ready dict.

    Reads the per-day tallies kept as entries are appended, summed by the database (O(days)
    there, O(kinds) here), and the decided appeals of the period (for the median handling
    time), never the audit log as a whole."""
    computed_at_ms = ctx.clock()
    first, last = utc_day(from_ms), utc_day(to_ms)
    with ctx.storage.read() as tx:
        kinds = Counter(tx.audit.totals_between(first, last))
        by_code = Counter(tx.tallies.totals_between(first, last))
        decided = [
            e
            for kind in ("appeal_upheld", "appeal_rejected")
            for e in tx.audit.of_kind_between(kind, from_ms, to_ms)
        ]
        checkpoint = tx.audit.last_checkpoint()
        published = None if checkpoint is None else published_checkpoint(tx, checkpoint)
    figures: dict[str, object] = {name: kinds.get(kind, 0) for name, kind, _ in FIGURES}
    figures["reviews_queued_second_check_unavailable"] = kinds.get(SECOND_CHECK_UNAVAILABLE, 0)
    figures["reviews_confirmed"] = kinds.get("review_decided:match:confirmed", 0)
    figures["reviews_not_confirmed"] = kinds.get("review_decided:match:not_confirmed", 0)
    handling = [int(json.loads(e.payload)["handling_ms"]) for e in decided]
    figures["appeal_median_handling_ms"] = int(statistics.median(handling)) if handling else None
    by_code.update(ctx.tallies.pending(first, last))  # this worker's, not yet flushed
    requests = sum(by_code.values())
    errors = Counter({code: n for code, n in by_code.items() if code != "ok"})
    figures["requests"] = requests
    figures["request_errors"] = {code: n for code, n in sorted(errors.items()) if n}
    figures["request_error_rate"] = (sum(errors.values()) / requests) if requests else 0.0
    return {
        "provider": ctx.settings.provider_name,
        "period": {"from_ms": from_ms, "to_ms": to_ms},
        "computed_at_ms": computed_at_ms,
        "figures": figures,
        "source": (
            "counts of audit-log entries on the period's UTC days; error rates from request tallies"
        ),
        # Anyone who keeps these can later prove the log was truncated or rewritten
        # (audit verify --known-checkpoint).
        "audit_checkpoint": published,
    }
