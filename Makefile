# Two commands on a fresh clone: `make run` and `make test`. Each sets itself up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEPS := $(VENV)/.locked-stamp
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run serve test lint lock validate decision-table bench audit clean check-system check-test-system translations

MO_FILES := $(patsubst %.po,%.mo,$(wildcard translations/*/LC_MESSAGES/messages.po))

# The virtualenv holds exactly the versions in requirements.lock, checked against their hashes;
# the project itself is installed on top without touching them. `make lock` refreshes the lock.
$(DEPS): requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	@touch $(DEPS)

$(STAMP): $(DEPS) pyproject.toml
	$(BIN)/python -m pip install -qq --no-deps --no-build-isolation -e .
	@$(BIN)/python -m pip check >/dev/null || { $(BIN)/python -m pip check; \
	  echo "requirements.lock does not satisfy pyproject.toml: run 'make lock'."; exit 1; }
	@touch $(STAMP)

# Exact versions (with hashes) of every dependency, test tools and build backend included, within
# the ranges of pyproject.toml. `make lock` moves all of them to the newest allowed releases;
# `make lock LOCK_ARGS="--upgrade-package weasyprint"` moves one; `LOCK_ARGS=` only adds what a
# changed pyproject.toml needs. Extras stay in the lock ("fonttools[woff]==…"): without them, pip
# checking hashes may try a newer release for a dependency that asks for the extra, and refuse it.
LOCK_ARGS ?= --upgrade
lock: $(DEPS)
	$(BIN)/pip-compile --quiet $(LOCK_ARGS) --extra test --all-build-deps --generate-hashes --allow-unsafe \
	  --no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml

# Compiled translation catalogues, rebuilt whenever a .po file changes.
translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po $(STAMP)
	$(BIN)/pybabel compile -d translations -l $* --use-fuzzy >/dev/null

translations: $(MO_FILES)

# What pip cannot install: Pango for WeasyPrint, fonts for every script, and for the tests Chromium.
# As root on Debian or Ubuntu they are installed; otherwise the script prints the command to run.
check-system:
	@scripts/system-packages.sh run

check-test-system:
	@scripts/system-packages.sh test

run: check-system $(STAMP) $(MO_FILES)
	$(BIN)/tna db-upgrade
	@$(BIN)/tna demo-users
	@$(BIN)/tna demo-data
	@echo "Sign in at http://$(HOST):$(PORT)/sign-in with one of the demo accounts above."
	$(BIN)/flask --app webapp run --host $(HOST) --port $(PORT)

# Production-style serving: gunicorn, several workers, migrations applied first.
serve: check-system $(STAMP) $(MO_FILES)
	$(BIN)/tna db-upgrade
	$(BIN)/gunicorn -c gunicorn.conf.py 'webapp:create_app()'

audit: $(STAMP)
	@scripts/audit.sh $(BIN)

# Bounded load on 127.0.0.1 only; prints ratios against baselines measured in the same run.
bench: check-system $(STAMP) $(MO_FILES)
	$(BIN)/python bench/run.py $(BENCH_ARGS)
	@url=$${BENCH_POSTGRES_URL:-$$(scripts/local-postgres.sh tna_bench)}; \
	  $(BIN)/python bench/portfolio.py $${url:+--postgres "$$url"}
	$(BIN)/python bench/national.py

test: check-test-system $(STAMP) $(MO_FILES) lint
	$(BIN)/python -m pytest -q -n 2 --dist loadfile
	@scripts/test-postgres.sh $(BIN)/python
	@if [ "$(SKIP_BROWSER)" = 1 ] && ! scripts/system-packages.sh has-browser; then \
	  n=$$($(BIN)/python -m pytest --collect-only -q tests/browser 2>/dev/null | grep -c '::'); \
	  echo "SKIP_BROWSER=1: $$n browser tests were skipped (sudo apt-get install -y chromium to run them)."; \
	fi

# ruff on everything; mypy in strict mode on the engine (questionnaires/ and reports/).
lint: $(STAMP)
	$(BIN)/ruff check questionnaires reports webapp tests bench scripts
	$(BIN)/mypy questionnaires reports

validate: $(STAMP) $(MO_FILES)
	$(BIN)/tna validate

# After a change to resources.yaml, the questionnaire's topics or functions, or the rules in
# reports/recommend.py: regenerate the table experts check (tests/test_fit.py compares it).
decision-table: $(STAMP)
	$(BIN)/tna explain -o docs/decision-table.md

clean:
	rm -rf $(VENV) instance/*.sqlite3 .pytest_cache
