"""The threshold PSI with associated data protocol (tPSI-AD), both roles, one function per
step of ``protocol/SPEC.md``.

Server: :func:`generate_server_keys`, :func:`blind_hash_set`, :func:`process_voucher` (outer
step), :class:`AccountRecovery` / :func:`recover_associated_data` (inner step, incremental or
at once). Device: :func:`new_account` / :func:`account_from_secret`, a
:class:`SyntheticSchedule` per device, :func:`generate_voucher`. Randomness is an optional explicit
``rng`` keyword everywhere; the default is the operating system's CSPRNG.
"""

from vouchsafe.sdk.tpsi.account import AccountKeys, account_from_secret, new_account
from vouchsafe.sdk.tpsi.messages import (
    OpenedVoucher,
    RecoveredItem,
    RecoveryResult,
    SafetyVoucher,
    VoucherHalf,
)
from vouchsafe.sdk.tpsi.params import (
    CIPHERSUITE,
    BlindedHashSet,
    CuckooReport,
    ServerKey,
    ServerParams,
)
from vouchsafe.sdk.tpsi.recovery import AccountRecovery, RecoveryUpdate
from vouchsafe.sdk.tpsi.schedule import SyntheticSchedule
from vouchsafe.sdk.tpsi.server_inner import recover_associated_data
from vouchsafe.sdk.tpsi.server_outer import process_voucher
from vouchsafe.sdk.tpsi.server_setup import blind_element, blind_hash_set, generate_server_keys
from vouchsafe.sdk.tpsi.verify import verify_blinded_hash_set
from vouchsafe.sdk.tpsi.voucher import generate_voucher

__all__ = [
    "CIPHERSUITE",
    "AccountKeys",
    "AccountRecovery",
    "BlindedHashSet",
    "CuckooReport",
    "OpenedVoucher",
    "RecoveredItem",
    "RecoveryResult",
    "RecoveryUpdate",
    "SafetyVoucher",
    "ServerKey",
    "ServerParams",
    "SyntheticSchedule",
    "VoucherHalf",
    "account_from_secret",
    "blind_element",
    "blind_hash_set",
    "generate_server_keys",
    "generate_voucher",
    "new_account",
    "process_voucher",
    "recover_associated_data",
    "verify_blinded_hash_set",
]
