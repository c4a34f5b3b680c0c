"""Sign-in and sign-out: a challenge signed with the staff member's Ed25519 key, no password."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from vouchsafe.sdk.api.signing import key_id_for
from vouchsafe.sdk.console_signin import InvalidSignInCode, verify_sign_in_code
from vouchsafe.sdk.errors import VouchsafeError
from vouchsafe.server.console.sessions import (
    CHALLENGE_NONCE_KEY,
    ENDED_SESSION_KEY,
    SESSION_TTL_MS,
)
from vouchsafe.server.console.web import (
    COOKIE_NAME,
    SECURITY_HEADERS,
    STAFF_HOME,
    Console,
    read_form,
    see_other,
)
from vouchsafe.server.errors import Forbidden, InvalidArgument
from vouchsafe.server.storage.records import STATUS_ACTIVE, SeenNonce


def _secure(console: Console, request: Request) -> bool:
    """Whether the cookie gets ``Secure``: always behind TLS, or when the operator says so."""
    forced = console.ctx.settings.console_secure_cookies
    return forced if forced is not None else request.url.scheme == "https"


def routes(console: Console) -> list[Route]:
    ctx = console.ctx

    async def challenge(request: Request) -> Response:
        return PlainTextResponse(
            console.keys.new_challenge(ctx.clock()) + "\n", headers=SECURITY_HEADERS
        )

    async def login_form(request: Request) -> Response:
        return console.render(
            "login.html", staff=None, challenge=console.keys.new_challenge(ctx.clock())
        )

    def sign_in(code: str) -> tuple[str, str]:
        """(cookie, home page) for a valid sign-in code; raises, writing nothing, otherwise."""
        now = ctx.clock()
        try:
            signed = verify_sign_in_code(code)
        except InvalidSignInCode:
            raise InvalidSignInCode("the sign-in code does not verify") from None
        checked = console.keys.check_challenge(signed.challenge, now)
        if checked is None:
            raise InvalidArgument("the challenge is not this server's or has expired; reload")
        nonce, expires = checked

        with ctx.storage.transaction() as tx:
            account = tx.accounts.get(key_id_for(signed.public_key))
            if (
                account is None
                or account.signing_public_key != signed.public_key
                or account.role not in STAFF_HOME
                or account.status != STATUS_ACTIVE
            ):
                raise Forbidden("this key belongs to no staff member of this provider")
            if not tx.nonces.remember(SeenNonce(CHALLENGE_NONCE_KEY, nonce, now, expires)):
                raise Forbidden("this challenge was already used; reload the sign-in page")
            _, cookie = console.keys.new_session(account.account_id, now)
            ctx.log(
                tx,
                "console_signed_in",
                {"account_id": account.account_id, "role": account.role},
            )
            return cookie, STAFF_HOME[account.role]

    async def login(request: Request) -> Response:
        try:
            form = await read_form(request)
            cookie, home = await run_in_threadpool(sign_in, form.get("code", "").strip())
        except VouchsafeError as exc:
            return console.render(
                "login.html",
                status=403 if exc.code in ("forbidden", "invalid_signature") else 400,
                staff=None,
                challenge=console.keys.new_challenge(ctx.clock()),
                error=str(exc),
            )
        response = see_other(home)
        response.set_cookie(
            COOKIE_NAME,
            cookie,
            max_age=SESSION_TTL_MS // 1000,
            path="/console",
            httponly=True,
            secure=_secure(console, request),
            samesite="strict",
        )
        return response

    async def logout(request: Request) -> Response:
        form = await read_form(request)
        cookie = request.cookies.get(COOKIE_NAME, "")
        token = console.keys.read_session(cookie, ctx.clock()) if cookie else None
        if token is not None and console.keys.check_csrf(token, form.get("csrf", "")):

            def end() -> None:
                with ctx.storage.transaction() as tx:
                    tx.nonces.remember(
                        SeenNonce(
                            ENDED_SESSION_KEY, token.session_id, ctx.clock(), token.expires_at_ms
                        )
                    )
                    ctx.log(tx, "console_signed_out", {"account_id": token.account_id})

            await run_in_threadpool(end)
        response = see_other("/console/login")
        response.delete_cookie(COOKIE_NAME, path="/console")
        return response

    return [
        Route("/console/challenge", challenge, methods=["GET"]),
        Route("/console/login", login_form, methods=["GET"]),
        Route("/console/login", login, methods=["POST"]),
        Route("/console/logout", logout, methods=["POST"]),
    ]
