"""Step 4, human review: nothing leaves the server without a reviewer's recorded decision.

Reviewers see pending items without their visual derivative; ``reveal`` hands one out and records
the exposure first. A decision records the outcome, whether the derivative was viewed (from the
server's own reveal records: a CONFIRMED outcome needs one), notes and an urgency flag. A confirmed
match produces a report (``reporting``); a decision on an appeal item decides the appeal
(``appeals``), and only a reviewer other than the original one can make it.
"""

from __future__ import annotations

from vouchsafe.protocol import api_pb2
from vouchsafe.server.context import ServerContext, new_id
from vouchsafe.server.errors import (
    Conflict,
    DerivativeNotViewed,
    Forbidden,
    InvalidArgument,
    NotFound,
)
from vouchsafe.server.pipeline import appeals, reporting
from vouchsafe.server.pipeline.confirmation import parse_associated_data
from vouchsafe.server.storage import Repos
from vouchsafe.server.storage.records import Decision, DerivativeReveal, ReviewItemRecord

MAX_NOTES_CHARS = 4000
_KINDS = {"match": api_pb2.REVIEW_KIND_MATCH, "appeal": api_pb2.REVIEW_KIND_APPEAL}


def review_item_message(tx: Repos, item: ReviewItemRecord) -> api_pb2.ReviewItem:
    """The wire form of a review item; the derivative itself only through :func:`reveal`."""
    ad = parse_associated_data(item.associated_data)
    message = api_pb2.ReviewItem(
        review_id=item.review_id,
        kind=_KINDS[item.kind],
        account_id=item.account_id,
        item_id=item.item_id,
        matched_entry_id=item.matched_entry_id,
        match_distance=item.match_distance,
        queued_at_ms=item.queued_at_ms,
        appeal_id=item.appeal_id,
        original_reviewer_id=item.excluded_reviewer_id,
        second_check=item.second_check,
    )
    if ad is not None:
        message.signal_type = ad.signal_type
        message.perceptual_hash = ad.perceptual_hash
        message.visual_derivative_type = ad.visual_derivative_type
        message.media_type = ad.media_type
        message.quality = ad.quality
    if item.appeal_id:
        appeal = tx.appeals.get(item.appeal_id)
        message.appeal_reason = appeal.reason if appeal is not None else ""
    return message


def list_pending(tx: Repos, reviewer_id: str, limit: int) -> list[api_pb2.ReviewItem]:
    """Pending items this reviewer may decide, oldest first."""
    limit = 50 if limit == 0 else min(limit, 500)
    return [review_item_message(tx, i) for i in tx.review.pending(reviewer_id, limit)]


def decidable_item(tx: Repos, reviewer_id: str, review_id: str) -> ReviewItemRecord:
    """The pending item ``review_id`` if ``reviewer_id`` may act on it; raises otherwise."""
    item = tx.review.get(review_id)
    if item is None:
        raise NotFound("no such review item", field="review_id")
    if item.status != "pending":
        raise Conflict("this item was already decided", field="review_id")
    if item.excluded_reviewer_id == reviewer_id:
        raise Forbidden("an appeal must be re-reviewed by a different reviewer", field="review_id")
    return item


def reveal(
    ctx: ServerContext, tx: Repos, reviewer_id: str, review_id: str, session_id: str = ""
) -> api_pb2.RevealDerivativeResponse:
    """Records one exposure of ``reviewer_id`` to the item's derivative, then returns it."""
    item = decidable_item(tx, reviewer_id, review_id)
    ad = parse_associated_data(item.associated_data)
    if ad is None or not ad.visual_derivative:
        raise NotFound("this item carries no visual derivative", field="review_id")
    now = ctx.clock()
    tx.reveals.add(
        DerivativeReveal(
            new_id("rx"), review_id, reviewer_id, session_id, now, item.expires_at_ms
        )
    )
    ctx.log(tx, "derivative_revealed", {"review_id": review_id, "reviewer_id": reviewer_id})
    return api_pb2.RevealDerivativeResponse(
        version=1,
        review_id=review_id,
        visual_derivative=ad.visual_derivative,
        visual_derivative_type=ad.visual_derivative_type,
        revealed_at_ms=now,
    )


def decide(
    ctx: ServerContext, tx: Repos, reviewer_id: str, request: api_pb2.ReviewDecisionRequest
) -> api_pb2.ReviewDecisionResponse:
    """Records a reviewer's decision and runs what follows from it.

    Refuses (``derivative_not_viewed``) a CONFIRMED outcome from a reviewer who never revealed
    the item's derivative: nothing is reported on a match nobody looked at.
    """
    item = decidable_item(tx, reviewer_id, request.review_id)
    viewed = tx.reveals.revealed(item.review_id, reviewer_id)
    if request.outcome == api_pb2.REVIEW_OUTCOME_CONFIRMED:
        outcome = "confirmed"
    elif request.outcome == api_pb2.REVIEW_OUTCOME_NOT_CONFIRMED:
        outcome = "not_confirmed"
    else:
        raise InvalidArgument("outcome must be CONFIRMED or NOT_CONFIRMED", field="outcome")
    if outcome == "confirmed" and not viewed:
        raise DerivativeNotViewed(
            "reveal the visual derivative before confirming this item", field="review_id"
        )
    if len(request.notes) > MAX_NOTES_CHARS:
        raise InvalidArgument(f"notes exceed {MAX_NOTES_CHARS} characters", field="notes")
    now = ctx.clock()
    decision = Decision(
        new_id("dc"),
        item.review_id,
        reviewer_id,
        outcome,
        viewed,
        request.notes,
        request.urgent,
        now,
        now + ctx.settings.retention_ms,
    )
    tx.decisions.add(decision)
    tx.review.mark_decided(item.review_id)
    ctx.log(
        tx,
        "review_decided",
        {
            "review_id": item.review_id,
            "kind": item.kind,
            "outcome": outcome,
            "derivative_viewed": viewed,
            "reviewer_id": reviewer_id,
        },
    )
    response = api_pb2.ReviewDecisionResponse(version=1, decision_id=decision.decision_id)
    if item.kind == "match" and outcome == "confirmed":
        response.report_id = reporting.create_report(ctx, tx, item, decision).report_id
    elif item.kind == "appeal":
        response.appeal_id = appeals.decide_appeal(ctx, tx, item, decision).appeal_id
    return response
