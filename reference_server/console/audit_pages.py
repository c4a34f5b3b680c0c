"""The auditor's page: audit-log verification, checkpoints, entries by kind and day, opinions."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from vouchsafe.server.audit_log import verify_audit_entries
from vouchsafe.server.console.web import Console, StaffSession, page
from vouchsafe.server.errors import InvalidArgument
from vouchsafe.server.storage import Repos
from vouchsafe.server.storage.records import ROLE_AUDITOR

DAY_MS = 86_400_000
MAX_DAYS = 366
DEFAULT_DAYS = 30
SHOWN_CHECKPOINTS = 20


def _day(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=UTC).strftime("%Y-%m-%d")


def period_days(request: Request) -> int:
    """The ``days`` query parameter: 1 to ``MAX_DAYS`` (400 otherwise)."""
    text = request.query_params.get("days", str(DEFAULT_DAYS))
    if not (text.isascii() and text.isdigit() and 1 <= int(text) <= MAX_DAYS):
        raise InvalidArgument(f"days is a whole number from 1 to {MAX_DAYS}", field="days")
    return int(text)


def routes(console: Console) -> list[Route]:
    ctx = console.ctx

    def audit(
        c: Console, tx: Repos, staff: StaffSession, request: Request, form: Mapping[str, str]
    ) -> Response:
        days = period_days(request)
        kind = request.query_params.get("kind", "")[:64]
        now = ctx.clock()
        entries = tx.audit.between(now - days * DAY_MS, now + 1)
        by_kind = Counter(e.kind for e in entries)
        by_day = Counter(_day(e.at_ms) for e in entries if not kind or e.kind == kind)
        opinions = Counter((o.entry_id, o.verdict) for o in tx.opinions.list())
        per_entry = sorted(
            {entry for entry, _ in opinions},
            key=lambda e: -opinions[(e, "false_positive")],
        )
        return c.render(
            "audit.html",
            staff=staff,
            verification=verify_audit_entries(tx, ctx.provider_key.public_key),
            checkpoints=list(reversed(tx.audit.checkpoints()))[:SHOWN_CHECKPOINTS],
            by_kind=sorted(by_kind.items()),
            by_day=sorted(by_day.items(), reverse=True),
            days=days,
            kind=kind,
            kinds=sorted(by_kind),
            opinions=[
                (e, opinions[(e, "false_positive")], opinions[(e, "true_positive")])
                for e in per_entry
            ],
            provider_key=ctx.provider_key.public_key.hex(),
            day=_day,
        )

    return [page(console, "/console/audit", {ROLE_AUDITOR}, audit)]
