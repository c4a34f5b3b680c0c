"""Pacing of unsigned requests per client address: a flood of them costs the server little.

Signed requests have a per-account rate limit (:class:`~vouchsafe.server.auth.RateLimiter`).
Unsigned requests carry no account: the public reads (``GET``/``HEAD``: transparency, releases,
health, console pages), registration and the console sign-in. One address could otherwise send
them back to back and take a core from the uploads, or register accounts without end. This
middleware applies the generic cell rate algorithm per client address to all of them together:
``burst`` requests at once, then one every ``1 / per_second`` seconds. A request over that
rate is not refused at once (a client that waits for each answer would simply ask again): it is
held, doing no work, until its turn, so a back-to-back client is slowed to the rate. Only a
request whose turn lies more than ``max_wait_s`` ahead (many connections from one address) is
refused before any route runs, with 429 ``RATE_LIMITED`` and ``Retry-After``. Per worker
process; behind a proxy every client has the proxy's address: set ``per_second`` to 0 (off)
and pace in the proxy.
"""

from __future__ import annotations

import asyncio
import ipaddress
import math
import time
from collections.abc import Awaitable, Callable
from typing import Any

from vouchsafe.server.errors import RateLimited
from vouchsafe.server.http import vouchsafe_error_response

PACED_METHODS = frozenset({"GET", "HEAD"})
# The unsigned POSTs: registration and the console sign-in.
PACED_POST_PATHS = frozenset({"/v1/accounts", "/console/login"})
# Addresses remembered at once before idle ones (whose next turn has passed) are forgotten.
TRACKED_ADDRESSES = 65_536
# One IPv6 client holds a whole /64 (its addresses are free to it): paced as one address.
IPV6_CLIENT_PREFIX = 64


class PaceExceeded(RateLimited):
    """An unsigned request whose turn lies more than the allowed wait ahead: refused (429)."""

    def __init__(self, retry_after_s: int) -> None:
        super().__init__(
            f"too many unsigned requests from this address; retry after {retry_after_s} s"
        )
        self.retry_after_s = retry_after_s


class RequestPace:
    """Per-address turns under the generic cell rate algorithm (no I/O; ``clock`` in seconds)."""

    def __init__(
        self,
        per_second: float,
        burst: int,
        max_wait_s: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if per_second <= 0 or burst < 1 or max_wait_s < 0:
            raise ValueError("per_second > 0, burst >= 1 and max_wait_s >= 0 are required")
        self.interval_s = 1.0 / per_second
        self.tolerance_s = (burst - 1) * self.interval_s
        self.max_wait_s = max_wait_s
        self.clock = clock
        self._next_turn: dict[str, float] = {}

    def wait_for(self, address: str) -> float:
        """Seconds the request from ``address`` must wait (0: at once), its turn then taken;
        raises PaceExceeded, taking nothing, when it would wait longer than ``max_wait_s``."""
        now = self.clock()
        turn = max(self._next_turn.get(address, now), now)
        wait = max(0.0, turn - self.tolerance_s - now)
        if wait > self.max_wait_s:
            raise PaceExceeded(max(1, math.ceil(wait - self.max_wait_s)))
        if address not in self._next_turn and len(self._next_turn) >= TRACKED_ADDRESSES:
            self._forget_idle(now)
        self._next_turn[address] = turn + self.interval_s
        return wait

    def _forget_idle(self, now: float) -> None:
        # An address whose next turn has passed is in the same state as one never seen.
        self._next_turn = {a: t for a, t in self._next_turn.items() if t > now}


def client_key(host: str) -> str:
    """What one client is paced as: its IPv4 address, its IPv6 /64, or the host as given."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/{IPV6_CLIENT_PREFIX}", strict=False))
    return str(address)


def is_paced(method: str, path: str) -> bool:
    """True for an unsigned request: any GET or HEAD, and the unsigned POSTs."""
    return method in PACED_METHODS or (method == "POST" and path in PACED_POST_PATHS)


class PublicRequestPacing:
    """ASGI middleware: unsigned requests (``is_paced``) paced per client address by
    :class:`RequestPace` (see the module docstring); signed requests pass untouched.
    ``per_second <= 0``: off."""

    def __init__(
        self,
        app: Any,
        per_second: float,
        burst: int,
        max_wait_s: float,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.app = app
        self.pace = RequestPace(per_second, burst, max_wait_s, clock) if per_second > 0 else None
        self.sleep = sleep

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if (
            self.pace is None
            or scope["type"] != "http"
            or not is_paced(scope["method"], scope["path"])
        ):
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        address = client_key(str(client[0])) if client else ""
        try:
            wait = self.pace.wait_for(address)
        except PaceExceeded as refused:
            response = vouchsafe_error_response(refused)
            response.headers["retry-after"] = str(refused.retry_after_s)
            await response(scope, receive, send)
            return
        if wait > 0:
            await self.sleep(wait)
        await self.app(scope, receive, send)


__all__ = [
    "IPV6_CLIENT_PREFIX",
    "PACED_METHODS",
    "PACED_POST_PATHS",
    "TRACKED_ADDRESSES",
    "PaceExceeded",
    "PublicRequestPacing",
    "RequestPace",
    "client_key",
    "is_paced",
]
