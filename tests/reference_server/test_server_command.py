"""``vouchsafe server`` as an operator starts it, and settings from the environment."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from vouchsafe.demo.server_process import ServerProcess
from vouchsafe.sdk.api import ApiClient
from vouchsafe.sdk.errors import ServerRejected
from vouchsafe.server.errors import InvalidArgument
from vouchsafe.server.settings import load_staff_keys, settings_from_env


def test_server_command_serves_and_refuses_vouchers_without_a_hash_set(tmp_path: Path) -> None:
    with ServerProcess(tmp_path / "s.db", tmp_path / "s.log") as server:
        client = ApiClient(server.url, Ed25519PrivateKey.generate())
        assert not client.ready()
        client.register(handle="carol")
        assert client.lookup(handle="carol").account_id == client.account_id
        with pytest.raises(ServerRejected) as refused:
            client.upload_voucher(secrets.token_bytes(32), b"x")
        assert (refused.value.status, refused.value.server_code) == (503, "not_ready")
        client.close()
    assert (tmp_path / "s.db.provider-key").stat().st_mode & 0o077 == 0


def test_settings_come_from_the_environment_and_flags_win(tmp_path: Path) -> None:
    env = {
        "VOUCHSAFE_DB": "memory:",
        "VOUCHSAFE_MATCH_THRESHOLD": "7",
        "VOUCHSAFE_RATE_LIMIT_PER_MINUTE": "5",
    }
    settings = settings_from_env(env, rate_limit_per_minute=9)
    assert (settings.db_url, settings.match_threshold, settings.rate_limit_per_minute) == (
        "memory:",
        7,
        9,
    )
    with pytest.raises(InvalidArgument):
        settings_from_env({"VOUCHSAFE_MATCH_THRESHOLD": "many"})


def test_staff_keys_file_is_checked(tmp_path: Path) -> None:
    path = tmp_path / "staff.json"
    path.write_text('[{"name": "r", "role": "user", "public_key": "' + "00" * 32 + '"}]')
    with pytest.raises(InvalidArgument):
        load_staff_keys(path)
    honest = Ed25519PrivateKey.generate().public_key().public_bytes_raw().hex()
    path.write_text('[{"name": "r", "role": "reviewer", "public_key": "' + honest + '"}]')
    assert load_staff_keys(path)[0].role == "reviewer"


def test_staff_keygen_writes_a_private_seed_and_never_overwrites(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from vouchsafe.cli import main

    out = tmp_path / "r1.key"
    assert main(["staff", "keygen", "--out", str(out)]) == 0
    public_hex = capsys.readouterr().out.split("public key ")[1].strip()
    key = Ed25519PrivateKey.from_private_bytes(out.read_bytes())
    assert key.public_key().public_bytes_raw().hex() == public_hex
    assert out.stat().st_mode & 0o077 == 0
    assert main(["staff", "keygen", "--out", str(out)]) == 2


def test_staff_command_without_a_server_is_one_clear_error(tmp_path: Path) -> None:
    from vouchsafe.cli import main

    key = tmp_path / "k"
    key.write_bytes(bytes(32))
    assert main(["staff", "queue", "--server", "http://127.0.0.1:9", "--key", str(key)]) == 2
    assert main(["staff", "queue", "--key", str(tmp_path / "missing")]) == 2


def test_the_scheduler_checkpoints_the_log_while_running_and_on_shutdown(tmp_path: Path) -> None:
    import time

    from starlette.testclient import TestClient

    from vouchsafe.server.app import create_app
    from vouchsafe.server.settings import Settings

    settings = Settings(db_url=f"sqlite:///{tmp_path / 'tick.db'}", schedule_interval_s=0.05)
    app = create_app(settings)
    ctx = app.state.ctx
    with TestClient(app) as http:
        client = ApiClient("http://testserver", Ed25519PrivateKey.generate())
        client.http = http
        client.register()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with ctx.storage.read() as tx:
                if tx.audit.last_checkpoint() and tx.tallies.between("0000", "9999"):
                    break
            time.sleep(0.05)
        with ctx.storage.read() as tx:
            assert tx.audit.last_checkpoint() is not None
            assert tx.tallies.between("0000", "9999")  # the registration was tallied
        client.register(handle="late")
    with ctx.storage.read() as tx:
        head, checkpoint = tx.audit.last(), tx.audit.last_checkpoint()
    assert head is not None and checkpoint is not None and checkpoint.seq == head.seq
