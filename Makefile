# Every target sets up what it needs itself: a fresh machine needs only Python >= 3.11.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ANCHORS := $(VENV)/.anchors

.PHONY: demo test bench fuzz lint proto clean

$(STAMP): pyproject.toml scripts/ensure_system_deps.sh
	scripts/ensure_system_deps.sh
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python >= 3.11 is required"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The end-to-end demo, then the detection-mode comparison it links to (all modes but the two
# slowest, multi_party and he_match; `vouchsafe compare` alone runs every mode).
FAST_MODES := none server_plaintext local_match hash_upload partial_hash tpsi psi_per_item third_party enclave_sim

demo: $(STAMP)
	$(BIN)/vouchsafe demo
	$(BIN)/vouchsafe compare --modes $(FAST_MODES)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

test: lint
	$(BIN)/pytest -m "not slow" --ignore=tests/benchmarks -p no:cacheprovider

# The fuzz tests with FUZZ_EXAMPLES examples each (make test runs them with 40): every decoder
# and every route's body parser; hypothesis prints how many examples each test ran.
FUZZ_EXAMPLES ?= 1000
fuzz: $(STAMP)
	VOUCHSAFE_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/pytest tests/fuzz tests/reference_server/test_never_500.py \
		-p no:cacheprovider --hypothesis-show-statistics -q

# The optional comparison anchors (pdqhash, imagehash, openmined-psi). If they cannot be
# installed, make bench still runs and their rows say "not installed".
$(ANCHORS): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,anchors]' && touch $(ANCHORS) \
		|| echo "warning: the [anchors] extra did not install; its rows will say 'not installed'"

# Benchmarks (never run by make test): JSON, then a Markdown table and a PNG plot in out/bench/.
# The report is written even when a benchmark failed; the target still fails then.
bench: $(ANCHORS)
	mkdir -p out/bench
	$(BIN)/pytest tests/benchmarks --benchmark-only --benchmark-json=out/bench/benchmarks.json --durations=15 \
		-p no:cacheprovider; status=$$?; \
		$(BIN)/vouchsafe bench report --json out/bench/benchmarks.json && exit $$status

proto: $(STAMP)
	$(BIN)/python -m vouchsafe.protocol.build

clean:
	rm -rf $(VENV) out .mypy_cache .ruff_cache .pytest_cache .benchmarks
