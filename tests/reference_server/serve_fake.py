"""Runs the reference server with the stand-in matcher in a child process (durability tests).

``python -m tests.reference_server.serve_fake DB_URL PORT`` serves on 127.0.0.1:PORT. The
matcher is the test stand-in; storage, HTTP stack and intake are the real ones.
"""

from __future__ import annotations

import sys

import uvicorn

from reference_server.app import create_app
from reference_server.settings import Settings
from tests.reference_server.fakes import FakeMatcher


def main() -> None:
    db_url, port = sys.argv[1], int(sys.argv[2])
    app = create_app(Settings(db_url=db_url, schedule_interval_s=0), matcher=FakeMatcher(3))
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    main()
