"""The stand-in authority's pages: signed reports with their signature status, dispositions.

Auditors may read the list (as in the API); only the authority disposes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from vouchsafe.protocol import api_pb2
from vouchsafe.sdk.api.provider_signatures import verify_signed_report
from vouchsafe.sdk.errors import ProviderSignatureError
from vouchsafe.server.console.web import Console, StaffSession, page, see_other
from vouchsafe.server.errors import InvalidArgument
from vouchsafe.server.pipeline import reporting
from vouchsafe.server.storage import Repos
from vouchsafe.server.storage.records import ROLE_AUDITOR, ROLE_AUTHORITY, ReportRecord

_DISPOSITIONS = {
    "forwarded": api_pb2.DISPOSITION_FORWARDED,
    "manifestly_unfounded": api_pb2.DISPOSITION_MANIFESTLY_UNFOUNDED,
}


@dataclass(frozen=True)
class ReportRow:
    """A report as the authority sees it: the record, the signed content, whether it verifies."""

    record: ReportRecord
    report: api_pb2.Report | None
    signature_ok: bool


def report_rows(tx: Repos, provider_public_key: bytes) -> list[ReportRow]:
    """Every report, newest first, each with its signature checked under the provider key."""
    rows = []
    for record in sorted(tx.reports.list(), key=lambda r: r.created_at_ms, reverse=True):
        signed = api_pb2.SignedReport.FromString(record.signed_report)
        try:
            rows.append(ReportRow(record, verify_signed_report(signed, provider_public_key), True))
        except (ProviderSignatureError, ValueError):
            rows.append(ReportRow(record, None, False))
    return rows


def routes(console: Console) -> list[Route]:
    ctx = console.ctx

    def reports(
        c: Console, tx: Repos, staff: StaffSession, request: Request, form: Mapping[str, str]
    ) -> Response:
        return c.render(
            "reports.html",
            staff=staff,
            rows=report_rows(tx, ctx.provider_key.public_key),
            can_dispose=staff.role == ROLE_AUTHORITY,
            provider_key=ctx.provider_key.public_key.hex(),
        )

    def dispose(
        c: Console, tx: Repos, staff: StaffSession, request: Request, form: Mapping[str, str]
    ) -> Response:
        disposition = _DISPOSITIONS.get(form.get("disposition", ""))
        if disposition is None:
            raise InvalidArgument("choose forwarded or manifestly unfounded", field="disposition")
        reporting.record_disposition(
            ctx, tx, request.path_params["report_id"], disposition, form.get("reason", "")[:2000]
        )
        return see_other("/console/reports")

    return [
        page(console, "/console/reports", {ROLE_AUTHORITY, ROLE_AUDITOR}, reports),
        page(
            console,
            "/console/reports/{report_id:str}/disposition",
            {ROLE_AUTHORITY},
            dispose,
            methods=("POST",),
        ),
    ]
