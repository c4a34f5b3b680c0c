"""The provider's side of the demo: threshold, review, report, authority, appeal, transparency.

Every action is a signed request of a staff member (reviewer, authority) or a user over the real
HTTP API; the server checks roles. Each method returns the lines the demo prints for its step.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterator

from vouchsafe.demo.release import DemoRelease
from vouchsafe.demo.result import DemoSettings
from vouchsafe.demo.staff import StaffMember, looks_like, staff_client
from vouchsafe.demo.users import DemoUser
from vouchsafe.protocol import api_pb2
from vouchsafe.sdk.api import ApiClient
from vouchsafe.sdk.api.provider_signatures import verify_signed_report
from vouchsafe.sdk.errors import ErrorCode, ServerRejected
from vouchsafe.sdk.media.decode import decode_image
from vouchsafe.sdk.visual_derivative import visual_derivative

# The server sweeps thresholds every second in the demo; give it a generous margin.
QUEUE_WAIT_S = 30.0
REVIEW_PAGE = 500


class ProviderSide:
    """Drives the staff and the flagged user through the provider's pipeline."""

    def __init__(
        self,
        server_url: str,
        staff: list[StaffMember],
        users: list[DemoUser],
        release: DemoRelease,
        settings: DemoSettings,
    ) -> None:
        self.url = server_url
        self.users = users
        self.settings = settings
        by_name = {m.name: m for m in staff}
        self.reviewer = staff_client(by_name["reviewer-1"], server_url)
        self.second_reviewer = staff_client(by_name["reviewer-2"], server_url)
        self.authority = staff_client(by_name["authority"], server_url)
        self.listed = [
            visual_derivative(decode_image(p.read_bytes())) for p in release.known_images
        ]
        self.transparency: dict[str, object] = {}
        self.reviewed: list[tuple[str, str, str, bytes]] = []
        self._by_account = {u.outcome.account_id: u for u in users}

    def run(self) -> Iterator[tuple[str, list[str]]]:
        """The provider's steps in order; each yields (title, lines)."""
        try:
            items = self._wait_for_queue()
            yield "Threshold", self._threshold_lines(items)
            yield "Human review", self._review(items)
            yield "Report to the authority", self._reports()
            yield "Account action and notification", self._notify()
            yield "Appeal", self._appeal()
            yield "Transparency figures", self._transparency()
        finally:
            for client in (self.reviewer, self.second_reviewer, self.authority):
                client.close()

    def _queue(self, client: ApiClient | None = None) -> list[api_pb2.ReviewItem]:
        reviewer = self.reviewer if client is None else client
        return reviewer.review_queue(limit=REVIEW_PAGE)

    def _wait_for_queue(self) -> list[api_pb2.ReviewItem]:
        expect_flag = any(u.outcome.known_sent >= self.settings.threshold for u in self.users)
        deadline = time.monotonic() + QUEUE_WAIT_S
        items = self._queue()
        while expect_flag and not items and time.monotonic() < deadline:
            time.sleep(0.5)
            items = self._queue()
        time.sleep(2.0)  # one more scheduled sweep, so a late account would show up too
        return self._queue()

    def _threshold_lines(self, items: list[api_pb2.ReviewItem]) -> list[str]:
        per_account = Counter(item.account_id for item in items)
        lines = []
        for user in self.users:
            count = per_account.get(user.outcome.account_id, 0)
            user.outcome.items_in_review = count
            if count:
                lines.append(
                    f"{user.name}: past the threshold; {count} matched items opened and "
                    "confirmed by both checks (full PDQ hash, keyed second hash), now waiting "
                    "for a human"
                )
            else:
                lines.append(
                    f"{user.name}: nothing opened (sent {user.outcome.known_sent} known "
                    f"items; t = {self.settings.threshold})"
                )
        return lines

    @staticmethod
    def _reveal(reviewer: ApiClient, review_id: str) -> bytes:
        """The derivative, through the reveal endpoint (the server records the exposure)."""
        return bytes(reviewer.reveal(review_id).visual_derivative)

    def _review(self, items: list[api_pb2.ReviewItem]) -> list[str]:
        lines = []
        for item in items:
            user = self._by_account.get(item.account_id)
            derivative = self._reveal(self.reviewer, item.review_id)
            same, difference = looks_like(derivative, self.listed)
            self.reviewed.append(
                (
                    self._by_account[item.account_id].name
                    if item.account_id in self._by_account
                    else item.account_id[:12],
                    item.item_id[:12],
                    "confirmed" if same else "not confirmed",
                    derivative,
                )
            )
            reply = self.reviewer.decide(
                item.review_id,
                same,
                notes=f"derivative vs listed picture: difference {difference:.1f}",
            )
            name = user.name if user else item.account_id[:12]
            if user is not None and same:
                user.outcome.confirmed_by_reviewer += 1
                if reply.report_id:
                    user.outcome.report_id = reply.report_id
            lines.append(
                f"reviewer-1 revealed the {len(derivative)}-byte derivative "
                f"of {name}'s item {item.item_id[:12]} (PDQ distance "
                f"{item.match_distance}): {'confirmed' if same else 'not confirmed'}"
                + (f" -> report {reply.report_id[:12]}" if reply.report_id else "")
            )
        return lines or ["nothing to review"]

    def _reports(self) -> list[str]:
        reports = self.authority.reports()
        provider_key = self.authority.provider().public_key
        lines = [f"provider key {provider_key.hex()[:16]}... (from /v1/provider)"]
        for entry in reports:
            # Raises if the signature does not verify under the provider's published key.
            report = verify_signed_report(entry.signed_report, provider_key)
            forwarded = self.authority.dispose(entry.report_id, forwarded=True)
            user = self._by_account.get(report.account_id)
            if user is not None:
                user.outcome.report_status = api_pb2.ReportStatus.Name(forwarded.status)
            lines.append(
                f"report {entry.report_id[:12]} for {user.name if user else '?'}: "
                f"{len(report.items)} items, signal {report.signal_type}, urgent "
                f"{report.urgent}, account action '{report.account_action}', legal "
                f"basis: {report.legal_basis}"
            )
            lines.append(
                f"authority verified the provider signature and marked it "
                f"{api_pb2.ReportStatus.Name(forwarded.status)}"
            )
        return lines or ["no report: nobody was confirmed by a reviewer"]

    def _notify(self) -> list[str]:
        lines = []
        for user in self.users:
            notices = Counter(note.text for note in user.messenger.notifications())
            for text, times in notices.items():
                repeat = f" ({times} notices, one per report)" if times > 1 else ""
                lines.append(f"{user.name} was told: {text}{repeat}")
            if user.outcome.report_id:
                try:
                    user.messenger.send_text(self.users[-1].name, "is my account working?")
                except ServerRejected as exc:
                    user.outcome.suspended = exc.server_code == ErrorCode.ACCOUNT_SUSPENDED
                    lines.append(
                        f"{user.name} tries to send a message: refused ({exc.server_code})"
                    )
        return lines or ["no account action was taken"]

    def _appeal(self) -> list[str]:
        flagged = [u for u in self.users if u.outcome.report_id]
        if not flagged:
            return ["no account action, so nothing to appeal"]
        lines = []
        for user in flagged:
            appeal_id = user.messenger.appeal(
                user.outcome.report_id, "I did not know what these pictures were"
            )
            lines.append(
                f"{user.name} appealed report {user.outcome.report_id[:12]} "
                f"(appeal {appeal_id[:12]})"
            )
            first = [i for i in self._queue() if i.kind == api_pb2.REVIEW_KIND_APPEAL]
            lines.append(
                f"reviewer-1, who decided the case, sees {len(first)} appeal items "
                "(an appeal goes to a different reviewer)"
            )
            for item in self._queue(self.second_reviewer):
                if item.kind != api_pb2.REVIEW_KIND_APPEAL:
                    continue
                derivative = self._reveal(self.second_reviewer, item.review_id)
                same, difference = looks_like(derivative, self.listed)
                self.second_reviewer.decide(
                    item.review_id,
                    same,
                    notes=f"re-review, difference {difference:.1f}",
                )
                user.outcome.appeal_status = "rejected" if same else "upheld"
                lines.append(
                    f"reviewer-2 re-reviewed item {item.item_id[:12]}: "
                    + (
                        "it is the listed picture; appeal rejected"
                        if same
                        else "not the listed picture; appeal upheld, account reinstated"
                    )
                )
        return lines

    def _transparency(self) -> list[str]:
        report = self.reviewer.transparency()
        figures = report.get("figures", {})
        self.transparency = {
            k: json.dumps(v) if isinstance(v, dict) else v for k, v in figures.items()
        }
        return [f"{k}: {v}" for k, v in self.transparency.items()]
