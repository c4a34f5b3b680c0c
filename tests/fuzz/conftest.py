"""The in-process server fixtures, shared with tests/reference_server."""

from tests.reference_server.conftest import server, staff_keys

__all__ = ["server", "staff_keys"]
