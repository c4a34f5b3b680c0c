"""Review: the queue, revealing a visual derivative, and decisions. Reviewers only."""

from __future__ import annotations

from starlette.routing import Route

from vouchsafe.protocol import api_pb2
from vouchsafe.server.auth import Caller
from vouchsafe.server.context import ServerContext
from vouchsafe.server.pipeline import review
from vouchsafe.server.routers.base import signed_route
from vouchsafe.server.storage import Repos
from vouchsafe.server.storage.records import ROLE_REVIEWER


def queue(
    ctx: ServerContext, tx: Repos, caller: Caller, req: api_pb2.ListReviewItemsRequest
) -> api_pb2.ListReviewItemsResponse:
    items = review.list_pending(tx, caller.account_id, req.limit)
    return api_pb2.ListReviewItemsResponse(version=1, items=items)


def reveal(
    ctx: ServerContext, tx: Repos, caller: Caller, req: api_pb2.RevealDerivativeRequest
) -> api_pb2.RevealDerivativeResponse:
    return review.reveal(ctx, tx, caller.account_id, req.review_id)


def decide(
    ctx: ServerContext, tx: Repos, caller: Caller, req: api_pb2.ReviewDecisionRequest
) -> api_pb2.ReviewDecisionResponse:
    return review.decide(ctx, tx, caller.account_id, req)


def routes(ctx: ServerContext) -> list[Route]:
    return [
        signed_route(
            ctx, "/v1/review/queue", {ROLE_REVIEWER}, api_pb2.ListReviewItemsRequest, queue
        ),
        signed_route(
            ctx, "/v1/review/reveal", {ROLE_REVIEWER}, api_pb2.RevealDerivativeRequest, reveal
        ),
        signed_route(
            ctx, "/v1/review/decisions", {ROLE_REVIEWER}, api_pb2.ReviewDecisionRequest, decide
        ),
    ]
