# littlegiants: `make run` (baseline scenario + report) and `make test` (lint + tests).
# Both build .venv with the first Python >= 3.12 found: on PATH first, then pyenv.

SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
SEEDS ?= 5

# PATH candidates, then pyenv's installed versions (newest first).
PYTHON_CANDIDATES := python3.13 python3.12 python3 \
	$(shell ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[2-9]*/bin/python 2>/dev/null | sort -rV)

define find_python
for c in $(PYTHON_CANDIDATES); do \
  p=$$(command -v $$c 2>/dev/null) || continue; \
  if $$p -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then \
    echo $$p; exit 0; fi; \
done; exit 1
endef

.PHONY: run test venv dev lint format clean browser fuzz benchmark profile calibrate validate docs \
	app app-install loadtest

$(VENV)/.created:
	@base=$$($(find_python)) || { \
	  echo "littlegiants needs Python >= 3.12 (Mesa 3.5 requires it)." >&2; \
	  echo "Looked on PATH (python3.13, python3.12, python3) and in pyenv (~/.pyenv/versions/3.12+)." >&2; \
	  echo "Install one, e.g. 'pyenv install 3.12', and run make again." >&2; exit 1; }; \
	echo "Creating $(VENV) with $$base"; \
	$$base -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	@touch $@

$(VENV)/.installed: $(VENV)/.created pyproject.toml
	$(PY) -m pip install --quiet -e .
	@touch $@

# The classroom page's packages (the app extra) and its browser files, fetched once.
$(VENV)/.app: $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[app]'
	@touch $@

app-install: $(VENV)/.app
	$(VENV)/bin/littlegiants app-assets

# The classroom page on http://127.0.0.1:8765 (Ctrl+C stops it).
app: app-install
	$(VENV)/bin/littlegiants app

$(VENV)/.dev: $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

venv: $(VENV)/.installed

dev: $(VENV)/.dev

run: $(VENV)/.installed
	$(VENV)/bin/littlegiants run scenarios/baseline.toml --seeds $(SEEDS) --out runs/baseline --overwrite

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

# Browser tests drive Debian's chromium (never a downloaded browser).
CHROMIUM ?= /usr/bin/chromium

# Solara's page files come from npm; fetch them once at install time, so the
# classroom page and its browser test work offline afterwards.
browser: $(VENV)/.dev
	$(VENV)/bin/littlegiants app-assets
	@if [ ! -x "$(CHROMIUM)" ]; then \
	  echo "Installing Debian's chromium for the browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq chromium; fi; \
	fi

test: lint browser
	CHROMIUM=$(CHROMIUM) $(VENV)/bin/pytest -n auto --dist loadfile

# Ten classroom pages playing at once against one server (not in `make test`: ~2 min of
# both cores, and its speed depends on what else the machine runs). Writes runs/screens/load.json.
loadtest: browser
	LITTLEGIANTS_LOADTEST=1 CHROMIUM=$(CHROMIUM) $(VENV)/bin/pytest tests/test_browser_load.py -s

# Opt-in, not in CI: 1,000 hypothesis draws over the whole parameter space (issue 7).
fuzz: $(VENV)/.dev
	HYPOTHESIS_PROFILE=fuzz $(VENV)/bin/pytest tests/test_parameter_space.py \
	  -k any_allowed -p no:cacheprovider --hypothesis-show-statistics

benchmark: $(VENV)/.dev
	$(VENV)/bin/python experiments/benchmark.py

# Seconds per phase of the quarter in one 1:1 run (before and after a speed change)
profile: $(VENV)/.dev
	$(VENV)/bin/python experiments/profile_phases.py --scale 1

# ABC-SMC in one stage (experiments/calibration.toml); rerunning resumes runs/calibration.
calibrate: $(VENV)/.installed
	$(VENV)/bin/littlegiants calibrate experiments/calibration.toml --out runs/calibration

validate: $(VENV)/.installed
	$(VENV)/bin/littlegiants validate baseline --seeds 5 --overwrite

docs: $(VENV)/.installed
	$(VENV)/bin/littlegiants docs

format: $(VENV)/.dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) runs .pytest_cache .ruff_cache
