"""Serving the app on uvicorn with bounded connections: caps, header and keep-alive timeouts.

uvicorn alone accepts every connection and waits forever for a request's headers, so idle or
slow sockets (slowloris) exhaust the process's file descriptors, after which asyncio logs a
"Too many open files" traceback for every failed ``accept()`` and nobody is served.
:class:`GuardedH11Protocol` refuses a connection past ``max_connections`` (or past
``max_connections_per_client`` from one address) at once with a 503 and closes it, and closes a
connection whose request headers have not all arrived ``header_timeout_s`` after it opened or
after its previous response (408). The body has its own deadline in the app
(:class:`~vouchsafe.server.http.BodyDeadline`). ``max_connections`` is kept below the
descriptor limit, so ``accept()`` does not fail; if it fails anyway, the traceback is logged once
and then summarised (:class:`OncePerInterval`).
"""

from __future__ import annotations

import asyncio
import logging
import os
import resource
import time
from collections import Counter
from typing import Any, ClassVar

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from vouchsafe.protocol import common_pb2
from vouchsafe.server.errors import RequestTimeout, ServerBusy, status_for
from vouchsafe.server.settings import Settings, settings_from_env

log = logging.getLogger("vouchsafe.server")
# Descriptors kept free for the database, logs, the release files and the thread pool.
RESERVED_DESCRIPTORS = 64
REFUSAL_LOG_INTERVAL_S = 60.0


class OncePerInterval:
    """Lets a repeated warning through once per ``interval_s`` and counts what it held back."""

    def __init__(self, interval_s: float = REFUSAL_LOG_INTERVAL_S) -> None:
        self.interval_s = interval_s
        self._last: dict[str, float] = {}
        self.held_back: Counter[str] = Counter()

    def allow(self, key: str) -> bool:
        """True the first time and once per interval after; otherwise counts one held back."""
        now = time.monotonic()
        last = self._last.get(key)
        if last is not None and now - last < self.interval_s:
            self.held_back[key] += 1
            return False
        self._last[key] = now
        return True

    def take_held_back(self, key: str) -> int:
        """How many were held back since the last allowed one (and resets the count)."""
        return self.held_back.pop(key, 0)


class AcceptFailureFilter(logging.Filter):
    """On the ``asyncio`` logger: one "out of system resource" traceback per interval."""

    def __init__(self, gate: OncePerInterval) -> None:
        super().__init__()
        self.gate = gate

    def filter(self, record: logging.LogRecord) -> bool:
        if "out of system resource" not in record.getMessage():
            return True
        if not self.gate.allow("accept"):
            return False
        held = self.gate.take_held_back("accept")
        if held:
            record.msg = f"{record.msg} ({held} more since the last report)"
        return True


def _raw_error(status: int, code: str, message: str) -> bytes:
    """A complete HTTP/1.1 error response with the API's Error body, closing the connection."""
    body = common_pb2.Error(code=code, message=message).SerializeToString()
    reason = {408: "Request Timeout", 503: "Service Unavailable"}[status]
    head = (
        f"HTTP/1.1 {status} {reason}\r\ncontent-type: application/x-protobuf\r\n"
        f"content-length: {len(body)}\r\nconnection: close\r\n"
    )
    if status == 503:
        head += "retry-after: 1\r\n"
    return head.encode("ascii") + b"\r\n" + body


_BUSY = _raw_error(
    status_for(ServerBusy.code), ServerBusy.code, "too many open connections; retry shortly"
)
_HEADER_TIMEOUT = _raw_error(
    status_for(RequestTimeout.code),
    RequestTimeout.code,
    "the request headers did not arrive in time",
)


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a connection cap and a request-header deadline.

    The limits are class-wide (one server per process): :meth:`configure` sets them; a worker
    process that uvicorn started with this class's import path configures itself from the
    ``VOUCHSAFE_*`` variables on its first connection.
    """

    configured: ClassVar[bool] = False
    max_connections: ClassVar[int] = 1000
    max_per_client: ClassVar[int] = 0
    header_timeout_s: ClassVar[float] = 10.0
    open_per_client: ClassVar[Counter[str]] = Counter()
    refusals: ClassVar[OncePerInterval] = OncePerInterval()

    @classmethod
    def configure(cls, settings: Settings, max_connections: int) -> None:
        """Sets the limits every connection of this process is held to."""
        cls.max_connections = max_connections
        cls.max_per_client = settings.max_connections_per_client
        cls.header_timeout_s = settings.header_timeout_s
        cls.open_per_client = Counter()
        cls.refusals = OncePerInterval()
        cls.configured = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not GuardedH11Protocol.configured:
            settings = settings_from_env()
            GuardedH11Protocol.configure(settings, settings.max_connections)
        self._admitted = False
        self._peer = ""
        self._header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        peer = transport.get_extra_info("peername")
        self._peer = str(peer[0]) if isinstance(peer, tuple) and peer else ""
        cls = GuardedH11Protocol
        over_cap = len(self.server_state.connections) >= cls.max_connections
        over_client = cls.max_per_client > 0 and (
            cls.open_per_client[self._peer] >= cls.max_per_client
        )
        if over_cap or over_client:
            self._refuse(transport, "the server" if over_cap else f"client {self._peer}")
            return
        self._admitted = True
        cls.open_per_client[self._peer] += 1
        super().connection_made(transport)
        self._arm_header_timer()

    def _refuse(self, transport: asyncio.Transport, who: str) -> None:
        transport.write(_BUSY)
        transport.close()
        gate = GuardedH11Protocol.refusals
        if gate.allow(who):
            held = gate.take_held_back(who)
            since = f" ({held} more since the last report)" if held else ""
            log.warning("refused a connection over the cap of %s%s", who, since)

    def connection_lost(self, exc: Exception | None) -> None:
        if not self._admitted:
            return
        self._admitted = False
        self._cancel_header_timer()
        counts = GuardedH11Protocol.open_per_client
        counts[self._peer] -= 1
        if counts[self._peer] <= 0:
            del counts[self._peer]
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if not self._admitted:
            return
        super().data_received(data)
        if not self._waiting_for_headers():
            self._cancel_header_timer()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm_header_timer()

    def _waiting_for_headers(self) -> bool:
        return self.cycle is None or self.cycle.response_complete

    def _arm_header_timer(self) -> None:
        self._cancel_header_timer()
        timeout = GuardedH11Protocol.header_timeout_s
        if timeout > 0:
            self._header_timer = self.loop.call_later(timeout, self._on_header_timeout)

    def _cancel_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _on_header_timeout(self) -> None:
        self._header_timer = None
        if self._waiting_for_headers() and not self.transport.is_closing():
            self.transport.write(_HEADER_TIMEOUT)
            self.transport.close()


def accept_backlog(descriptors: int) -> int:
    """The listen backlog: asyncio accepts up to this many connections in one burst, each
    holding a descriptor until the loop closes it (a refused one too), so it is budgeted."""
    return min(2048, max(64, descriptors // 8))


def descriptor_budget(wanted: int) -> tuple[int, int]:
    """Raises the soft descriptor limit to the hard one; the connections that then fit (below
    the limit by the reserve and one accept burst) and the backlog."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or hard > soft:
        target = hard if hard != resource.RLIM_INFINITY else max(soft, 65_536)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass
    backlog = accept_backlog(soft)
    fits = max(1, soft - RESERVED_DESCRIPTORS - backlog)
    if wanted > fits:
        log.warning(
            "max_connections lowered from %d to %d: the descriptor limit is %d", wanted, fits, soft
        )
        return fits, backlog
    return wanted, backlog


def serve(app: Any, settings: Settings, host: str, port: int, workers: int = 1) -> None:
    """Runs ``app`` on uvicorn at ``host:port`` with every connection limit applied.

    With ``workers`` > 1, ``app`` is an import string of an app factory (uvicorn starts the
    processes); each worker runs :class:`GuardedH11Protocol` (by its import path) with
    ``max_connections / workers`` connections, the same per-address cap and the same header
    and body timeouts, read from the ``VOUCHSAFE_*`` variables, which are set here from
    ``settings``. The per-address cap is counted per worker (the kernel spreads one address's
    connections over the workers), so one address may hold up to ``workers`` times it.
    """
    max_connections, backlog = descriptor_budget(settings.max_connections)
    per_worker = max(1, max_connections // workers)
    GuardedH11Protocol.configure(settings, per_worker)
    if workers > 1:
        os.environ.update(
            {
                "VOUCHSAFE_MAX_CONNECTIONS": str(per_worker),
                "VOUCHSAFE_MAX_CONNECTIONS_PER_CLIENT": str(settings.max_connections_per_client),
                "VOUCHSAFE_HEADER_TIMEOUT_S": str(settings.header_timeout_s),
                "VOUCHSAFE_BODY_TIMEOUT_S": str(settings.body_timeout_s),
            }
        )
    logging.getLogger("asyncio").addFilter(AcceptFailureFilter(OncePerInterval()))
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level="warning",
        http="vouchsafe.server.serving:GuardedH11Protocol" if workers > 1 else GuardedH11Protocol,
        workers=workers if workers > 1 else None,
        factory=workers > 1,
        # uvicorn's own cap answers 503 to a request once this many connections are open; the
        # protocol refuses earlier (at accept), so this is only a backstop on running requests.
        limit_concurrency=per_worker + 1,
        timeout_keep_alive=settings.keep_alive_timeout_s,
        h11_max_incomplete_event_size=settings.max_header_bytes,
        backlog=backlog,
    )


__all__ = ["GuardedH11Protocol", "OncePerInterval", "descriptor_budget", "serve"]
