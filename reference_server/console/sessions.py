"""Console sign-in challenges, session cookies and CSRF tokens; no server-side session table.

Everything the console hands a browser is authenticated with one HMAC key derived from the
provider key, so every worker process that shares the provider key accepts it:

- a **challenge** is ``nonce (16) || expires_ms (8) || mac (16)``; it is single-use (its nonce
  is recorded when a sign-in succeeds) and lives ``CHALLENGE_TTL_MS``;
- a **session cookie** names a random session id, the staff account and an expiry, under the
  same MAC; the account's current role and status are read on every request, so a staff member
  removed from the staff file loses access at once; signing out records the session id as ended;
- the **CSRF token** of a session is a MAC of its id, required on every form the console posts.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from vouchsafe.sdk.console_signin import encode_challenge
from vouchsafe.sdk.crypto.labels import CONSOLE_MAC_KEY, framed
from vouchsafe.server.keys import ProviderKey

CHALLENGE_TTL_MS = 5 * 60_000
SESSION_TTL_MS = 30 * 60_000
MAC_SIZE = 16
NONCE_SIZE = 16
SESSION_ID_SIZE = 16
# Key ids under which single-use values are recorded in the nonce store.
CHALLENGE_NONCE_KEY = "console-challenge"
ENDED_SESSION_KEY = "console-ended-session"


@dataclass(frozen=True)
class SessionToken:
    """What a valid session cookie says: which session, whose, until when."""

    session_id: bytes
    account_id: str
    expires_at_ms: int

    @property
    def session_name(self) -> str:
        """The session id as text (exposure counts and audit entries use it)."""
        return self.session_id.hex()


class ConsoleKeys:
    """The console's MAC key (derived from the provider key) and what it authenticates."""

    def __init__(self, provider_key: ProviderKey) -> None:
        seed = provider_key.private_key.private_bytes_raw()
        self._key = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=None, info=CONSOLE_MAC_KEY
        ).derive(seed)

    def _mac(self, purpose: bytes, data: bytes) -> bytes:
        # One key, three purposes (challenge, session, csrf), each in its own framed field.
        message = framed(CONSOLE_MAC_KEY, purpose, data)
        return hmac.new(self._key, message, hashlib.sha256).digest()[:MAC_SIZE]

    # -- challenges -----------------------------------------------------------------------
    def new_challenge(self, now_ms: int) -> str:
        """A fresh challenge (text) valid for ``CHALLENGE_TTL_MS``."""
        body = secrets.token_bytes(NONCE_SIZE) + (now_ms + CHALLENGE_TTL_MS).to_bytes(8, "big")
        return encode_challenge(body + self._mac(b"challenge", body))

    def check_challenge(self, raw: bytes, now_ms: int) -> tuple[bytes, int] | None:
        """(nonce, expiry) of a challenge this server issued and that has not expired."""
        if len(raw) != NONCE_SIZE + 8 + MAC_SIZE:
            return None
        body, mac = raw[: NONCE_SIZE + 8], raw[NONCE_SIZE + 8 :]
        if not hmac.compare_digest(mac, self._mac(b"challenge", body)):
            return None
        expires = int.from_bytes(body[NONCE_SIZE:], "big")
        return (body[:NONCE_SIZE], expires) if now_ms < expires else None

    # -- sessions -------------------------------------------------------------------------
    def new_session(self, account_id: str, now_ms: int) -> tuple[SessionToken, str]:
        """A new session for ``account_id`` and its cookie value."""
        token = SessionToken(
            secrets.token_bytes(SESSION_ID_SIZE), account_id, now_ms + SESSION_TTL_MS
        )
        body = token.session_id + token.expires_at_ms.to_bytes(8, "big") + account_id.encode()
        cookie = _b64(body) + "." + _b64(self._mac(b"session", body))
        return token, cookie

    def read_session(self, cookie: str, now_ms: int) -> SessionToken | None:
        """The session a cookie names, if its MAC holds and it has not expired."""
        body_text, _, mac_text = cookie.partition(".")
        body, mac = _unb64(body_text), _unb64(mac_text)
        if body is None or mac is None or len(body) <= SESSION_ID_SIZE + 8:
            return None
        if not hmac.compare_digest(mac, self._mac(b"session", body)):
            return None
        expires = int.from_bytes(body[SESSION_ID_SIZE : SESSION_ID_SIZE + 8], "big")
        if now_ms >= expires:
            return None
        try:
            account_id = body[SESSION_ID_SIZE + 8 :].decode("ascii")
        except UnicodeDecodeError:
            return None
        return SessionToken(body[:SESSION_ID_SIZE], account_id, expires)

    def csrf_token(self, token: SessionToken) -> str:
        """The CSRF token every form of this session must carry."""
        return self._mac(b"csrf", token.session_id).hex()

    def check_csrf(self, token: SessionToken, presented: str) -> bool:
        return hmac.compare_digest(presented.encode(), self.csrf_token(token).encode())


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes | None:
    if not text or len(text) > 512:
        return None
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        return None
