"""``vouchsafe compare``: the expert-process options as detection modes, side by side.

Each option the EU Internet Forum expert process (2020) assessed for detecting known material in
end-to-end encrypted services is a runnable *detection mode* (``modes/``) behind one interface
(``modes/base.py``). The harness (``run.py``) sends one scenario (``scenarios/*.yaml``) through
every mode, records every message in a transcript (``transcript.py``), derives the leakage ledger
from those transcripts (``ledger.py``) and writes one HTML report plus JSON (``report.py``).

It lives under ``vouchsafe/`` rather than at the repository root because it is test-bench tooling
driven by the CLI, like ``vouchsafe.corpus``: already packaged and type-checked there, and a
top-level package named ``compare`` would be a generic name in site-packages.
"""
