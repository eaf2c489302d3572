# The two commands a newcomer needs: `make demo` and `make test`. Both install what they need.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: install install-dev catalogs demo serve test bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# Argos Translate is installed without its dependencies on purpose: the portal runs its models
# with ctranslate2 + sentencepiece directly and must not pull in torch, stanza or spaCy.
$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	$(BIN)/pip install -q --no-deps argostranslate==1.11.0
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

catalogs: install
	$(FLASK) translate compile

# Install, build the SQLite database, load the demo clinic and serve it at http://$(HOST):$(PORT)
demo: catalogs
	$(FLASK) db upgrade
	$(FLASK) portal seed-demo
	$(MAKE) --no-print-directory serve

# The queue consumer (translations) runs beside gunicorn and stops with it.
serve:
	$(BIN)/huey_consumer portal.language.jobs.huey --workers 1 --worker-type thread & consumer=$$!; \
	trap 'kill $$consumer 2>/dev/null' EXIT INT TERM; \
	$(BIN)/gunicorn --workers 2 --threads 4 --bind $(HOST):$(PORT) --access-logfile - app:app

test: install-dev catalogs
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: install-dev catalogs
	for script in bench/bench_*.py; do $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts
