"""The web console: key sign-in, sessions, CSRF, role rules, reveal-before-confirm, pages."""

from __future__ import annotations

import io
import secrets

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from tests.reference_server.conftest import InProcessServer
from tests.reference_server.console_helpers import (
    account_past_threshold,
    browser,
    csrf_of,
    sign_in,
)
from vouchsafe.protocol import api_pb2
from vouchsafe.sdk.console_signin import encode_challenge, sign_in_code
from vouchsafe.server.console.web import COOKIE_NAME, PAUSE_EVERY, STAFF_HOME
from vouchsafe.server.storage.records import ROLE_USER

ROLES = {"reviewer1": "reviewer", "authority": "authority", "auditor": "auditor"}
# (method, path template, the roles allowed); {review} and {report} are filled in per test.
ACTIONS = [
    ("GET", "/console/review", {"reviewer"}),
    ("GET", "/console/appeals", {"reviewer"}),
    ("GET", "/console/review/{review}", {"reviewer"}),
    ("GET", "/console/review/{review}/derivative", {"reviewer"}),
    ("POST", "/console/review/{review}/reveal", {"reviewer"}),
    ("POST", "/console/review/{review}/decide", {"reviewer"}),
    ("GET", "/console/reports", {"authority", "auditor"}),
    ("POST", "/console/reports/{report}/disposition", {"authority"}),
    ("GET", "/console/audit", {"auditor"}),
]


def _first_review_id(server: InProcessServer) -> str:
    return server.staff("reviewer2").review_queue()[0].review_id


def test_sign_in_with_the_staff_key_sets_a_strict_http_only_session_cookie(
    server: InProcessServer, staff_keys: dict[str, Ed25519PrivateKey]
) -> None:
    client = browser(server)
    challenge = client.get("/console/login")
    assert challenge.status_code == 200 and "vouchsafe staff login" in challenge.text
    code = sign_in_code(client.get("/console/challenge").text, staff_keys["reviewer1"])
    reply = client.post("/console/login", data={"code": code})
    assert reply.status_code == 303 and reply.headers["location"] == "/console/review"
    cookie = reply.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "path=/console" in cookie
    assert "secure" not in cookie.replace("samesite", "")  # plain http in tests
    assert client.get("/console/review").status_code == 200


def test_sign_in_refuses_non_staff_keys_bad_signatures_and_reused_challenges(
    server: InProcessServer, staff_keys: dict[str, Ed25519PrivateKey]
) -> None:
    user = server.user("mallory")
    client = browser(server)
    challenge = client.get("/console/challenge").text
    refused = client.post(
        "/console/login", data={"code": sign_in_code(challenge, user.signing_key)}
    )
    assert refused.status_code == 403 and COOKIE_NAME not in refused.headers.get("set-cookie", "")
    assert client.post("/console/login", data={"code": "AAAA"}).status_code in (400, 403)
    code = sign_in_code(challenge, staff_keys["reviewer1"])
    assert client.post("/console/login", data={"code": code}).status_code == 303
    replay = browser(server).post("/console/login", data={"code": code})
    assert replay.status_code == 403  # a challenge signs in once
    # A challenge the server did not issue (fresh expiry, wrong MAC) signs nobody in.
    future = (server.ctx.clock() + 60_000).to_bytes(8, "big")
    forged = encode_challenge(secrets.token_bytes(16) + future + secrets.token_bytes(16))
    forged_code = sign_in_code(forged, staff_keys["reviewer1"])
    assert browser(server).post("/console/login", data={"code": forged_code}).status_code == 400


def test_without_a_session_every_console_page_redirects_to_sign_in(
    server: InProcessServer,
) -> None:
    client = browser(server)
    for method, path, _ in ACTIONS:
        reply = client.request(method, path.format(review="rv_x", report="rp_x"))
        assert reply.status_code == 303 and reply.headers["location"] == "/console/login"


def test_each_console_action_is_refused_for_every_other_role(
    server: InProcessServer, staff_keys: dict[str, Ed25519PrivateKey]
) -> None:
    account_past_threshold(server)
    review_id = _first_review_id(server)
    for name, role in ROLES.items():
        client = sign_in(server, staff_keys[name])
        token = csrf_of(client, STAFF_HOME[role])
        for method, path, allowed in ACTIONS:
            if role in allowed:
                continue
            url = path.format(review=review_id, report="rp_x")
            reply = client.request(method, url, data={"csrf": token} if method == "POST" else None)
            assert reply.status_code == 403, (role, method, url)


def test_console_posts_need_the_session_csrf_token_and_a_refusal_changes_nothing(
    server: InProcessServer, staff_keys: dict[str, Ed25519PrivateKey]
) -> None:
    account_past_threshold(server)
    review_id = _first_review_id(server)
    client = sign_in(server, staff_keys["reviewer1"])
    for data in ({}, {"csrf": "00" * 16}):
        assert client.post(f"/console/review/{review_id}/reveal", data=data).status_code == 403
    with server.ctx.storage.read() as tx:
        assert not tx.reveals.revealed(review_id, server.staff("reviewer1").account_id)
    other = sign_in(server, staff_keys["reviewer2"])
    stolen = csrf_of(other, "/console/review")
    assert (
        client.post(f"/console/review/{review_id}/reveal", data={"csrf": stolen}).status_code == 403
    )


def test_reviewer_must_reveal_before_confirming_and_the_report_records_it(
    server: InProcessServer, staff_keys: dict[str, Ed25519PrivateKey]
) -> None:
    account_past_threshold(server)
    client = sign_in(server, staff_keys["reviewer1"])
    queue = client.get("/console/review").text
    review_id = queue.split('href="/console/review/')[1].split('"')[0]
    item = client.get(f"/console/review/{review_id}").text
    assert "Reveal the derivative" in item and "view=blurred" in item and "view=clear" not in item
    token = csrf_of(client, f"/console/review/{review_id}")
    assert client.get(f"/console/review/{review_id}/derivative?view=clear").status_code == 400
    blurred = client.get(f"/console/review/{review_id}/derivative?view=blurred")
    assert blurred.status_code == 200 and blurred.headers["cache-control"] == "no-store"
    early = client.post(
        f"/console/review/{review_id}/decide", data={"csrf": token, "outcome": "confirmed"}
    )
    assert early.status_code == 409 and "derivative_not_viewed" in early.text
    assert (
        client.post(f"/console/review/{review_id}/reveal", data={"csrf": token}).status_code == 303
    )
    clear = client.get(f"/console/review/{review_id}/derivative?view=clear")
    blurred_px = Image.open(io.BytesIO(blurred.content)).convert("L")
    clear_px = Image.open(io.BytesIO(clear.content)).convert("L")
    assert clear_px.size == blurred_px.size and clear_px.tobytes() != blurred_px.tobytes()
    assert (
        "Exposures this session: <strong>1</strong>"
        in client.get(f"/console/review/{review_id}").text
    )
    done = client.post(
        f"/console/review/{review_id}/decide",
        data={"csrf": token, "outcome": "confirmed", "notes": "<b>listed</b>", "urgent": "on"},
    )
    assert done.status_code == 303 and "report=rp_" in done.headers["location"]
    (report,) = server.staff("authority").reports()
    content = api_pb2.Report.FromString(report.signed_report.report)
    assert content.review.derivative_viewed and content.urgent


def test_pause_prompt_appears_after_every_tenth_exposure(
    server: InProcessServer, staff_keys: dict[str, Ed25519PrivateKey]
) -> None:
    account_past_threshold(server, items=PAUSE_EVERY)
    client = sign_in(server, staff_keys["reviewer1"])
    ids = [i.review_id for i in server.staff("reviewer2").review_queue()]
    assert len(ids) == PAUSE_EVERY
    token = csrf_of(client, "/console/review")
    for n, review_id in enumerate(ids, start=1):
        assert "Time for a pause" not in client.get(f"/console/review/{review_id}").text
        client.post(f"/console/review/{review_id}/reveal", data={"csrf": token})
        page = client.get(f"/console/review/{review_id}").text
        assert ("Time for a pause" in page) == (n == PAUSE_EVERY)


def test_signed_out_sessions_and_removed_staff_lose_access_at_once(
    server: InProcessServer, staff_keys: dict[str, Ed25519PrivateKey]
) -> None:
    client = sign_in(server, staff_keys["auditor"])
    cookie = client.cookies[COOKIE_NAME]
    token = csrf_of(client, "/console/audit")
    assert client.post("/console/logout", data={"csrf": token}).status_code == 303
    replayed = browser(server)
    replayed.cookies.set(COOKIE_NAME, cookie, path="/console")
    assert replayed.get("/console/audit").status_code == 303  # the ended session is refused
    reviewer = sign_in(server, staff_keys["reviewer1"])
    with server.ctx.storage.transaction() as tx:
        tx.accounts.set_role(server.staff("reviewer1").account_id, ROLE_USER)
    assert reviewer.get("/console/review").status_code == 303


def test_auditor_sees_the_chain_verify_and_the_authority_sees_signature_status(
    server: InProcessServer, staff_keys: dict[str, Ed25519PrivateKey]
) -> None:
    account_past_threshold(server)
    reviewer = server.staff("reviewer1")
    item = reviewer.review_queue()[0]
    reviewer.reveal(item.review_id)
    reviewer.decide(item.review_id, True)
    with server.ctx.storage.transaction() as tx:
        server.ctx.audit.checkpoint(tx, server.ctx.clock())
    audit = sign_in(server, staff_keys["auditor"]).get("/console/audit")
    assert "The chain verifies" in audit.text and "review_decided" in audit.text
    assert sign_in(server, staff_keys["auditor"]).get("/console/audit?days=0").status_code == 400
    reports = sign_in(server, staff_keys["authority"]).get("/console/reports").text
    assert ">valid<" in reports and "Record disposition" in reports
    auditor_view = sign_in(server, staff_keys["auditor"]).get("/console/reports").text
    assert ">valid<" in auditor_view and "Record disposition" not in auditor_view


def test_public_transparency_page_needs_no_sign_in_and_shows_the_checkpoint(
    server: InProcessServer,
) -> None:
    with server.ctx.storage.transaction() as tx:
        server.ctx.log(tx, "voucher_received", {"note": "<script>alert(1)</script>"})
        server.ctx.audit.checkpoint(tx, server.ctx.clock())
    page = browser(server).get("/transparency")
    assert page.status_code == 200
    assert "Latest signed checkpoint" in page.text and "vouchsafe audit verify" in page.text
    assert "<svg" in page.text and "<script" not in page.text
    assert "content-security-policy" in page.headers


FUZZ = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@FUZZ
@given(
    path=st.sampled_from(
        [
            "/console/login",
            "/console/logout",
            "/console/review/x/decide",
            "/console/review/x/reveal",
        ]
    ),
    body=st.binary(max_size=200),
)
def test_random_console_form_bodies_never_reach_a_500(
    server: InProcessServer, path: str, body: bytes
) -> None:
    reply = browser(server).post(
        path, content=body, headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert reply.status_code < 500


@pytest.mark.parametrize("days", ["-1", "abc", "10000000000000000000000", "367"])
def test_audit_period_parameter_is_bounded(
    server: InProcessServer, staff_keys: dict[str, Ed25519PrivateKey], days: str
) -> None:
    client = sign_in(server, staff_keys["auditor"])
    assert client.get(f"/console/audit?days={days}").status_code == 400
