"""The three authenticated encryptions of a voucher and what each one binds (SPEC.md section 7,
"HalfKey", "InnerCiphertext", "AssociatedDataCiphertext"). Device and server both use these,
so the associated data of every AEAD is written once, each ``labels.framed`` (SPEC.md 3.1).

- a half: key and commitment from ``HalfKey(S, params_digest, Q)``, AAD ``(params_digest, Q)``:
  a half opens only under the release and the ``Q`` it was made with;
- the inner ciphertext ``rct``: AAD ``(params_digest, account_id)``: a voucher opens only for
  the account that made it, so a copy uploaded by another account (re-ordered halves give it a
  new VoucherId) never yields a share there;
- the associated-data ciphertext ``adct``: AAD the item tag ``x``: the associated data of one
  share cannot be presented as another share's.
"""

from __future__ import annotations

from typing import Final

from vouchsafe.sdk.crypto import labels
from vouchsafe.sdk.crypto.aead import (
    NONCE_LENGTH,
    ZERO_NONCE,
    open_,
    seal,
    seal_committing,
    try_open_committing,
)
from vouchsafe.sdk.crypto.kdf import hkdf
from vouchsafe.sdk.crypto.randomness import Randomness
from vouchsafe.sdk.crypto.shamir import SHARE_ELEMENT_LENGTH
from vouchsafe.sdk.errors import DecryptionError, InvalidLengthError

MAX_ACCOUNT_ID_LENGTH: Final = 255


def half_key(s: bytes, params_digest: bytes, q: bytes) -> tuple[bytes, bytes]:
    """HalfKey: (AEAD key, 32-byte commitment) = split(KDF(S, none, framed(HalfKey, digest, Q)),
    32)."""
    okm = hkdf(s, salt=None, info=labels.framed(labels.HALF_KEY, params_digest, q), length=64)
    return okm[:32], okm[32:]


def half_aad(params_digest: bytes, q: bytes) -> bytes:
    """The half ciphertext's associated data: framed(HalfCiphertext, digest, Q)."""
    return labels.framed(labels.HALF_CIPHERTEXT, params_digest, q)


def seal_half(s: bytes, params_digest: bytes, q: bytes, rkey: bytes) -> bytes:
    """ct = commitment || ChaCha20-Poly1305(key, 0, rkey, half_aad(digest, Q))."""
    key, commitment = half_key(s, params_digest, q)
    return seal_committing(key, commitment, rkey, half_aad(params_digest, q))


def open_half(s: bytes, params_digest: bytes, q: bytes, ct: bytes) -> bytes | None:
    """The rkey inside ``ct`` if ``S`` is the half's shared element, else None."""
    key, commitment = half_key(s, params_digest, q)
    return try_open_committing(key, commitment, ct, half_aad(params_digest, q))


def check_account_id(account_id: bytes) -> bytes:
    """Raises InvalidLengthError unless the account id is 1..255 bytes."""
    if not isinstance(account_id, bytes) or not 1 <= len(account_id) <= MAX_ACCOUNT_ID_LENGTH:
        raise InvalidLengthError(
            f"account ids are 1..{MAX_ACCOUNT_ID_LENGTH} bytes", field="account_id"
        )
    return account_id


def inner_aad(params_digest: bytes, account_id: bytes) -> bytes:
    """The inner ciphertext's associated data: framed(InnerCiphertext, digest, account_id)."""
    check_account_id(account_id)
    return labels.framed(labels.INNER_CIPHERTEXT, params_digest, account_id)


def seal_inner(rkey: bytes, inner: bytes, params_digest: bytes, account_id: bytes) -> bytes:
    """rct = ChaCha20-Poly1305(rkey, 0, inner, inner_aad)."""
    return seal(rkey, ZERO_NONCE, inner, inner_aad(params_digest, account_id))


def open_inner(rkey: bytes, rct: bytes, params_digest: bytes, account_id: bytes) -> bytes | None:
    """The inner plaintext, or None if ``rct`` was not made under this key, release and
    account."""
    try:
        return open_(rkey, ZERO_NONCE, rct, inner_aad(params_digest, account_id))
    except DecryptionError:
        return None


def adct_aad(item_tag: bytes) -> bytes:
    """The adct's associated data: framed(AssociatedDataCiphertext, I2OSP(x, 32))."""
    return labels.framed(labels.ASSOCIATED_DATA_CIPHERTEXT, item_tag)


def pad_associated_data(item_id: bytes, associated_data: bytes, length: int) -> bytes:
    """pad(item_id, ad) = I2OSP(len(id), 1) || id || I2OSP(len(ad), 4) || ad || zeros."""
    body = (
        len(item_id).to_bytes(1, "big")
        + item_id
        + len(associated_data).to_bytes(4, "big")
        + associated_data
    )
    if len(body) > length:
        raise InvalidLengthError(
            f"item id and associated data need {len(body)} bytes, the configuration allows "
            f"{length}",
            field="associated_data",
        )
    return body + bytes(length - len(body))


def unpad_associated_data(padded: bytes) -> tuple[bytes, bytes]:
    """Inverse of pad(item_id, ad); raises DecryptionError on a malformed padding."""
    if len(padded) < 5:
        raise DecryptionError("malformed associated-data padding")
    id_len = padded[0]
    item_id = padded[1 : 1 + id_len]
    ad_len = int.from_bytes(padded[1 + id_len : 5 + id_len], "big")
    start = 5 + id_len
    if id_len == 0 or start + ad_len > len(padded) or any(padded[start + ad_len :]):
        raise DecryptionError("malformed associated-data padding")
    return item_id, padded[start : start + ad_len]


def seal_associated_data(adkey: bytes, item_tag: bytes, padded: bytes, rng: Randomness) -> bytes:
    """adct = nonce || ChaCha20-Poly1305(adkey, nonce, pad(id, ad), adct_aad(x))."""
    if len(item_tag) != SHARE_ELEMENT_LENGTH:
        raise InvalidLengthError("item tags are 32 bytes", field="item_tag")
    nonce = rng.random_bytes(NONCE_LENGTH)
    return nonce + seal(adkey, nonce, padded, adct_aad(item_tag))


def open_associated_data(adkey: bytes, item_tag: bytes, adct: bytes) -> tuple[bytes, bytes] | None:
    """(item_id, associated_data) of a real share's adct, or None if it does not decrypt
    under this key and item tag or its padding is malformed (a misbehaving client)."""
    try:
        padded = open_(adkey, adct[:NONCE_LENGTH], adct[NONCE_LENGTH:], adct_aad(item_tag))
        return unpad_associated_data(padded)
    except DecryptionError:
        return None
