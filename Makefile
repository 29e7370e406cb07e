# Two commands on a fresh clone: `make run` and `make test`. Each sets itself up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run serve test lint validate bench audit clean check-system translations

MO_FILES := $(patsubst %.po,%.mo,$(wildcard translations/*/LC_MESSAGES/messages.po))

$(STAMP): pyproject.toml
	@$(MAKE) --no-print-directory check-system
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip setuptools
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $(STAMP)

# Compiled translation catalogues, rebuilt whenever a .po file changes.
translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po $(STAMP)
	$(BIN)/pybabel compile -d translations -l $* --use-fuzzy >/dev/null

translations: $(MO_FILES)

# WeasyPrint needs Pango from the system, and fonts for Arabic, Cyrillic and CJK scripts.
# Install them when we can (root on Debian/Ubuntu), or say plainly what is missing.
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core fonts-noto-core fonts-noto-cjk
check-system:
	@missing=""; \
	ldconfig -p 2>/dev/null | grep -q libpango-1.0 || missing="$$missing libpango-1.0-0 libpangoft2-1.0-0"; \
	fc-list 2>/dev/null | grep -q "Noto Sans Arabic" || missing="$$missing fonts-noto-core"; \
	fc-list 2>/dev/null | grep -q "Noto Sans CJK" || missing="$$missing fonts-noto-cjk"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing system packages for PDF rendering:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "Missing system packages:$$missing (Debian/Ubuntu: sudo apt-get install$$missing)"; \
	    case "$$missing" in *pango*) exit 1;; esac; \
	  fi; \
	fi

run: check-system $(STAMP) $(MO_FILES)
	$(BIN)/tna db-upgrade
	@$(BIN)/tna demo-users
	@$(BIN)/tna demo-data
	@echo "Sign in at http://$(HOST):$(PORT)/sign-in with one of the demo accounts above."
	$(BIN)/flask --app webapp run --host $(HOST) --port $(PORT)

# Production-style serving: gunicorn, several workers, migrations applied first.
serve: $(STAMP) $(MO_FILES)
	$(BIN)/tna db-upgrade
	$(BIN)/gunicorn -c gunicorn.conf.py 'webapp:create_app()'

audit: $(STAMP)
	@scripts/audit.sh $(BIN)

# Bounded load on 127.0.0.1 only; prints ratios against baselines measured in the same run.
bench: $(STAMP) $(MO_FILES)
	$(BIN)/python bench/run.py $(BENCH_ARGS)
	$(BIN)/python bench/portfolio.py
	$(BIN)/python bench/national.py

test: check-system $(STAMP) $(MO_FILES) lint
	$(BIN)/python -m pytest -q -n 2 --dist loadfile
	@scripts/test-postgres.sh $(BIN)/python

# ruff on everything; mypy in strict mode on the engine (questionnaires/ and reports/).
lint: $(STAMP)
	$(BIN)/ruff check questionnaires reports webapp tests bench scripts
	$(BIN)/mypy questionnaires reports

validate: $(STAMP) $(MO_FILES)
	$(BIN)/tna validate

clean:
	rm -rf $(VENV) instance/*.sqlite3 .pytest_cache
