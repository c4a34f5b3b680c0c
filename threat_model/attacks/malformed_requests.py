"""Attack 7, server family: malformed HTTP requests against every route of the reference server.

Run in process against a real app (real tPSI matcher, in-memory storage, staff of every role):
for every route, the wrong method; for every POST route, a missing content type, a lying or
non-numeric Content-Length, an oversized body, an empty body, random bytes, a cut envelope, an
envelope signed for another path, by an unknown key, too old, replayed, by the wrong role, and
valid envelopes around garbage, extreme-valued and unknown-field inner messages; for every GET
route, hostile query strings and path parameters. Each answer is *accepted* (2xx), *rejected*
(a typed ``vouchsafe.v1.Error`` body with a 4xx, or 503 ``not_ready``/``server_busy``),
*untyped* (an error without that body) or *crashed* (500). Untyped or crashed is a finding.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from typing import Any

PROTOBUF = {"content-type": "application/x-protobuf"}
_EXTREME = {
    "TYPE_INT32": 2**31 - 1,
    "TYPE_INT64": -(2**63),
    "TYPE_UINT32": 2**32 - 1,
    "TYPE_UINT64": 2**64 - 1,
    "TYPE_ENUM": 2**31 - 1,
    "TYPE_STRING": "\u2028" * 5000,
    "TYPE_BYTES": b"\xff" * 5000,
    "TYPE_BOOL": True,
}
_QUERIES = (
    "to_ms=1000000000000000",
    "to_ms=99999999999999999999999",
    "from_ms=-1",
    "from_ms=5&to_ms=5",
    "to_ms=%00",
    "to_ms=1e3",
    "after_seq=9223372036854775808",
    "x=" + "a" * 4000,
)
_PATH_JUNK = ("zz", "0" * 64, "%2e%2e%2fserver", "a" * 2000, "%ff")


def _classify(status: int, body: bytes, api: bool = True) -> str:
    """``api``: an error must carry the API's Error body; the console answers with a page."""
    from vouchsafe.protocol import common_pb2

    if status == 500:
        return "crashed"
    if status < 300 or (not api and status < 400):
        return "accepted"
    if not api:
        return "rejected"
    try:
        code = common_pb2.Error.FromString(body).code
    except Exception:
        code = ""
    return "rejected" if code else "untyped"


def _extreme_inner(message_type: Any) -> bytes:
    """A message with every scalar field at an extreme, plus an unknown field appended."""
    message = message_type()
    for f in message_type.DESCRIPTOR.fields:
        kind = _type_name(f.type)
        if kind not in _EXTREME or f.name == "version":
            continue
        value = _EXTREME[kind]
        if f.is_repeated:
            getattr(message, f.name).extend([value] * 2)
        else:
            setattr(message, f.name, value)
    return bytes(message.SerializeToString() + b"\xf8\xff\xff\xff\x0f\x01")


def _type_name(number: int) -> str:
    from google.protobuf.descriptor import FieldDescriptor

    for name in dir(FieldDescriptor):
        if name.startswith("TYPE_") and getattr(FieldDescriptor, name) == number:
            return name
    return ""


def run_against_routes(
    server_key: Any, blinded: Any, rng: random.Random
) -> dict[str, Counter[str]]:
    """Sends every hostile request of the family; outcome counts per kind of request."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from starlette.testclient import TestClient

    from vouchsafe.protocol import api_pb2
    from vouchsafe.server.app import create_app
    from vouchsafe.server.pipeline.tpsi_matcher import TpsiMatcher
    from vouchsafe.server.settings import Settings, StaffKey

    staff = {role: Ed25519PrivateKey.generate() for role in ("reviewer", "authority", "auditor")}
    settings = Settings(
        db_url="memory:",
        staff=tuple(
            StaffKey(role, role, key.public_key().public_bytes_raw()) for role, key in staff.items()
        ),
        schedule_interval_s=0,
        checkpoint_interval_s=0,
        rate_limit_per_minute=0,
        # Every request must reach its route: pacing would answer some with 429 first.
        public_requests_per_s=0,
    )
    matcher = TpsiMatcher(server_key, blinded, threshold=3, release_id="attack")
    app = create_app(settings, matcher=matcher)
    limit = app.state.ctx.settings.max_body_bytes
    types = inner_types()
    results: dict[str, Counter[str]] = {}
    user = Ed25519PrivateKey.generate()

    with TestClient(app, raise_server_exceptions=False) as http:
        register = api_pb2.RegisterAccountRequest(
            version=1, signing_public_key=user.public_key().public_bytes_raw()
        )
        http.post("/v1/accounts", content=register.SerializeToString(), headers=PROTOBUF)

        def record(kind: str, reply: Any) -> None:
            api = reply.request.url.path.startswith("/v1/")
            outcome = _classify(reply.status_code, reply.content, api)
            results.setdefault(kind, Counter())[outcome] += 1

        for route in app.routes:
            path = getattr(route, "path", "")
            methods = getattr(route, "methods", None) or set()
            concrete = path.replace("{part}", "root").replace("{base}", "00" * 32)
            if "POST" in methods and not path.startswith("/v1/"):
                _form_family(http, concrete, rng, limit, record)
            elif "POST" in methods:
                if path not in types:
                    raise KeyError(f"{path}: add its request type to INNER_TYPE_NAMES")
                record("wrong_method", http.get(concrete))
                signer = staff.get(role_for(path), user)
                _post_family(http, concrete, types.get(path), signer, user, rng, limit, record)
            else:
                record("wrong_method", http.post(concrete, content=b"x", headers=PROTOBUF))
                for query in _QUERIES:
                    record("query", http.get(f"{concrete}?{query}"))
                if "{" in path:
                    for junk in _PATH_JUNK:
                        record("path_parameter", http.get(path.split("{")[0] + junk))
    return results


# Each POST route's inner request message (the outer one of /v1/accounts, which is unsigned).
INNER_TYPE_NAMES = {
    "/v1/accounts": "RegisterAccountRequest",
    "/v1/accounts/lookup": "LookupAccountRequest",
    "/v1/vouchers": "UploadVoucherRequest",
    "/v1/messages/send": "SendMessageRequest",
    "/v1/messages/fetch": "FetchMessagesRequest",
    "/v1/messages/ack": "AckMessagesRequest",
    "/v1/review/queue": "ListReviewItemsRequest",
    "/v1/review/reveal": "RevealDerivativeRequest",
    "/v1/review/decisions": "ReviewDecisionRequest",
    "/v1/authority/reports": "ListReportsRequest",
    "/v1/authority/dispositions": "DispositionRequest",
    "/v1/notifications": "ListNotificationsRequest",
    "/v1/appeals": "FileAppealRequest",
    "/v1/appeals/status": "ListAppealsRequest",
    "/v1/audit/verify": "AuditQuery",
    "/v1/audit/entries": "AuditQuery",
    "/v1/audit/opinions": "AuditQuery",
}


def inner_types() -> dict[str, Any]:
    """The inner request message type of every POST route."""
    from vouchsafe.protocol import api_pb2

    return {path: getattr(api_pb2, name) for path, name in INNER_TYPE_NAMES.items()}


def role_for(path: str) -> str:
    """The role that may call ``path`` (the authority's list is also open to auditors)."""
    if path.startswith("/v1/review"):
        return "reviewer"
    if path.startswith("/v1/authority"):
        return "authority"
    if path.startswith("/v1/audit"):
        return "auditor"
    return "user"


def _post_family(
    http: Any,
    path: str,
    inner_type: Any,
    signer: Any,
    user: Any,
    rng: random.Random,
    max_body: int,
    record: Callable[[str, Any], None],
) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from vouchsafe.sdk.api.signing import sign_request

    def post(kind: str, body: bytes, headers: dict[str, str] | None = None) -> None:
        record(
            kind, http.post(path, content=body, headers=PROTOBUF if headers is None else headers)
        )

    inner = inner_type(version=1).SerializeToString() if inner_type is not None else b""
    post("no_content_type", b"\x08\x01", {})
    post("lying_length", b"\x08\x01", {**PROTOBUF, "content-length": str(max_body * 4)})
    post("non_numeric_length", b"\x08\x01", {**PROTOBUF, "content-length": "12abc"})
    post("oversized_body", b"\x00" * (max_body + 1))
    post("empty_body", b"")
    for size in (1, 31, 700):
        post("random_bytes", bytes(rng.getrandbits(8) for _ in range(size)))
    if path == "/v1/accounts":
        post("extreme_inner", _extreme_inner(inner_type))
        return
    valid = sign_request(signer, "POST", path, inner).SerializeToString()
    post("cut_envelope", valid[: len(valid) // 2])
    post("other_path", sign_request(signer, "POST", "/v1/elsewhere", inner).SerializeToString())
    stranger = Ed25519PrivateKey.generate()
    post("unknown_key", sign_request(stranger, "POST", path, inner).SerializeToString())
    old = sign_request(signer, "POST", path, inner, timestamp_ms=1_000_000)
    post("stale", old.SerializeToString())
    wrong_role = user if signer is not user else stranger
    post("wrong_role", sign_request(wrong_role, "POST", path, inner).SerializeToString())
    post("garbage_inner", sign_request(signer, "POST", path, b"\xff\xff\xff").SerializeToString())
    extreme = _extreme_inner(inner_type)
    post("extreme_inner", sign_request(signer, "POST", path, extreme).SerializeToString())
    once = sign_request(signer, "POST", path, inner).SerializeToString()
    post("first_send", once)
    post("replayed", once)


def _form_family(
    http: Any, path: str, rng: random.Random, max_body: int, record: Callable[[str, Any], None]
) -> None:
    """The console's form posts: no session, wrong encodings, oversized and random forms."""
    form = {"content-type": "application/x-www-form-urlencoded"}
    record("form_no_session", http.post(path, content=b"csrf=x&a=b", headers=form))
    record("form_bad_encoding", http.post(path, content=b"%zz=%ff&&==", headers=form))
    record("form_oversized", http.post(path, content=b"a=" + b"b" * (max_body + 1), headers=form))
    record("form_wrong_type", http.post(path, content=b"\x08\x01", headers=PROTOBUF))
    noise = bytes(rng.getrandbits(8) for _ in range(300))
    record("form_random", http.post(path, content=noise, headers=form))
