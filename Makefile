# Two commands for a newcomer: `make run` (set up + run the pipeline) and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: help setup run test test-fast train evaluate clean-data

## help: list the targets
help:
	@grep -E '^## ' Makefile | sed 's/^## /  /'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

## setup: create .venv and install the project with its test tools
setup: $(STAMP)

## run: set up, then run every stage over data/raw into data/processed
run: $(STAMP)
	$(PY) -m pipeline run data/raw --out data/processed

## test: the whole test suite (what CI runs)
test: $(STAMP)
	$(PY) -m pytest

## test-fast: skip tests marked slow
test-fast: $(STAMP)
	$(PY) -m pytest -m "not slow"

## train: cross-validate and refit models/clause_classifier.skops from data/annotated
train: $(STAMP)
	$(PY) -m pipeline train

## evaluate: grouped-CV classifier figures and fact precision/recall per type
evaluate: $(STAMP)
	$(PY) -m pipeline evaluate

## clean-data: delete generated data (data/interim, data/processed)
clean-data:
	rm -rf data/interim data/processed
