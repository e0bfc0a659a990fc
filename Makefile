# The two commands of the README. Both create .venv when missing and install the project into it.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: install book test lint clean seeds

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

# Execute every chapter with its default parameters and build the HTML book in _build/html.
# raise_on_error in _config.yml makes a failing chapter fail the build; -W makes warnings errors.
# Then every built page is opened offline in headless Chromium (skipped without Chromium, except under CI).
book: $(STAMP)
	$(BIN)/jupyter-book build . -W -n --keep-going
	$(BIN)/python -m pytest -m browser tests/test_book_in_browser.py

# Unit tests (pairing check included; every chapter executed end to end at the smoke scale of
# tests/test_smoke.py, the claims being checked by `make book`'s one CPU-scale execution), then ruff.
# The 20 slowest tests are listed at the end: where the suite's time goes, in every CI log.
test: $(STAMP)
	$(BIN)/python -m pytest -m "not browser" --durations=20 tests
	$(BIN)/ruff check paperlib tests nbs

# A chapter executed with each of SEEDS at its defaults (asserts off), every line it printed
# recorded in results/CHAPTER/cpu-seeds.json: the values behind the ranges its text quotes; then
# with each of CHECK_SEEDS with asserts on, every failing assert reported with its seed (exit 1).
# Refused with uncommitted changes to tracked files, so that the recorded commit is the code that ran.
CHAPTER     ?= wgan_gp
SEEDS       ?= 0 1 2 3
CHECK_SEEDS ?= 4 5 6 7
seeds: $(STAMP)
	@git diff --quiet HEAD -- || { echo "make seeds: commit first; the record names the commit it ran"; exit 1; }
	$(BIN)/python -m paperlib.chapter.seeds $(CHAPTER) --seeds $(SEEDS) --check-seeds $(CHECK_SEEDS)

clean:
	rm -rf _build
