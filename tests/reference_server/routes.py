"""Each signed route's inner request message and the role that may call it (from the attack
that sends malformed requests to every route, so there is one list)."""

from __future__ import annotations

from google.protobuf.message import Message

from vouchsafe.threat_model.attacks.malformed_requests import inner_types, role_for

STAFF_SIGNER = {"reviewer": "reviewer1", "authority": "authority", "auditor": "auditor"}
# The inner message each signed route decodes (registration is unsigned).
INNER: dict[str, type[Message]] = {p: t for p, t in inner_types().items() if p != "/v1/accounts"}
SIGNER = {p: STAFF_SIGNER[role_for(p)] for p in INNER if role_for(p) != "user"}
