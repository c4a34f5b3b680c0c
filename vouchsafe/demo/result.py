"""What one demo run produced: the ground truth the harness knows and what each party learned.

The harness knows how many known items each user sent (ground truth); the server must learn it
only for accounts past the threshold. The report sets the two side by side.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class DemoSettings:
    """The knobs of one run."""

    users: int
    images_per_user: int
    threshold: int
    synthetic_rate: float
    seed: int
    heavy_known: int
    light_known: int

    @property
    def known_images(self) -> int:
        """Corpus photos that play "known" items, listed in the demo source lists.

        The lifecycle's demo lists (``corpus_demo_sources``) admit every image but the one an
        organisation withdraws, so one more than the most any user sends is enough; at least 12.
        """
        return max(12, self.heavy_known + 2, self.light_known + 2)

    @property
    def ordinary_images(self) -> int:
        """Distinct ordinary photos, enough for every user's photos."""
        return self.users * self.images_per_user


@dataclass
class AccountOutcome:
    """One demo user: what they did (ground truth) and what the provider ended up knowing."""

    name: str
    account_id: str = ""
    role: str = "ordinary"
    texts_sent: int = 0
    photos_sent: int = 0
    known_sent: int = 0
    vouchers_uploaded: int = 0
    messages_received_intact: int = 0
    messages_received: int = 0
    items_in_review: int = 0
    confirmed_by_reviewer: int = 0
    report_id: str = ""
    report_status: str = ""
    suspended: bool = False
    appeal_status: str = ""


@dataclass(frozen=True)
class Step:
    """One printed step of the demo: a title and the lines shown under it."""

    title: str
    lines: tuple[str, ...]


@dataclass
class DemoResult:
    """Everything the HTML report and the final summary show."""

    settings: DemoSettings
    accounts: list[AccountOutcome] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    server_blob_count: int = 0
    server_blob_bytes: int = 0
    transparency: dict[str, object] = field(default_factory=dict)
    audit_log_ok: bool = False
    audit_log_detail: str = ""
    plaintext_found_on_server: list[str] = field(default_factory=list)
    seconds: float = 0.0
    release_entries: int = 0
    # The reviewers' web console of the demo's server (up only while the demo runs, or --serve).
    console_url: str = ""
    # What the first reviewer was shown: (user, item id, decision, visual derivative PNG).
    reviewed: list[tuple[str, str, str, bytes]] = field(default_factory=list)

    def account(self, name: str) -> AccountOutcome:
        """The outcome for user ``name``."""
        for outcome in self.accounts:
            if outcome.name == name:
                return outcome
        raise KeyError(name)
