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

# Unit tests (pairing check included), then every notebook executed by nbval, then ruff.
test: $(STAMP)
	$(BIN)/python -m pytest -m "not browser" tests
	$(BIN)/python -m pytest --nbval-lax --nbval-current-env -p no:python nbs/
	$(BIN)/ruff check paperlib tests nbs

# A chapter executed with each of SEEDS at its defaults (asserts off), every line it printed
# recorded in results/CHAPTER/cpu-seeds.json: the values behind the ranges its text quotes.
# Refused with uncommitted changes to tracked files, so that the recorded commit is the code that ran.
CHAPTER ?= wgan_gp
SEEDS   ?= 0 1 2 3
seeds: $(STAMP)
	@git diff --quiet HEAD -- || { echo "make seeds: commit first; the record names the commit it ran"; exit 1; }
	mkdir -p runs/seeds
	for k in $(SEEDS); do \
	  $(BIN)/papermill nbs/$(CHAPTER).ipynb runs/seeds/$(CHAPTER)-seed$$k.ipynb --cwd nbs -p seed $$k -p check False || exit 1; \
	done
	$(BIN)/python -c 'import sys, paperlib; paperlib.record_seeds(sys.argv[1], sys.argv[2:])' \
	  $(CHAPTER) $(foreach k,$(SEEDS),runs/seeds/$(CHAPTER)-seed$(k).ipynb)
	@echo "recorded in results/$(CHAPTER)/cpu-seeds.json"

clean:
	rm -rf _build
