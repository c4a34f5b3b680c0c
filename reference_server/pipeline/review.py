"""Step 4, human review: nothing leaves the server without a reviewer's recorded decision.

Reviewers see pending items with the visual derivative from the associated data; a decision
records the outcome, whether the derivative was viewed, notes and an urgency flag. A confirmed
match produces a report (``reporting``); a decision on an appeal item decides the appeal
(``appeals``), and only a reviewer other than the original one can make it.
"""

from __future__ import annotations

from vouchsafe.protocol import api_pb2
from vouchsafe.server.context import ServerContext, new_id
from vouchsafe.server.errors import Conflict, Forbidden, InvalidArgument, NotFound
from vouchsafe.server.pipeline import appeals, reporting
from vouchsafe.server.pipeline.confirmation import parse_associated_data
from vouchsafe.server.storage import Repos
from vouchsafe.server.storage.records import Decision, ReviewItemRecord

MAX_NOTES_CHARS = 4000
_KINDS = {"match": api_pb2.REVIEW_KIND_MATCH, "appeal": api_pb2.REVIEW_KIND_APPEAL}


def review_item_message(tx: Repos, item: ReviewItemRecord) -> api_pb2.ReviewItem:
    """The wire form of a review item, derivative included."""
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
        message.visual_derivative = ad.visual_derivative
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


def decide(
    ctx: ServerContext, tx: Repos, reviewer_id: str, request: api_pb2.ReviewDecisionRequest
) -> api_pb2.ReviewDecisionResponse:
    """Records a reviewer's decision and runs what follows from it."""
    item = tx.review.get(request.review_id)
    if item is None:
        raise NotFound("no such review item", field="review_id")
    if item.status != "pending":
        raise Conflict("this item was already decided", field="review_id")
    if item.excluded_reviewer_id == reviewer_id:
        raise Forbidden("an appeal must be re-reviewed by a different reviewer", field="review_id")
    if request.outcome == api_pb2.REVIEW_OUTCOME_CONFIRMED:
        outcome = "confirmed"
    elif request.outcome == api_pb2.REVIEW_OUTCOME_NOT_CONFIRMED:
        outcome = "not_confirmed"
    else:
        raise InvalidArgument("outcome must be CONFIRMED or NOT_CONFIRMED", field="outcome")
    if len(request.notes) > MAX_NOTES_CHARS:
        raise InvalidArgument(f"notes exceed {MAX_NOTES_CHARS} characters", field="notes")
    now = ctx.clock()
    decision = Decision(
        new_id("dc"),
        item.review_id,
        reviewer_id,
        outcome,
        request.derivative_viewed,
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
            "derivative_viewed": request.derivative_viewed,
            "reviewer_id": reviewer_id,
        },
    )
    response = api_pb2.ReviewDecisionResponse(version=1, decision_id=decision.decision_id)
    if item.kind == "match" and outcome == "confirmed":
        response.report_id = reporting.create_report(ctx, tx, item, decision).report_id
    elif item.kind == "appeal":
        response.appeal_id = appeals.decide_appeal(ctx, tx, item, decision).appeal_id
    return response
