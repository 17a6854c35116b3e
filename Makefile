# container-kg: `make demo` and `make test` work from a fresh clone with only Python.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
KG     := $(BIN)/kg
STAMP  := $(VENV)/.installed
DEVSTAMP := $(VENV)/.installed-dev

.PHONY: demo demo-landscape notebooks test test-fast fuzz lint bench bench-quick clean help

help:
	@echo "make demo   - set up, build and validate the graph, tell its story, write out/"
	@echo "make demo-landscape - the same with the 2026 CNCF landscape imported (../shared/data)"
	@echo "make notebooks - install the notebooks extra and open Jupyter Lab on notebooks/"
	@echo "make test   - set up, lint, type-check and run every test"
	@echo "make test-fast - the unit tests only (no browser, server, notebook or real-data tests)"
	@echo "make fuzz   - the property-based tests, long (thousands of examples per target)"
	@echo "make bench  - run the benchmarks and print the table (benchmarks/RESULTS.md)"
	@echo "make bench-quick - the same at 10k triples and on the real data only (no RESULTS.md)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(DEVSTAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@ $(STAMP)

demo: $(STAMP)
	@$(KG) build
	@$(KG) validate
	@echo; echo "== What the graph holds"
	@$(KG) stats --brief
	@echo; echo "== Who did Docker buy, and when?   (kg query acquisitions-by -p acquirer Docker)"
	@$(KG) query acquisitions-by -p acquirer Docker
	@echo; echo "== Who owned CoreOS on 2020-01-01?   (kg query owner-on -p entity CoreOS -p date 2020-01-01)"
	@$(KG) query owner-on -p entity CoreOS -p date 2020-01-01
	@echo; echo "== VMware, from Heptio to Broadcom   (kg timeline VMware --from 2018 --type Acquisition --type SpinOff)"
	@$(KG) timeline VMware --from 2018 --type Acquisition --type SpinOff
	@echo; echo "== The organisations at the centre   (kg centrality --top 8)"
	@$(KG) centrality --view organizations --metric pagerank --top 8
	@mkdir -p out
	@$(KG) query --format csv companies-by-category > out/companies-by-category.csv
	@$(KG) query --format csv acquisitions-by > out/acquisitions.csv
	@$(KG) centrality --view organizations --all --format csv > out/centrality.csv 2>/dev/null
	@$(KG) viz --view organizations --out out/organizations.html > /dev/null
	@$(KG) viz --view ecosystem --out out/ecosystem.html > /dev/null
	@$(KG) viz --view deals --out out/deals.html > /dev/null
	@echo; echo "wrote out/: companies-by-category.csv acquisitions.csv centrality.csv organizations.html ecosystem.html deals.html"
	@echo "open out/organizations.html in a browser (no network needed): click an edge for its event and sources, move the slider through the years"

# The same, with the 2026 CNCF landscape imported and linked to the curated graph.
LANDSCAPE ?= ../shared/data/cncf-landscape/landscape-2026-08-07.yml
GUIDE     ?= ../shared/data/cncf-landscape/guide-2026-07-02.yml
demo-landscape: $(STAMP)
	$(KG) import landscape $(LANDSCAPE) --guide $(GUIDE)
	$(KG) build
	$(KG) query graduated-projects-of-essay-companies
	@mkdir -p out
	$(KG) viz --view ecosystem --out out/landscape.html
	@echo "open out/landscape.html in a browser: one node per landscape category, click one to open it"

# The notebooks read the built graph (dist/): build it, install Jupyter, open the folder.
notebooks: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[notebooks]'
	$(KG) build
	$(BIN)/jupyter lab notebooks/

test: $(DEVSTAMP)
	$(BIN)/ruff check kg tests benchmarks
	$(BIN)/ruff format --check kg tests benchmarks
	$(BIN)/mypy kg
	$(BIN)/python -m pytest -q -n auto --dist loadfile --durations=15

test-fast: $(DEVSTAMP)
	$(BIN)/python -m pytest -q -m "not slow" -n auto

fuzz: $(DEVSTAMP)
	KG_FUZZ_PROFILE=long $(BIN)/python -m pytest -q tests/fuzz

bench: $(DEVSTAMP)
	@# the README quotes the run even when a line fails; make still reports the failure
	$(BIN)/python -m benchmarks; status=$$?; $(BIN)/python -m benchmarks.readme; exit $$status

bench-quick: $(DEVSTAMP)
	$(BIN)/python -m benchmarks --quick

clean:
	rm -rf dist out .pytest_cache .mypy_cache .ruff_cache
