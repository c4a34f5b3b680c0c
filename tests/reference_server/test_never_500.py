"""No input makes the server answer 500: random bodies, random envelopes, random inner bytes."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.profile import FUZZ
from tests.reference_server.conftest import InProcessServer
from vouchsafe.protocol import common_pb2
from vouchsafe.sdk.api.signing import sign_request
from vouchsafe.server.app import ROUTERS

PROTOBUF = {"content-type": "application/x-protobuf"}
POST_PATHS = [
    "/v1/accounts",
    "/v1/accounts/lookup",
    "/v1/vouchers",
    "/v1/messages/send",
    "/v1/messages/fetch",
    "/v1/messages/ack",
    "/v1/review/queue",
    "/v1/review/reveal",
    "/v1/review/decisions",
    "/v1/authority/reports",
    "/v1/authority/dispositions",
    "/v1/notifications",
    "/v1/appeals",
    "/v1/appeals/status",
    "/v1/audit/verify",
    "/v1/audit/entries",
    "/v1/audit/opinions",
]


def _assert_clean_refusal_or_success(reply_status: int, content: bytes) -> None:
    assert reply_status < 500
    if reply_status >= 400:
        assert common_pb2.Error.FromString(content).code


def test_every_post_route_is_in_the_fuzz_list(server: InProcessServer) -> None:
    posts = {
        route.path
        for module in ROUTERS
        for route in module.routes(server.ctx)
        if "POST" in (getattr(route, "methods", None) or set())
    }
    assert posts == set(POST_PATHS)


@FUZZ
@given(path=st.sampled_from(POST_PATHS), body=st.binary(max_size=300))
def test_random_bodies_get_a_typed_refusal(server: InProcessServer, path: str, body: bytes) -> None:
    reply = server.http.post(path, content=body, headers=PROTOBUF)
    _assert_clean_refusal_or_success(reply.status_code, reply.content)


@FUZZ
@given(
    path=st.sampled_from(POST_PATHS),
    inner=st.binary(max_size=300),
    role=st.sampled_from(["user", "reviewer1", "authority", "auditor"]),
)
def test_validly_signed_random_inner_messages_never_crash_the_server(
    server: InProcessServer, path: str, inner: bytes, role: str
) -> None:
    client = server.user() if role == "user" else server.staff(role)
    envelope = sign_request(client.signing_key, "POST", path, inner)
    reply = server.http.post(path, content=envelope.SerializeToString(), headers=PROTOBUF)
    _assert_clean_refusal_or_success(reply.status_code, reply.content)


@FUZZ
@given(query=st.text(max_size=40))
def test_random_transparency_queries_never_crash(server: InProcessServer, query: str) -> None:
    reply = server.http.get("/v1/transparency", params={"from_ms": query, "to_ms": query})
    assert reply.status_code < 500
