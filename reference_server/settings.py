"""Server settings: one frozen dataclass, filled from arguments or ``VOUCHSAFE_*`` variables."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from vouchsafe.sdk.crypto import ed25519
from vouchsafe.server.errors import InvalidArgument
from vouchsafe.server.storage.records import ROLE_USER, ROLES

DAY_MS = 86_400_000


@dataclass(frozen=True)
class StaffKey:
    """A staff member's signing key and role, provisioned by the operator (never self-served)."""

    name: str
    role: str
    public_key: bytes


@dataclass(frozen=True)
class Settings:
    """Everything ``create_app`` needs. Defaults are safe for a local run."""

    db_url: str = "sqlite:///vouchsafe-server.db"
    provider_name: str = "vouchsafe reference provider"
    # 32-byte Ed25519 seed; created beside a SQLite database when missing; in memory for memory:.
    provider_key_path: Path | None = None
    staff: tuple[StaffKey, ...] = ()
    # Directory holding the release files and the private server bundle (hash-set lifecycle).
    release_dir: Path | None = None
    # Earlier releases of the same chain: the server serves deltas from each to the current one,
    # and processes vouchers made under each until its expiry plus ``release_grace_ms``
    # (SPEC.md R.7); their matches count toward the same account threshold.
    previous_release_dirs: tuple[Path, ...] = ()
    release_grace_ms: int = 7 * DAY_MS
    # Match threshold t: the provider's policy; devices declare it in every voucher. 30 is the
    # value Apple announced for its 2021 design ("Security Threat Model Review of Apple's Child
    # Safety Features", 2021); tests and demos set a small value.
    match_threshold: int = 30
    max_body_bytes: int = 512 * 1024
    max_voucher_bytes: int = 64 * 1024
    max_message_bytes: int = 256 * 1024
    signature_window_ms: int = 300_000
    # Connections (``vouchsafe server``): open at once, and from one client address (0 = no
    # per-address cap; set 0 behind a proxy, where every client has the proxy's address).
    max_connections: int = 1000
    max_connections_per_client: int = 64
    # Seconds for a request's headers to arrive (from the connection's start or its previous
    # response), for its whole body to arrive, and an idle keep-alive connection to stay open.
    header_timeout_s: float = 10.0
    body_timeout_s: float = 30.0
    keep_alive_timeout_s: int = 5
    max_header_bytes: int = 16 * 1024
    # Requests per account per minute (token bucket, burst = one minute's worth).
    rate_limit_per_minute: int = 600
    # Unsigned requests (GET/HEAD, registration, console sign-in) per client address: per
    # second after a burst; one over the rate waits its turn, and is refused (429) when that is
    # more than the wait away (0 = off; set 0 behind a proxy, where every client has the
    # proxy's address). Per worker process.
    public_requests_per_s: float = 20.0
    public_request_burst: int = 100
    public_request_max_wait_s: float = 10.0
    # Default TTL of stored personal data: 12 months.
    retention_ms: int = 365 * DAY_MS
    # Receipts of vouchers the outer step did not match: kept only for idempotency.
    nonmatch_retention_ms: int = 30 * DAY_MS
    # Undelivered messages.
    message_retention_ms: int = 30 * DAY_MS
    # How long a user notice is held back after an account action (0 = notify at once).
    notification_deferral_ms: int = 0
    checkpoint_every: int = 64
    # Seconds between signed audit checkpoints of the log's head (0 = only every
    # ``checkpoint_every`` entries and at shutdown): bounds the unsigned tail a crash leaves.
    checkpoint_interval_s: float = 30.0
    # Console cookies get ``Secure``: None = when the request came over https; set True behind a
    # TLS-terminating proxy that forwards plain HTTP.
    console_secure_cookies: bool | None = None
    # Seconds between scheduled threshold sweeps, retention runs and checkpoints (0 = off).
    schedule_interval_s: float = 30.0
    # Seconds between each worker's polls for due recovery jobs (0 = off): a job normally runs
    # right after its upload's response; the poll repairs what a crashed worker left due.
    recovery_poll_s: float = 1.0
    # Milliseconds a worker reuses the public transparency figures of one period (0 = computed
    # for every request): a flood of readers then costs one computation per period per interval.
    transparency_max_age_ms: int = 1_000
    legal_basis: str = (
        "stand-in: Regulation laying down rules to prevent and combat child sexual abuse "
        "(COM(2022) 209), Art. 12-13"
    )

    def with_overrides(self, **changes: object) -> Settings:
        """A copy with some fields replaced."""
        return replace(self, **changes)  # type: ignore[arg-type]


def load_staff_keys(path: Path) -> tuple[StaffKey, ...]:
    """Reads ``[{"name": ..., "role": ..., "public_key": HEX}, ...]``."""
    try:
        items = json.loads(path.read_text(encoding="utf-8"))
        staff = tuple(
            StaffKey(str(i["name"]), str(i["role"]), bytes.fromhex(str(i["public_key"])))
            for i in items
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InvalidArgument(f"cannot read staff keys from {path}: {exc}", field="staff") from exc
    for member in staff:
        if member.role not in ROLES or member.role == ROLE_USER:
            raise InvalidArgument(f"staff role must be one of {ROLES[1:]}", field="role")
        if not ed25519.is_valid_public_key(member.public_key):
            raise InvalidArgument(
                f"staff key of {member.name!r} is not a canonical 32-byte Ed25519 key of prime "
                "order",
                field="public_key",
            )
    return staff


def settings_from_env(env: Mapping[str, str] | None = None, **overrides: object) -> Settings:
    """Settings from ``VOUCHSAFE_*`` variables, then ``overrides`` (command-line flags)."""
    e = os.environ if env is None else env
    values: dict[str, object] = {}
    if "VOUCHSAFE_DB" in e:
        values["db_url"] = e["VOUCHSAFE_DB"]
    if "VOUCHSAFE_PROVIDER_KEY" in e:
        values["provider_key_path"] = Path(e["VOUCHSAFE_PROVIDER_KEY"])
    if "VOUCHSAFE_STAFF_KEYS" in e:
        values["staff"] = load_staff_keys(Path(e["VOUCHSAFE_STAFF_KEYS"]))
    if "VOUCHSAFE_RELEASE_DIR" in e:
        values["release_dir"] = Path(e["VOUCHSAFE_RELEASE_DIR"])
    if "VOUCHSAFE_PREVIOUS_RELEASE_DIRS" in e:
        values["previous_release_dirs"] = tuple(
            Path(p) for p in e["VOUCHSAFE_PREVIOUS_RELEASE_DIRS"].split(os.pathsep) if p
        )
    numbers: tuple[tuple[str, type[int] | type[float]], ...] = (
        ("rate_limit_per_minute", int),
        ("public_request_burst", int),
        ("public_requests_per_s", float),
        ("public_request_max_wait_s", float),
        ("retention_ms", int),
        ("notification_deferral_ms", int),
        ("checkpoint_every", int),
        ("match_threshold", int),
        ("release_grace_ms", int),
        ("max_connections", int),
        ("max_connections_per_client", int),
        ("keep_alive_timeout_s", int),
        ("max_header_bytes", int),
        ("schedule_interval_s", float),
        ("checkpoint_interval_s", float),
        ("header_timeout_s", float),
        ("body_timeout_s", float),
        ("recovery_poll_s", float),
    )
    for name, kind in numbers:
        key = "VOUCHSAFE_" + name.upper()
        if key in e:
            try:
                values[name] = kind(e[key])
            except ValueError as exc:
                what = "an integer" if kind is int else "a number"
                raise InvalidArgument(f"{key} must be {what}", field=key) from exc
    values.update({k: v for k, v in overrides.items() if v is not None})
    return Settings().with_overrides(**values)


__all__ = ["DAY_MS", "Settings", "StaffKey", "load_staff_keys", "settings_from_env"]
