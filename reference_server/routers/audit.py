"""Audit: the log's verification, its entries and the opinions fed back to sources (auditors)."""

from __future__ import annotations

import json

from starlette.responses import JSONResponse
from starlette.routing import Route

from vouchsafe.protocol import api_pb2
from vouchsafe.server.audit_log import verify_audit_entries
from vouchsafe.server.auth import Caller
from vouchsafe.server.context import ServerContext
from vouchsafe.server.http import MAX_STORED_INT, at_most
from vouchsafe.server.routers.base import signed_route
from vouchsafe.server.storage import Repos
from vouchsafe.server.storage.records import ROLE_AUDITOR


def verify(ctx: ServerContext, tx: Repos, caller: Caller, req: api_pb2.AuditQuery) -> JSONResponse:
    result = verify_audit_entries(tx, ctx.provider_key.public_key)
    return JSONResponse(
        {
            "ok": result.ok,
            "entries": result.entries,
            "checkpoints": result.checkpoints,
            "first_broken_seq": result.first_broken_seq,
            "reason": result.reason,
            "signed_through": result.signed_through,
            "unsigned_entries": result.unsigned_entries,
        }
    )


def entries(ctx: ServerContext, tx: Repos, caller: Caller, req: api_pb2.AuditQuery) -> JSONResponse:
    limit = at_most(req.limit, 1000, "limit") or 100
    after_seq = at_most(req.after_seq, MAX_STORED_INT, "after_seq")
    rows = tx.audit.entries(after_seq=after_seq, limit=limit)
    return JSONResponse(
        [
            {
                "seq": e.seq,
                "at_ms": e.at_ms,
                "kind": e.kind,
                "payload": json.loads(e.payload),
                "prev_hash": e.prev_hash.hex(),
                "entry_hash": e.entry_hash.hex(),
            }
            for e in rows
        ]
    )


def opinions(
    ctx: ServerContext, tx: Repos, caller: Caller, req: api_pb2.AuditQuery
) -> JSONResponse:
    return JSONResponse(
        [
            {
                "opinion_id": o.opinion_id,
                "entry_id": o.entry_id,
                "verdict": o.verdict,
                "appeal_id": o.appeal_id,
                "created_at_ms": o.created_at_ms,
            }
            for o in tx.opinions.list()
        ]
    )


def routes(ctx: ServerContext) -> list[Route]:
    return [
        signed_route(ctx, "/v1/audit/verify", {ROLE_AUDITOR}, api_pb2.AuditQuery, verify),
        signed_route(ctx, "/v1/audit/entries", {ROLE_AUDITOR}, api_pb2.AuditQuery, entries),
        signed_route(ctx, "/v1/audit/opinions", {ROLE_AUDITOR}, api_pb2.AuditQuery, opinions),
    ]
