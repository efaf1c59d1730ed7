# make run   - the product on an embedded default (SQLite, in-process tasks, database search)
# make test  - real PostgreSQL, Redis and Elasticsearch; lint, checks, the whole suite
# make bench - benchmarks against the same real services
# make faults - fault injection against services of its own -> bench/results/faults.md (about 8 min)
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= config.settings.dev

.PHONY: run test bench faults venv services-start services-stop lint format clean

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	touch $@

venv: $(VENV)/.installed

run: venv
	mkdir -p var
	DJANGO_SETTINGS_MODULE=config.settings.dev $(PY) manage.py migrate --noinput -v 0
	DJANGO_SETTINGS_MODULE=config.settings.dev $(PY) manage.py import_holidays cases/data/holidays_vn_2025_2027.csv
	DJANGO_SETTINGS_MODULE=config.settings.dev $(PY) manage.py seed_demo
	@echo ""
	@echo "  Public site:  http://127.0.0.1:$(PORT)/"
	@echo "  Staff admin:  http://127.0.0.1:$(PORT)/admin/"
	@echo "  Demo logins (password: demo): intake, inspector, head, director, auditor, admin"
	@echo ""
	DJANGO_SETTINGS_MODULE=config.settings.dev $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: venv
	bash scripts/test.sh

bench: venv
	bash scripts/bench.sh

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
