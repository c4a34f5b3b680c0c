"""Appeals and notifications: what a user sees of actions on their account."""

from __future__ import annotations

from starlette.routing import Route

from vouchsafe.protocol import api_pb2
from vouchsafe.server.auth import Caller
from vouchsafe.server.context import ServerContext
from vouchsafe.server.pipeline import appeals
from vouchsafe.server.routers.base import signed_route
from vouchsafe.server.storage import Repos
from vouchsafe.server.storage.records import ROLE_USER


def file(
    ctx: ServerContext, tx: Repos, caller: Caller, req: api_pb2.FileAppealRequest
) -> api_pb2.Appeal:
    return appeals.appeal_message(appeals.file_appeal(ctx, tx, caller.account_id, req))


def status(
    ctx: ServerContext, tx: Repos, caller: Caller, req: api_pb2.ListAppealsRequest
) -> api_pb2.ListAppealsResponse:
    mine = tx.appeals.for_account(caller.account_id)
    return api_pb2.ListAppealsResponse(version=1, appeals=[appeals.appeal_message(a) for a in mine])


def notifications(
    ctx: ServerContext, tx: Repos, caller: Caller, req: api_pb2.ListNotificationsRequest
) -> api_pb2.ListNotificationsResponse:
    due = tx.notifications.due(caller.account_id, ctx.clock())
    return api_pb2.ListNotificationsResponse(
        version=1,
        notifications=[
            api_pb2.Notification(
                notification_id=n.notification_id,
                kind=n.kind,
                text=n.text,
                report_id=n.report_id,
                appeal_id=n.appeal_id,
                created_at_ms=n.created_at_ms,
            )
            for n in due
        ],
    )


def routes(ctx: ServerContext) -> list[Route]:
    return [
        signed_route(ctx, "/v1/appeals", {ROLE_USER}, api_pb2.FileAppealRequest, file),
        signed_route(ctx, "/v1/appeals/status", {ROLE_USER}, api_pb2.ListAppealsRequest, status),
        signed_route(
            ctx, "/v1/notifications", {ROLE_USER}, api_pb2.ListNotificationsRequest, notifications
        ),
    ]
