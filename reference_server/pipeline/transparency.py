"""Step 7, transparency figures for a period, computed from the audit log (and request tallies).

Every figure is a count of audit entries of one kind in ``[from_ms, to_ms)``, so an auditor can
recompute it from the verified log. Error rates come from the per-day request tallies.
"""

from __future__ import annotations

import json
import statistics
from collections import Counter
from datetime import UTC, datetime

from vouchsafe.server.audit_log import published_checkpoint
from vouchsafe.server.context import ServerContext

FIGURES = (
    ("vouchers_received", "voucher_received", "safety vouchers received"),
    ("accounts_past_threshold", "threshold_crossed", "accounts past the match threshold"),
    ("collisions_dropped", "collision_dropped", "coarse-key collisions dropped by confirmation"),
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


def _day(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=UTC).strftime("%Y-%m-%d")


def transparency_figures(ctx: ServerContext, from_ms: int, to_ms: int) -> dict[str, object]:
    """The figures for ``[from_ms, to_ms)`` as a JSON-ready dict."""
    with ctx.storage.read() as tx:
        entries = tx.audit.between(from_ms, to_ms)
        tallies = tx.tallies.between(_day(from_ms), _day(to_ms + 86_400_000 - 1))
        checkpoint = tx.audit.last_checkpoint()
        published = None if checkpoint is None else published_checkpoint(tx, checkpoint)
    kinds = Counter(e.kind for e in entries)
    figures: dict[str, object] = {name: kinds.get(kind, 0) for name, kind, _ in FIGURES}
    reviews = Counter(
        json.loads(e.payload)["outcome"]
        for e in entries
        if e.kind == "review_decided" and json.loads(e.payload).get("kind") == "match"
    )
    figures["reviews_confirmed"] = reviews.get("confirmed", 0)
    figures["reviews_not_confirmed"] = reviews.get("not_confirmed", 0)
    handling = [
        int(json.loads(e.payload)["handling_ms"])
        for e in entries
        if e.kind in ("appeal_upheld", "appeal_rejected")
    ]
    figures["appeal_median_handling_ms"] = int(statistics.median(handling)) if handling else None
    requests = sum(t.count for t in tallies)
    errors = Counter({t.code: 0 for t in tallies})
    for t in tallies:
        if t.code != "ok":
            errors[t.code] += t.count
    figures["requests"] = requests
    figures["request_errors"] = {code: n for code, n in sorted(errors.items()) if n}
    figures["request_error_rate"] = (sum(errors.values()) / requests) if requests else 0.0
    return {
        "provider": ctx.settings.provider_name,
        "period": {"from_ms": from_ms, "to_ms": to_ms},
        "figures": figures,
        "source": "counts of audit-log entries in the period; error rates from request tallies",
        # Anyone who keeps these can later prove the log was truncated or rewritten
        # (audit verify --known-checkpoint).
        "audit_checkpoint": published,
    }
