"""Every parameter is bounded: an out-of-range value is a typed 400, never a 500."""

from __future__ import annotations

import pytest
from google.protobuf.descriptor import FieldDescriptor

from tests.reference_server.conftest import InProcessServer
from tests.reference_server.routes import INNER, SIGNER
from tests.reference_server.test_never_500 import POST_PATHS
from vouchsafe.protocol import api_pb2, common_pb2
from vouchsafe.sdk.api.signing import sign_request
from vouchsafe.sdk.errors import ServerRejected
from vouchsafe.server.http import MAX_STORED_INT, MAX_TIMESTAMP_MS

PROTOBUF = {"content-type": "application/x-protobuf"}
_T = FieldDescriptor
EXTREMES = {
    _T.TYPE_INT32: (-(2**31), 2**31 - 1),
    _T.TYPE_INT64: (-(2**63), 2**63 - 1),
    _T.TYPE_UINT32: (0, 2**32 - 1),
    _T.TYPE_UINT64: (2**63, 2**64 - 1),
    _T.TYPE_ENUM: (-(2**31), 2**31 - 1),
    _T.TYPE_STRING: ("x" * 100_000, "\x00\u2028\U0001f600"),
    _T.TYPE_BYTES: (b"\xff" * 100_000, b""),
    _T.TYPE_BOOL: (True, False),
}


def _transparency(server: InProcessServer, query: str) -> tuple[int, bytes]:
    reply = server.http.get("/v1/transparency?" + query)
    return reply.status_code, reply.content


@pytest.mark.parametrize(
    "query",
    [
        "to_ms=1000000000000000",  # 10^15: was a 500
        f"to_ms={MAX_TIMESTAMP_MS + 1}",
        "to_ms=" + "9" * 40,
        "from_ms=-1",
        "to_ms=1_000",
        "to_ms=%D9%A1%D9%A2",  # Arabic-Indic digits
        "to_ms=",
        "to_ms=%205",
        "from_ms=5&to_ms=5",
        "to_ms=5&to_ms=6",
        "form_ms=5",
    ],
)
def test_out_of_range_transparency_queries_are_a_typed_400(
    server: InProcessServer, query: str
) -> None:
    reply = server.http.get("/v1/transparency?" + query)
    assert reply.status_code == 400, query
    assert common_pb2.Error.FromString(reply.content).code == "invalid_argument"


def test_the_widest_transparency_period_is_answered(server: InProcessServer) -> None:
    status, _ = _transparency(server, f"from_ms=0&to_ms={MAX_TIMESTAMP_MS}")
    assert status == 200


@pytest.mark.parametrize("after_seq", [2**63, 2**64 - 1])
def test_audit_cursor_past_what_storage_holds_is_a_typed_400(
    server: InProcessServer, after_seq: int
) -> None:
    auditor = server.staff("auditor")
    query = api_pb2.AuditQuery(version=1, after_seq=after_seq)
    envelope = sign_request(
        auditor.signing_key, "POST", "/v1/audit/entries", query.SerializeToString()
    )
    reply = server.http.post(
        "/v1/audit/entries", content=envelope.SerializeToString(), headers=PROTOBUF
    )
    assert reply.status_code == 400
    error = common_pb2.Error.FromString(reply.content)
    assert (error.code, error.field) == ("invalid_argument", "after_seq")
    assert auditor.audit_entries(after_seq=MAX_STORED_INT) == []


def test_every_signed_route_is_covered() -> None:
    assert set(INNER) == set(POST_PATHS) - {"/v1/accounts"}


@pytest.mark.parametrize("path", sorted(INNER))
@pytest.mark.parametrize("extreme", [0, 1])
def test_every_field_of_every_route_at_its_extremes_is_never_a_500(
    server: InProcessServer, path: str, extreme: int
) -> None:
    """Each scalar field alone, and all of them at once, at the edge of its wire type."""
    client = server.staff(SIGNER[path]) if path in SIGNER else server.user()
    fields = [f for f in INNER[path].DESCRIPTOR.fields if f.type in EXTREMES]
    assert fields, path
    for chosen in [[f] for f in fields] + [fields]:
        message = INNER[path](version=1)
        for f in chosen:
            value = EXTREMES[f.type][extreme]
            if f.is_repeated:
                getattr(message, f.name).extend([value] * 3)
            elif f.name != "version":
                setattr(message, f.name, value)
        envelope = sign_request(client.signing_key, "POST", path, message.SerializeToString())
        reply = server.http.post(path, content=envelope.SerializeToString(), headers=PROTOBUF)
        assert reply.status_code < 500, (path, [f.name for f in chosen], reply.content)
        if reply.status_code >= 400:
            assert common_pb2.Error.FromString(reply.content).code


def test_a_disposition_reason_past_the_free_text_limit_is_refused(
    server: InProcessServer,
) -> None:
    authority = server.staff("authority")
    with pytest.raises(ServerRejected) as refused:
        authority.dispose("rp-none", False, reason="x" * 4001)
    assert (refused.value.server_code, refused.value.field) == ("invalid_argument", "reason")
