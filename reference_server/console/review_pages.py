"""Reviewer pages: the queue, one item (derivative blurred until revealed), decisions, appeals."""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass

from PIL import Image, ImageFilter
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from vouchsafe.protocol import api_pb2
from vouchsafe.sdk.errors import VouchsafeError
from vouchsafe.sdk.media.decode import decode_image
from vouchsafe.server.console.web import PAUSE_EVERY, Console, StaffSession, page, see_other
from vouchsafe.server.errors import InvalidArgument, NotFound
from vouchsafe.server.pipeline import review
from vouchsafe.server.pipeline.confirmation import (
    Confirmation,
    confirm_match,
    parse_associated_data,
)
from vouchsafe.server.storage import Repos
from vouchsafe.server.storage.records import ROLE_REVIEWER, Decision, ReviewItemRecord

QUEUE_LIMIT = 200
# The blurred preview: small and smooth enough to show layout, not content.
BLUR_RADIUS = 6
PREVIEW_PIXELS = 256
_OUTCOMES = {
    "confirmed": api_pb2.REVIEW_OUTCOME_CONFIRMED,
    "not_confirmed": api_pb2.REVIEW_OUTCOME_NOT_CONFIRMED,
}


@dataclass(frozen=True)
class QueueRow:
    """One line of the reviewer's queue."""

    item: ReviewItemRecord
    age_ms: int

    @property
    def urgency(self) -> str:
        return "appeal: a user is waiting" if self.item.kind == "appeal" else "match"


def _keyed_limit() -> int:
    """The keyed confirmation hash's match distance (shown next to the measured one)."""
    from vouchsafe.server.confirmation.keyed_hash import CONFIRMATION_MATCH_DISTANCE

    return CONFIRMATION_MATCH_DISTANCE


def _age(ms: int) -> str:
    minutes = ms // 60_000
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h"
    return f"{minutes // 1440} days"


def queue_rows(tx: Repos, reviewer_id: str, now_ms: int, kind: str | None = None) -> list[QueueRow]:
    """Pending items this reviewer may decide: appeals first (a person waits on each), then
    the oldest match first."""
    items = [i for i in tx.review.pending(reviewer_id, QUEUE_LIMIT) if kind in (None, i.kind)]
    items.sort(key=lambda i: (i.kind != "appeal", i.queued_at_ms))
    return [QueueRow(i, now_ms - i.queued_at_ms) for i in items]


def _original_decision(tx: Repos, item: ReviewItemRecord) -> Decision | None:
    """For an appeal item: the decision the appeal contests."""
    appeal = tx.appeals.get(item.appeal_id) if item.appeal_id else None
    report = tx.reports.get(appeal.report_id) if appeal is not None else None
    return tx.decisions.get(report.decision_id) if report is not None else None


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def derivative_png(data: bytes, *, blurred: bool) -> bytes:
    """The derivative re-encoded by the server (never the device's bytes as they came), scaled
    for display; ``blurred`` for the preview shown before a reveal."""
    image = decode_image(data).convert("L")
    image = image.resize((PREVIEW_PIXELS, PREVIEW_PIXELS), Image.Resampling.NEAREST)
    if blurred:
        image = image.filter(ImageFilter.GaussianBlur(BLUR_RADIUS * PREVIEW_PIXELS // 64))
    return _png(image)


def routes(console: Console) -> list[Route]:
    ctx = console.ctx

    def queue(
        c: Console, tx: Repos, staff: StaffSession, request: Request, form: Mapping[str, str]
    ) -> Response:
        return c.render(
            "review_queue.html",
            staff=staff,
            rows=queue_rows(tx, staff.account_id, ctx.clock()),
            age=_age,
            exposures=tx.reveals.count_in_session(staff.token.session_name),
            decided=request.query_params.get("decided", "")[:64],
            report=request.query_params.get("report", "")[:64],
        )

    def appeals(
        c: Console, tx: Repos, staff: StaffSession, request: Request, form: Mapping[str, str]
    ) -> Response:
        rows = queue_rows(tx, staff.account_id, ctx.clock(), kind="appeal")
        details = {
            row.item.review_id: (
                tx.appeals.get(row.item.appeal_id),
                _original_decision(tx, row.item),
            )
            for row in rows
        }
        return c.render("appeals.html", staff=staff, rows=rows, details=details, age=_age)

    def item_page(
        c: Console, tx: Repos, staff: StaffSession, request: Request, form: Mapping[str, str]
    ) -> Response:
        item = review.decidable_item(tx, staff.account_id, request.path_params["review_id"])
        ad = parse_associated_data(item.associated_data)
        provenance = (
            ctx.entries.provenance(ad.signal_type, ad.perceptual_hash, item.matched_entry_id)
            if ad is not None
            else ()
        )
        others = [
            (other, tx.decisions.for_review(other.review_id))
            for other in tx.review.for_account(item.account_id)
            if other.review_id != item.review_id
        ]
        exposures = tx.reveals.count_in_session(staff.token.session_name)
        # Both checks' distances, re-measured under the current release (the same code as the
        # pipeline's; the queued item stores only whether the second check passed).
        checked = confirm_match(item.associated_data, ctx.entries)
        return c.render(
            "review_item.html",
            staff=staff,
            item=item,
            ad=ad,
            keyed_distance=checked.second_distance if isinstance(checked, Confirmation) else -1,
            keyed_limit=_keyed_limit(),
            provenance=provenance,
            others=others,
            age=_age(ctx.clock() - item.queued_at_ms),
            revealed=tx.reveals.revealed(item.review_id, staff.account_id),
            exposures=exposures,
            pause=exposures > 0 and exposures % PAUSE_EVERY == 0,
            appeal=tx.appeals.get(item.appeal_id) if item.appeal_id else None,
            original=_original_decision(tx, item),
            max_notes=review.MAX_NOTES_CHARS,
        )

    def derivative(
        c: Console, tx: Repos, staff: StaffSession, request: Request, form: Mapping[str, str]
    ) -> Response:
        item = review.decidable_item(tx, staff.account_id, request.path_params["review_id"])
        ad = parse_associated_data(item.associated_data)
        if ad is None or not ad.visual_derivative:
            raise NotFound("this item carries no visual derivative", field="review_id")
        clear = request.query_params.get("view") == "clear"
        if clear and not tx.reveals.revealed(item.review_id, staff.account_id):
            raise InvalidArgument("reveal the derivative first (the exposure is recorded)")
        try:
            body = derivative_png(ad.visual_derivative, blurred=not clear)
        except VouchsafeError:
            raise InvalidArgument("the device sent a derivative that does not decode") from None
        return Response(body, media_type="image/png")

    def reveal(
        c: Console, tx: Repos, staff: StaffSession, request: Request, form: Mapping[str, str]
    ) -> Response:
        review_id = request.path_params["review_id"]
        review.reveal(ctx, tx, staff.account_id, review_id, staff.token.session_name)
        return see_other(f"/console/review/{review_id}#derivative")

    def decide(
        c: Console, tx: Repos, staff: StaffSession, request: Request, form: Mapping[str, str]
    ) -> Response:
        review_id = request.path_params["review_id"]
        outcome = _OUTCOMES.get(form.get("outcome", ""))
        if outcome is None:
            raise InvalidArgument("choose confirmed or not confirmed", field="outcome")
        answer = review.decide(
            ctx,
            tx,
            staff.account_id,
            api_pb2.ReviewDecisionRequest(
                version=1,
                review_id=review_id,
                outcome=outcome,
                notes=form.get("notes", ""),
                urgent=form.get("urgent") == "on",
            ),
        )
        return see_other(f"/console/review?decided={review_id}&report={answer.report_id}")

    reviewer = {ROLE_REVIEWER}
    post = ("POST",)
    return [
        page(console, "/console/review", reviewer, queue),
        page(console, "/console/appeals", reviewer, appeals),
        page(console, "/console/review/{review_id:str}", reviewer, item_page),
        page(console, "/console/review/{review_id:str}/derivative", reviewer, derivative),
        page(console, "/console/review/{review_id:str}/reveal", reviewer, reveal, methods=post),
        page(console, "/console/review/{review_id:str}/decide", reviewer, decide, methods=post),
    ]
