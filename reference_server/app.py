"""``create_app(settings)``: the reference server as a Starlette ASGI application.

One router per noun (``reference_server/routers``), one error mapper (every VouchsafeError
becomes its HTTP status and a protobuf ``vouchsafe.v1.Error``; an unexpected exception becomes
``internal_error``/500 and is logged), and a scheduler that runs due recovery jobs, the
retention job, audit checkpoints and the request-tally flush every ``schedule_interval_s``,
polls for due recovery jobs every ``recovery_poll_s`` and signs an audit checkpoint every
``checkpoint_interval_s`` and at shutdown.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from vouchsafe.sdk.errors import ErrorCode, VouchsafeError
from vouchsafe.server import console
from vouchsafe.server.audit_log import AuditLog
from vouchsafe.server.auth import RateLimiter
from vouchsafe.server.context import RequestTallies, ServerContext, wall_clock_ms
from vouchsafe.server.errors import InvalidArgument
from vouchsafe.server.http import BodyDeadline, error_response, vouchsafe_error_response
from vouchsafe.server.keys import (
    ProviderKey,
    generate_provider_key,
    load_or_create_provider_key,
    provider_key_beside,
)
from vouchsafe.server.pacing import PublicRequestPacing
from vouchsafe.server.pipeline.matching import EntryIndex, ListEntryIndex, VoucherMatcher
from vouchsafe.server.pipeline.recovery_jobs import run_recovery_jobs
from vouchsafe.server.pipeline.retention import run_retention
from vouchsafe.server.pipeline.transparency import FiguresCache
from vouchsafe.server.routers import (
    accounts,
    appeals,
    audit,
    health,
    messages,
    releases,
    reports,
    review,
    transparency,
    vouchers,
)
from vouchsafe.server.settings import Settings
from vouchsafe.server.storage import Storage, open_storage
from vouchsafe.server.storage.engine import is_postgresql_url
from vouchsafe.server.storage.records import ROLE_REVOKED, STATUS_ACTIVE, Account

log = logging.getLogger("vouchsafe.server")
ROUTERS = (
    accounts,
    vouchers,
    messages,
    review,
    reports,
    appeals,
    transparency,
    audit,
    releases,
    health,
)
_HTTP_CODES = {404: ErrorCode.NOT_FOUND, 405: ErrorCode.METHOD_NOT_ALLOWED}


def _provider_key(settings: Settings) -> ProviderKey:
    if settings.provider_key_path is not None:
        return load_or_create_provider_key(settings.provider_key_path)
    if is_postgresql_url(settings.db_url):
        raise InvalidArgument(
            "a PostgreSQL deployment needs --provider-key (every worker must sign with the "
            "same key, across restarts)",
            field="provider_key",
        )
    beside = provider_key_beside(settings.db_url)
    return generate_provider_key() if beside is None else load_or_create_provider_key(beside)


def _provision_staff(ctx: ServerContext) -> None:
    """Makes the staff file the truth: creates or re-roles every member, revokes everyone else.

    A staff account no longer listed keeps its row (its decisions name it) with the role
    ``revoked``, which no endpoint accepts. Every change is audit-logged.
    """
    from vouchsafe.sdk.api.signing import key_id_for

    with ctx.storage.transaction() as tx:
        listed: set[str] = set()
        for member in ctx.settings.staff:
            account_id = key_id_for(member.public_key)
            listed.add(account_id)
            existing = tx.accounts.get(account_id)
            if existing is None:
                now = ctx.clock()
                tx.accounts.add(
                    Account(
                        account_id,
                        member.public_key,
                        b"",
                        "",
                        member.role,
                        STATUS_ACTIVE,
                        now,
                        2**62,
                    )
                )
            elif existing.role != member.role:
                tx.accounts.set_role(account_id, member.role)
            else:
                continue
            ctx.log(
                tx,
                "staff_provisioned",
                {"account_id": account_id, "role": member.role, "name": member.name},
            )
        for account in tx.accounts.staff():
            if account.account_id in listed or account.role == ROLE_REVOKED:
                continue
            tx.accounts.set_role(account.account_id, ROLE_REVOKED)
            ctx.log(tx, "staff_revoked", {"account_id": account.account_id, "role": account.role})
            log.warning(
                "staff account %s (%s) revoked: not in the staff file",
                account.account_id,
                account.role,
            )


def build_context(
    settings: Settings,
    *,
    matcher: VoucherMatcher | None = None,
    entries: EntryIndex | None = None,
    clock: Callable[[], int] = wall_clock_ms,
    storage: Storage | None = None,
) -> ServerContext:
    """Opens storage and keys and provisions staff; the app and tests share this."""
    key = _provider_key(settings)
    ctx = ServerContext(
        settings=settings,
        storage=storage if storage is not None else open_storage(settings.db_url),
        provider_key=key,
        audit=AuditLog(key, settings.checkpoint_every),
        matcher=matcher,
        entries=entries if entries is not None else ListEntryIndex(),
        clock=clock,
        limiter=RateLimiter(settings.rate_limit_per_minute),
        tallies=RequestTallies(clock),
        figures_cache=FiguresCache(settings.transparency_max_age_ms),
    )
    if matcher is None and settings.release_dir is not None:
        from vouchsafe.server.pipeline.bundle import load_matcher, release_deltas

        ctx.matcher, ctx.entries = load_matcher(
            settings.release_dir,
            settings.match_threshold,
            settings.previous_release_dirs,
            grace_ms=settings.release_grace_ms,
            clock=clock,
        )
        ctx.release_deltas = release_deltas(settings.release_dir, settings.previous_release_dirs)
    _provision_staff(ctx)
    return ctx


def checkpoint_pass(ctx: ServerContext) -> None:
    """Signs the audit log's head unless it is signed already (timer and shutdown)."""
    with ctx.storage.transaction() as tx:
        ctx.audit.checkpoint(tx, ctx.clock())


def scheduled_pass(ctx: ServerContext) -> None:
    """One scheduler tick: due recovery jobs, retention, checkpoint, tally flush."""
    run_recovery_jobs(ctx)
    run_retention(ctx)
    checkpoint_pass(ctx)
    ctx.tallies.flush(ctx.storage)


def create_app(
    settings: Settings,
    *,
    matcher: VoucherMatcher | None = None,
    entries: EntryIndex | None = None,
    clock: Callable[[], int] = wall_clock_ms,
) -> Starlette:
    """The ASGI app. ``matcher``/``entries`` default to the release bundle in ``release_dir``."""
    ctx = build_context(settings, matcher=matcher, entries=entries, clock=clock)

    async def on_library_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, VouchsafeError)
        ctx.tallies.count(exc.code)
        return vouchsafe_error_response(exc)

    async def on_http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        code = _HTTP_CODES.get(exc.status_code, ErrorCode.MALFORMED_REQUEST)
        ctx.tallies.count(code)
        return error_response(code, str(exc.detail))

    async def on_unexpected(request: Request, exc: Exception) -> Response:
        log.error("unexpected error on %s", request.url.path, exc_info=exc)
        ctx.tallies.count(ErrorCode.INTERNAL_ERROR)
        return error_response(ErrorCode.INTERNAL_ERROR, "the server failed; nothing was accepted")

    async def every(interval_s: float, job: Callable[[ServerContext], object], name: str) -> None:
        while True:
            await asyncio.sleep(interval_s)
            try:
                await run_in_threadpool(job, ctx)
            except Exception:
                log.exception("%s failed", name)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        jobs = (
            (settings.schedule_interval_s, scheduled_pass, "scheduled pass"),
            (settings.checkpoint_interval_s, checkpoint_pass, "audit checkpoint"),
            # Picks up jobs a crashed worker left due (after their lease) in every worker.
            (settings.recovery_poll_s, run_recovery_jobs, "recovery job poll"),
        )
        tasks = [
            asyncio.create_task(every(interval, job, name))
            for interval, job, name in jobs
            if interval > 0
        ]
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            checkpoint_pass(ctx)
            ctx.tallies.flush(ctx.storage)

    routes: list[BaseRoute] = [route for module in ROUTERS for route in module.routes(ctx)]
    routes += console.routes(ctx)
    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(
                PublicRequestPacing,
                per_second=settings.public_requests_per_s,
                burst=settings.public_request_burst,
                max_wait_s=settings.public_request_max_wait_s,
            ),
            Middleware(BodyDeadline, timeout_s=settings.body_timeout_s),
        ],
        exception_handlers={
            VouchsafeError: on_library_error,
            HTTPException: on_http_error,
            Exception: on_unexpected,
        },
        lifespan=lifespan,
    )
    app.state.ctx = ctx
    return app


def app_from_env() -> Starlette:
    """The app from ``VOUCHSAFE_*`` variables: what each ``vouchsafe server --workers N``
    worker process runs."""
    from vouchsafe.server.settings import settings_from_env

    return create_app(settings_from_env())
