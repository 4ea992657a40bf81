# Two commands on a fresh machine: `make run` and `make test`. Both create .venv when missing,
# install the project into it (again only when pyproject.toml changed) and compile translations.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PO     := $(wildcard data/locales/*/LC_MESSAGES/pustaka.po)
MO     := $(PO:.po=.mo)

.PHONY: run test test-postgres lint bench chaos i18n clean

run: $(STAMP) $(MO)
	@$(BIN)/pustaka run $(ARGS)

test: $(STAMP) $(MO)
	$(BIN)/ruff check bot cogs tests bench
	$(BIN)/ruff format --check bot cogs tests bench
	$(BIN)/lint-imports
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The suite again on a throwaway PostgreSQL server started from the system's binaries (initdb,
# pg_ctl; Debian's postgresql package) in a temporary folder, each test in a fresh database.
test-postgres: $(STAMP) $(MO)
	$(BIN)/python -m tests.postgres $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check --fix bot cogs tests bench
	$(BIN)/ruff format bot cogs tests bench

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "Pustaka needs Python 3.11 or newer: set PYTHON=python3.11"; exit 1; }
	@test -x $(BIN)/python || echo "Creating $(VENV), Pustaka's own Python environment…" >&2
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Installing Pustaka and its libraries into $(VENV) (a minute or so the first time;"\
		"again only when pyproject.toml changes)…" >&2
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@echo "Installed." >&2
	@touch $@

data/locales/%/LC_MESSAGES/pustaka.mo: data/locales/%/LC_MESSAGES/pustaka.po $(STAMP)
	@$(BIN)/pybabel --quiet compile -i $< -o $@

# Refresh the message template and both catalogs after changing user-facing strings.
i18n: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k N_ --no-location --sort-output -w 100 \
		-o data/locales/pustaka.pot bot cogs
	$(BIN)/pybabel update -i data/locales/pustaka.pot -d data/locales -D pustaka -w 100 \
		--no-fuzzy-matching --ignore-obsolete --ignore-pot-creation-date

# Speed and memory measurements; results and how to read them are in BENCHMARKS.md.
bench: $(STAMP) $(MO)
	$(BIN)/python bench/telegram_latency.py
	$(BIN)/python bench/outbox.py
	$(BIN)/python bench/catalog_search.py --titles 1000000
	$(BIN)/python bench/recommend.py
	$(BIN)/python bench/catalog_import.py
	$(BIN)/python bench/catalog_sync.py
	$(BIN)/python bench/quiz_burst.py
	$(BIN)/python bench/scheduler.py
	$(BIN)/python bench/content_calendar.py
	$(BIN)/python bench/privacy.py
	$(BIN)/python bench/announce.py
	$(BIN)/python bench/stats.py
	$(BIN)/python bench/web.py
	$(BIN)/python bench/engines.py --titles 100000 --queries 1000 --jobs 5000
	$(BIN)/python bench/search_engines.py --titles 1000000
	$(BIN)/python bench/webhook_workers.py --answers 1000
	$(BIN)/python bench/shared_jobs.py --jobs 1000000 --window 200

# The real process killed with SIGKILL 50 times during bursts of updates; figures in BENCHMARKS.md.
chaos: $(STAMP) $(MO)
	$(BIN)/python -m tests.chaos --kills 50 --burst 20

clean:
	rm -rf $(VENV) build *.egg-info $(MO)
