# make run   - the product on an embedded default (SQLite, in-process tasks, database search)
# make test  - real PostgreSQL, Redis and Elasticsearch; lint, checks, the whole suite
# make bench - benchmarks against the same real services
# make fuzz  - schemathesis over the OpenAPI schema (stateful, through its links): 0 server errors
# make faults - fault injection against services of its own -> bench/results/faults.md (about 8 min)
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= config.settings.dev

.PHONY: run test bench fuzz venv services-start services-stop lint format clean
.PHONY: run test bench faults venv services-start services-stop lint format clean

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	touch $@

venv: $(VENV)/.installed

run: venv
	PORT=$(PORT) PY=$(PY) bash scripts/run.sh

test: venv
	bash scripts/test.sh

bench: venv
	bash scripts/bench.sh

fuzz: venv
	bash scripts/fuzz.sh
faults: venv
	bash scripts/faults.sh

services-start:
	bash scripts/install_services.sh && bash scripts/services.sh start

services-stop:
	bash scripts/services.sh stop

lint: venv
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

format: venv
	$(VENV)/bin/ruff format . && $(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
