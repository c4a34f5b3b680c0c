"""The console's plumbing: templates, the staff session of a request, forms, HTML errors.

Every console page is built by :func:`page`: it reads the (bounded) form, then in one
transaction finds the signed-in staff member, checks the role and the CSRF token, and runs the
handler. Any refusal raises, so the transaction rolls back and a refused action changes nothing;
the browser gets an HTML error page with the error code's HTTP status.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from vouchsafe.sdk.errors import VouchsafeError
from vouchsafe.server.auth import Caller
from vouchsafe.server.console.sessions import ENDED_SESSION_KEY, ConsoleKeys, SessionToken
from vouchsafe.server.context import ServerContext
from vouchsafe.server.errors import Forbidden, InvalidArgument, PayloadTooLarge, status_for
from vouchsafe.server.storage import Repos
from vouchsafe.server.storage.records import STATUS_ACTIVE
from vouchsafe.server.web import environment, stylesheet

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
COOKIE_NAME = "vouchsafe_console"
MAX_FORM_BYTES = 16 * 1024
# A pause prompt after every this many revealed derivatives in one session (moderator wellness).
PAUSE_EVERY = 10
# The shared stylesheet is inlined by the base template; the policy allows exactly that text.
_STYLE_HASH = base64.b64encode(hashlib.sha256(stylesheet().encode()).digest()).decode()
SECURITY_HEADERS = {
    "content-security-policy": (
        f"default-src 'none'; img-src 'self'; style-src 'sha256-{_STYLE_HASH}'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
}
STAFF_HOME = {
    "reviewer": "/console/review",
    "authority": "/console/reports",
    "auditor": "/console/audit",
}


@dataclass(frozen=True)
class StaffSession(Caller):
    """The signed-in staff member behind a console request: the caller, as the API knows it,
    with the console session and its CSRF token."""

    token: SessionToken
    csrf: str


class Console:
    """What every console page needs: the server context, the MAC keys, the templates."""

    def __init__(self, ctx: ServerContext) -> None:
        self.ctx = ctx
        self.keys = ConsoleKeys(ctx.provider_key)
        self.templates = environment(TEMPLATES_DIR)

    def render(self, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        """The template ``name`` as an HTML response with the console's security headers."""
        body = self.templates.get_template(name).render(
            provider=self.ctx.settings.provider_name, **context
        )
        return HTMLResponse(body, status_code=status, headers=SECURITY_HEADERS)

    def staff_session(self, tx: Repos, cookie: str | None) -> StaffSession | None:
        """The staff member the cookie signs in, or None (expired, ended, revoked, not staff)."""
        if not cookie:
            return None
        token = self.keys.read_session(cookie, self.ctx.clock())
        if token is None or tx.nonces.seen(ENDED_SESSION_KEY, token.session_id):
            return None
        account = tx.accounts.get(token.account_id)
        if account is None or account.status != STATUS_ACTIVE or account.role not in STAFF_HOME:
            return None
        return StaffSession(account=account, token=token, csrf=self.keys.csrf_token(token))

    def error_page(self, exc: VouchsafeError, staff: StaffSession | None = None) -> HTMLResponse:
        return self.render(
            "error.html", status=status_for(exc.code), staff=staff, code=exc.code, message=str(exc)
        )


async def read_form(request: Request) -> dict[str, str]:
    """The url-encoded form of a POST, bounded; repeated fields keep their last value."""
    if request.headers.get("content-type", "").split(";")[0].strip() not in (
        "application/x-www-form-urlencoded",
        "",
    ):
        raise InvalidArgument("console forms are application/x-www-form-urlencoded")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            raise PayloadTooLarge(f"a console form is at most {MAX_FORM_BYTES} bytes")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidArgument("the form is not UTF-8") from None
    form = dict(parse_qsl(text, keep_blank_values=True, max_num_fields=32))
    for name, value in form.items():
        if "\x00" in name or "\x00" in value:
            raise InvalidArgument("form fields must not contain NUL characters", field=name[:64])
    return form


Handler = Callable[[Console, Repos, StaffSession, Request, Mapping[str, str]], Response]


def page(
    console: Console,
    path: str,
    roles: Collection[str],
    handler: Handler,
    *,
    methods: tuple[str, ...] = ("GET",),
) -> Route:
    """A console route for staff with one of ``roles``; POSTs need the session's CSRF token."""

    async def endpoint(request: Request) -> Response:
        try:
            form = await read_form(request) if request.method == "POST" else {}
        except VouchsafeError as exc:
            return console.error_page(exc)
        cookie = request.cookies.get(COOKIE_NAME)
        seen: list[StaffSession] = []

        def in_transaction() -> Response:
            with console.ctx.storage.transaction() as tx:
                staff = console.staff_session(tx, cookie)
                if staff is None:
                    return RedirectResponse("/console/login", status_code=303)
                seen.append(staff)
                if staff.role not in roles:
                    raise Forbidden(f"this page is for {', '.join(sorted(roles))} staff")
                if request.method == "POST" and not console.keys.check_csrf(
                    staff.token, form.get("csrf", "")
                ):
                    raise Forbidden("the form's CSRF token is missing or wrong; reload the page")
                return handler(console, tx, staff, request, form)

        try:
            response = await run_in_threadpool(in_transaction)
        except VouchsafeError as exc:
            return console.error_page(exc, seen[0] if seen else None)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    return Route(path, endpoint, methods=list(methods))


def see_other(url: str) -> RedirectResponse:
    """The redirect after a successful form post (so a reload does not post again)."""
    return RedirectResponse(url, status_code=303, headers={"cache-control": "no-store"})
