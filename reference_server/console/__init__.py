"""The provider's web console under ``/console/`` and the public ``/transparency`` page.

Server-rendered with Jinja2 (autoescaping), no front-end build step and no script: reviewers
(queue, items with the derivative blurred until revealed, decisions, appeals), the stand-in
authority (signed reports, dispositions), auditors (log verification, checkpoints, entries,
opinions). Sign-in is a challenge signed with the staff member's Ed25519 key; each page applies
the same role rules as the signed API.
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from vouchsafe.server.console import (
    audit_pages,
    authority_pages,
    review_pages,
    signin_pages,
    transparency_page,
)
from vouchsafe.server.console.web import (
    STAFF_HOME,
    Console,
    StaffSession,
    page,
    see_other,
)
from vouchsafe.server.context import ServerContext
from vouchsafe.server.storage import Repos

__all__ = ["Console", "routes"]


def routes(ctx: ServerContext) -> list[BaseRoute]:
    """Every console route, bound to ``ctx``."""
    console = Console(ctx)

    def home(
        c: Console, tx: Repos, staff: StaffSession, request: Request, form: Mapping[str, str]
    ) -> Response:
        return see_other(STAFF_HOME[staff.role])

    async def favicon(request: Request) -> Response:
        # No icon: an empty answer, so browsers stop asking and log no error.
        return Response(status_code=204, headers={"cache-control": "max-age=86400"})

    return [
        Route("/favicon.ico", favicon, methods=["GET"]),
        page(console, "/console/", set(STAFF_HOME), home),
        *signin_pages.routes(console),
        *review_pages.routes(console),
        *authority_pages.routes(console),
        *audit_pages.routes(console),
        *transparency_page.routes(console),
    ]
