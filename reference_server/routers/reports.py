"""Reports: the stand-in authority's inbox and its dispositions (auditors may read)."""

from __future__ import annotations

from starlette.routing import Route

from vouchsafe.protocol import api_pb2
from vouchsafe.server.auth import Caller
from vouchsafe.server.context import ServerContext
from vouchsafe.server.errors import InvalidArgument
from vouchsafe.server.pipeline import reporting
from vouchsafe.server.routers.base import signed_route
from vouchsafe.server.storage import Repos
from vouchsafe.server.storage.records import ROLE_AUDITOR, ROLE_AUTHORITY

_BY_STATUS = {v: k for k, v in reporting.STATUS_NAMES.items()}


def list_reports(
    ctx: ServerContext, tx: Repos, caller: Caller, req: api_pb2.ListReportsRequest
) -> api_pb2.ListReportsResponse:
    if req.status != api_pb2.REPORT_STATUS_UNSPECIFIED and req.status not in _BY_STATUS:
        raise InvalidArgument("unknown report status", field="status")
    status = _BY_STATUS.get(req.status)
    entries = [reporting.report_entry(r) for r in tx.reports.list(status)]
    return api_pb2.ListReportsResponse(version=1, reports=entries)


def dispose(
    ctx: ServerContext, tx: Repos, caller: Caller, req: api_pb2.DispositionRequest
) -> api_pb2.DispositionResponse:
    record = reporting.record_disposition(ctx, tx, req.report_id, req.disposition, req.reason)
    return api_pb2.DispositionResponse(
        version=1, report_id=record.report_id, status=reporting.STATUS_NAMES[record.status]
    )


def routes(ctx: ServerContext) -> list[Route]:
    return [
        signed_route(
            ctx,
            "/v1/authority/reports",
            {ROLE_AUTHORITY, ROLE_AUDITOR},
            api_pb2.ListReportsRequest,
            list_reports,
        ),
        signed_route(
            ctx, "/v1/authority/dispositions", {ROLE_AUTHORITY}, api_pb2.DispositionRequest, dispose
        ),
    ]
