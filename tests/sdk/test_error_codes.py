"""One error-code enum: every error class uses it, the server sends only it, SPEC A.4 lists it."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from pathlib import Path
from types import ModuleType

import pytest

import vouchsafe.compare
import vouchsafe.messenger
import vouchsafe.protocol
import vouchsafe.sdk
import vouchsafe.server
import vouchsafe.threat_model
from vouchsafe.sdk.errors import CLIENT_ONLY_CODES, RETRYABLE_CODES, ErrorCode, VouchsafeError
from vouchsafe.server.errors import STATUS_BY_CODE, status_for
from vouchsafe.server.http import error_response

SPEC = Path(__file__).resolve().parents[2] / "protocol" / "SPEC.md"
SERVER_SIDE = (vouchsafe.sdk, vouchsafe.protocol, vouchsafe.server)
EVERYWHERE = (*SERVER_SIDE, vouchsafe.messenger, vouchsafe.compare, vouchsafe.threat_model)


def _error_classes(packages: tuple[ModuleType, ...]) -> set[type[VouchsafeError]]:
    found: set[type[VouchsafeError]] = set()
    for package in packages:
        modules = [package] + [
            importlib.import_module(info.name)
            for info in pkgutil.walk_packages(package.__path__, package.__name__ + ".")
            if not info.name.endswith("_pb2")
        ]
        for module in modules:
            for _, obj in inspect.getmembers(module, inspect.isclass):
                if issubclass(obj, VouchsafeError) and obj.__module__ == module.__name__:
                    found.add(obj)
    return found


def _spec_a4() -> dict[str, int]:
    text = SPEC.read_text(encoding="utf-8")
    section = text[text.index("## A.4 API errors") :]
    end = section.find("\n#", 1)
    section = section if end < 0 else section[:end]
    return {
        code: int(status)
        for code, status in re.findall(r"^\| `([a-z_]+)` \| (\d{3}) \|", section, re.M)
    }


def test_every_error_class_in_the_project_uses_the_enum() -> None:
    classes = _error_classes(EVERYWHERE)
    assert len(classes) > 60
    loose = {cls.__qualname__: cls.code for cls in classes if not isinstance(cls.code, ErrorCode)}
    assert loose == {}


def test_the_server_side_raises_no_client_only_code() -> None:
    leaked = {
        cls.__qualname__
        for cls in _error_classes((vouchsafe.server, vouchsafe.protocol))
        if cls.code in CLIENT_ONLY_CODES
    }
    assert leaked == set()


def test_spec_a4_lists_exactly_the_codes_the_server_can_send_with_their_status() -> None:
    listed = _spec_a4()
    sendable = {code.value for code in ErrorCode if code not in CLIENT_ONLY_CODES}
    assert set(listed) == sendable
    assert {code: status_for(ErrorCode(code)) for code in listed} == listed
    assert set(STATUS_BY_CODE) <= set(ErrorCode)


def test_every_code_the_spec_names_in_its_error_lists_is_in_the_enum() -> None:
    text = SPEC.read_text(encoding="utf-8")
    for heading in ("## 14. Errors", "### R.9 Release errors"):
        section = text[text.index(heading) :]
        section = section[: section.find("\n#", 1)]
        codes = set(re.findall(r"`([a-z]+(?:_[a-z]+)+)`", section))
        assert codes and codes <= {c.value for c in ErrorCode}, heading


def test_the_server_cannot_put_a_code_outside_the_enum_on_the_wire() -> None:
    with pytest.raises(ValueError):
        error_response("unavailable", "the old, drifted code")  # type: ignore[arg-type]
    assert error_response(ErrorCode.NOT_READY, "no hash set").status_code == 503


def test_retryable_codes_are_codes_the_server_sends() -> None:
    assert set(ErrorCode) - CLIENT_ONLY_CODES >= RETRYABLE_CODES
