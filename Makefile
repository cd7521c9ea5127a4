# Two commands for a newcomer: `make run` (set up + run the pipeline) and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: help setup run test test-fast train models evaluate bench lint clean-data

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

## run: set up, run every stage over data/raw into data/processed, write the report to reports/
run: $(STAMP)
	$(PY) -m pipeline run data/raw --out data/processed
	$(PY) -m pipeline report data/processed --out reports/

## test: the whole test suite (what CI runs)
test: $(STAMP)
	$(PY) -m pytest

## test-fast: skip tests marked slow
test-fast: $(STAMP)
	$(PY) -m pytest -m "not slow"

## train: cross-validate and refit the committed models/clause_classifier.skops, then `models`
train: $(STAMP)
	$(PY) -m pipeline train --out models
	$(MAKE) models

## models: copy models/ (where training writes) into the package (what runs load and wheels ship)
models:
	cp models/*.skops models/*.json pipeline/models/

## evaluate: grouped-CV classifier figures and fact precision/recall per type
evaluate: $(STAMP)
	$(PY) -m pipeline evaluate

$(VENV)/.bench-installed: $(STAMP)
	$(PY) -m pip install --quiet -e ".[bench]"
	touch $@

## bench: throughput, warm re-run, memory, start-up on generated corpora (SIZES="100 1000"),
##        our word segmentation against word_tokenize, then the cost of each step on one worker
SIZES ?= 100 1000
bench: $(VENV)/.bench-installed
	$(PY) benchmarks/run_benchmarks.py --sizes $(SIZES)
	$(PY) benchmarks/wordseg.py --sizes $(SIZES)
	$(PY) benchmarks/stage_costs.py --size 200 --form unique

## lint: ruff over the package, tests and benchmarks
lint: $(STAMP)
	$(PY) -m pip install --quiet ruff
	$(PY) -m ruff check pipeline tests benchmarks

## clean-data: delete generated data (data/interim, data/processed)
clean-data:
	rm -rf data/interim data/processed
