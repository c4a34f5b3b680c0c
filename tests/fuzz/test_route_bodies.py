"""Every route's body parser on well-typed but hostile messages: each field absent or drawn
from its wire type (extremes included), ids that exist on the server mixed in so the handlers
get past their lookups; signed by a caller of the right role. Never a 500; every refusal typed.
"""

from __future__ import annotations

from typing import Any

import pytest
from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.message import Message
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.profile import FUZZ
from tests.reference_server.conftest import KNOWN_HASH, THRESHOLD, InProcessServer
from tests.reference_server.fakes import fake_voucher, upload
from tests.reference_server.routes import INNER, SIGNER
from vouchsafe.protocol import api_pb2, common_pb2
from vouchsafe.sdk.api.signing import sign_request

PROTOBUF = {"content-type": "application/x-protobuf"}
_T = FieldDescriptor
_INT_RANGES = {
    _T.TYPE_INT32: (-(2**31), 2**31 - 1),
    _T.TYPE_INT64: (-(2**63), 2**63 - 1),
    _T.TYPE_UINT32: (0, 2**32 - 1),
    _T.TYPE_UINT64: (0, 2**64 - 1),
}


def _integers(low: int, high: int) -> st.SearchStrategy[int]:
    edges = [v for v in (low, high, 0, 1, -1, 2**31 - 1, 2**32 - 1, 2**63 - 1) if low <= v <= high]
    return st.one_of(st.sampled_from(edges), st.integers(low, high), st.integers(0, 1000))


def _field_values(field: FieldDescriptor, known: dict[str, list[Any]], depth: int) -> Any:
    if field.type in _INT_RANGES:
        return _integers(*_INT_RANGES[field.type])
    if field.type == _T.TYPE_ENUM:
        values = [v.number for v in field.enum_type.values]
        return st.one_of(st.sampled_from(values), _integers(-(2**31), 2**31 - 1))
    if field.type == _T.TYPE_BOOL:
        return st.booleans()
    if field.type == _T.TYPE_STRING:
        return st.one_of(st.sampled_from(known["strings"]), st.text(max_size=60))
    if field.type == _T.TYPE_BYTES:
        return st.one_of(st.sampled_from(known["bytes"]), st.binary(max_size=80))
    if field.type == _T.TYPE_MESSAGE and depth < 2:
        return messages(field.message_type, known, depth + 1)
    return st.nothing()


@st.composite
def messages(
    draw: st.DrawFn, descriptor: Descriptor, known: dict[str, list[Any]], depth: int = 0
) -> Message:
    """A message of ``descriptor``'s type with each field left out or drawn from its type."""
    from google.protobuf import message_factory

    message = message_factory.GetMessageClass(descriptor)()
    for field in descriptor.fields:
        if field.name == "version":
            message.version = draw(st.sampled_from([0, 1, 1, 1, 2]))
            continue
        values = _field_values(field, known, depth)
        if field.is_repeated:
            items = draw(st.lists(values, max_size=3))
            target = getattr(message, field.name)
            for item in items:
                if field.type == _T.TYPE_MESSAGE:
                    target.add().CopyFrom(item)
                else:
                    target.append(item)
        elif draw(st.booleans()):
            value = draw(values)
            if field.type == _T.TYPE_MESSAGE:
                getattr(message, field.name).CopyFrom(value)
            else:
                setattr(message, field.name, value)
    return message


def _populated(server: InProcessServer) -> dict[str, list[Any]]:
    """A server with a match under review, a report and an appeal; their ids for the fuzzer."""
    alice, bob = server.user("alice"), server.user("bob")
    for _ in range(THRESHOLD):
        upload(alice, fake_voucher(1, KNOWN_HASH))
    reviewer = server.staff("reviewer1")
    queue = reviewer.review_queue()
    reviewer.reveal(queue[0].review_id)
    report_id = reviewer.decide(queue[0].review_id, True).report_id
    appeal = alice.file_appeal(report_id, "mine")
    strings = [alice.account_id, bob.account_id, "alice", "bob", report_id, appeal.appeal_id]
    strings += [item.review_id for item in queue]
    return {
        "strings": strings,
        "bytes": [fake_voucher(1, KNOWN_HASH), fake_voucher(2), b"\x00" * 16, b"\xff" * 32],
    }


def _post(server: InProcessServer, path: str, body: bytes) -> None:
    reply = server.http.post(path, content=body, headers=PROTOBUF)
    assert reply.status_code < 500, (path, reply.content)
    if reply.status_code >= 400:
        assert common_pb2.Error.FromString(reply.content).code


@pytest.mark.parametrize("path", sorted(INNER))
def test_each_signed_route_refuses_hostile_messages_with_a_typed_error(
    server: InProcessServer, path: str
) -> None:
    known = _populated(server)
    client = server.staff(SIGNER[path]) if path in SIGNER else server.user("caller")

    @FUZZ
    @given(message=messages(INNER[path].DESCRIPTOR, known))
    def attempt(message: Message) -> None:
        envelope = sign_request(client.signing_key, "POST", path, message.SerializeToString())
        _post(server, path, envelope.SerializeToString())

    attempt()


def test_registration_refuses_hostile_messages_with_a_typed_error(server: InProcessServer) -> None:
    known = {"strings": ["alice", "a" * 64, "A"], "bytes": [bytes(32), b"\x01" + bytes(31)]}

    @FUZZ
    @given(message=messages(api_pb2.RegisterAccountRequest.DESCRIPTOR, known))
    def attempt(message: Message) -> None:
        _post(server, "/v1/accounts", message.SerializeToString())

    attempt()
