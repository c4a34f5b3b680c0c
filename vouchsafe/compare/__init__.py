"""``vouchsafe compare``: the expert-process options as detection modes, side by side.

Each option the EU Internet Forum expert process (2020) assessed for detecting known material in
end-to-end encrypted services is a runnable *detection mode* (``modes/``) behind one interface
(``modes/base.py``). The harness (``run.py``) sends one scenario (``scenarios/*.yaml``) through
every mode, records every message in a transcript (``transcript.py``), derives the leakage ledger
from those transcripts (``ledger.py``). ``study.py`` runs a scenario over several seeds
(``replicates.py``, intervals from ``stats.py``), scales it with the population model
(``population_model.py``) and optional sweeps; ``report.py`` writes one HTML report (template in
``templates/``, plain-language text in ``glossary.py``, conclusions from ``conclusions.py``,
charts from ``charts.py``) plus JSON.

It lives under ``vouchsafe/`` rather than at the repository root because it is test-bench tooling
driven by the CLI, like ``vouchsafe.corpus``: already packaged and type-checked there, and a
top-level package named ``compare`` would be a generic name in site-packages.
"""
