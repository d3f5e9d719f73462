# DGTi Partner Registry — build, run and test.
# GNU make; every recipe runs as one bash script (.ONESHELL) with -euo pipefail.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.ONESHELL:
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
FLASK  := $(VENV)/bin/flask --app wsgi
STAMP  := $(VENV)/.installed
HOST   := 127.0.0.1
PORT   := 5000

.PHONY: help install system-deps db run lint test clean reset-db translations bench
.PHONY: soak

help:
	@echo 'Targets:'
	echo '  make install      create .venv, install the app and its test deps, compile translations'
	echo '  make system-deps  apt-get install chromium, postgresql, poppler-utils if missing'
	echo '  make db           apply database migrations (SQLite under instance/)'
	echo '  make run          install, migrate, seed demo data if empty, serve http://$(HOST):$(PORT)'
	echo '  make lint         ruff check, import-linter contracts (.importlinter)'
	echo '  make test         lint, migration check, pytest on SQLite, pytest on a throwaway PostgreSQL'
	echo '  make clean        remove .venv and caches (keeps instance/)'
	echo '  make reset-db     delete the local SQLite database (instance/registry.sqlite3*)'
	echo '  make translations re-extract messages, update the Thai catalogue, count what is untranslated'
	echo '  make bench        time lists, searches, exports and PDFs on large datasets'
	echo '                    (SQLite; PostgreSQL too with BENCH_DATABASE_URL=... or BENCH_PG=1),'
	echo '                    the agreement and minutes PDFs, then the load bench: gunicorn under'
	echo '                    concurrent clients on SQLite and PostgreSQL, one table'
	echo '                    (BENCH_SCALE=1 dataset size, BENCH_LOAD_SECONDS=6 per scenario),'
	echo '                    last the realistic trace: many readers asking for different records'
	echo '  make soak         simulated users on gunicorn, on SQLite then a throwaway PostgreSQL; a worker'
	echo '                    killed (and PostgreSQL restarted) mid-run; staff edit the same records;'
	echo '                    checks no acknowledged write was lost, duplicated or overwritten'
	echo '                    (SOAK_SECONDS=90 each, SOAK_DATABASE=sqlite|postgresql for one;'
	echo '                    figures in bench/results/soak-<database>.json)'

# Reinstall only when the package metadata changes (or the venv is gone).
$(STAMP): setup.cfg pyproject.toml
	@if [[ ! -x $(PY) ]]; then
	  echo "== creating $(VENV)"
	  python3 -m venv $(VENV)
	fi
	echo "== installing into $(VENV)"
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e '.[test]'
	touch $@

install: $(STAMP)
	@if compgen -G 'registry/translations/*/LC_MESSAGES/messages.po' >/dev/null; then
	  $(VENV)/bin/pybabel -q compile -d registry/translations
	fi

system-deps:
	@missing=()
	command -v chromium >/dev/null 2>&1 || missing+=(chromium)
	# tools/pg_test_cluster.sh needs the server binaries (initdb, pg_ctl), not just pg_ctlcluster.
	compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
	command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
	if (( $${#missing[@]} == 0 )); then
	  exit 0
	fi
	sudo=()
	if [[ $$(id -u) -ne 0 ]]; then
	  if command -v sudo >/dev/null 2>&1; then
	    sudo=(sudo)
	  else
	    echo "system-deps: missing ($${missing[*]}), and not root and no sudo: install them by hand" >&2
	    exit 1
	  fi
	fi
	echo "== apt-get install $${missing[*]}"
	"$${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
	"$${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$${missing[@]}"

db: install
	@mkdir -p instance
	$(FLASK) db upgrade

run: install db
	@$(FLASK) registry seed-demo --if-empty
	echo
	echo "== serving http://$(HOST):$(PORT)  (Ctrl-C to stop)"
	exec $(FLASK) run --host $(HOST) --port $(PORT)

lint: install
	@$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache --no-logo

# Runs every step even after a failure, then exits non-zero if any step failed.
test: system-deps install
	@failed=()
	checkdir=$$(mktemp -d /tmp/registry-dbcheck.XXXXXX)
	pgdir=""
	cleanup() {
	  if [[ -n "$$pgdir" ]]; then tools/pg_test_cluster.sh stop "$$pgdir" || true; fi
	  rm -rf "$$checkdir"
	}
	trap cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM

	echo "== lint (ruff)"
	$(VENV)/bin/ruff check . || failed+=(lint)

	echo "== import layering (import-linter, contracts in .importlinter)"
	$(VENV)/bin/lint-imports --no-cache --no-logo || failed+=(import-layering)

	echo "== migrations match the models (flask db check on a throwaway SQLite)"
	if ! DATABASE_URL="sqlite:///$$checkdir/check.sqlite3" $(FLASK) db upgrade \
	   || ! DATABASE_URL="sqlite:///$$checkdir/check.sqlite3" $(FLASK) db check; then
	  failed+=(db-check)
	fi

	echo "== pytest on SQLite"
	env -u TEST_DATABASE_URL $(PY) -m pytest -q || failed+=(pytest-sqlite)

	echo "== pytest on PostgreSQL (not browser)"
	port=$$($(PY) -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null || echo 54329)
	pgdir=$$(mktemp -d /tmp/registry-pg.XXXXXX)
	if pgurl=$$(tools/pg_test_cluster.sh start "$$pgdir" "$$port" | tail -n 1) && [[ -n "$$pgurl" ]]; then
	  TEST_DATABASE_URL="$$pgurl" $(PY) -m pytest -q -m "not browser" || failed+=(pytest-postgresql)
	else
	  echo "could not start a throwaway PostgreSQL cluster" >&2
	  failed+=(postgresql-cluster)
	fi
	tools/pg_test_cluster.sh stop "$$pgdir" || true
	pgdir=""

	if (( $${#failed[@]} )); then
	  echo "== make test: FAILED steps: $${failed[*]}"
	  exit 1
	fi
	echo "== make test: all steps passed"

# Re-extract the messages and merge them into the Thai catalogue, then list what is left to translate.
# Fill in the empty msgstr entries of $(TH_PO); `make install` compiles it.
# tests/test_translations.py fails while any entry is missing.
TH_PO := registry/translations/th/LC_MESSAGES/messages.po
translations: install
	@$(VENV)/bin/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
	  --project='DGTi Partner Registry' --version="$$(sed -n 's/^version *= *//p' setup.cfg)" \
	  --copyright-holder='Digital Government Development Agency (Public Organization)' \
	  -o registry/translations/messages.pot .
	$(VENV)/bin/pybabel -q update -i registry/translations/messages.pot -d registry/translations -l th \
	  --no-fuzzy-matching --width 100
	$(PY) - $(TH_PO) <<'EOF'
	import io, pathlib, sys
	from babel.messages.pofile import read_po
	catalog = read_po(io.BytesIO(pathlib.Path(sys.argv[1]).read_bytes()))
	strings = lambda m: m.string if isinstance(m.string, tuple) else (m.string,)
	todo = [m.id for m in catalog if m.id and (m.fuzzy or not all(strings(m)))]
	print(f"{sys.argv[1]}: {len(todo)} untranslated", *(f"  {i!r}" for i in todo), sep="\n")
	EOF

# Timings of the organisation list, search and export on 10,000 organisations and 50,000
# contacts, on a throwaway SQLite database; also on PostgreSQL when BENCH_DATABASE_URL names a
# server (a database is created there and dropped), or with BENCH_PG=1 on a throwaway cluster.
# BENCH_ARGS passes options, e.g. BENCH_ARGS='--runs 50'. Not part of `make test`.
# Last, the load bench (bench/load.py): the bench.seed dataset at BENCH_SCALE (default 1) served
# by gunicorn, on SQLite and on a throwaway PostgreSQL cluster, under concurrent clients; one
# table, bench/results/load-*.json and load.svg. Options in BENCH_LOAD_ARGS ('--clients 16').
bench: system-deps install
	@pgdir=""
	cleanup() {
	  if [[ -n "$$pgdir" ]]; then tools/pg_test_cluster.sh stop "$$pgdir" || true; fi
	}
	trap cleanup EXIT
	if [[ -n "$${BENCH_PG:-}" && -z "$${BENCH_DATABASE_URL:-}" ]]; then
	  port=$$($(PY) -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	  pgdir=$$(mktemp -d /tmp/registry-bench-pg.XXXXXX)
	  BENCH_DATABASE_URL=$$(tools/pg_test_cluster.sh start "$$pgdir" "$$port" | tail -n 1)
	  export BENCH_DATABASE_URL
	fi
	$(PY) -m bench.run $(BENCH_ARGS)
	# The agreement PDF, cold, warm and from storage, on SQLite (bench/results/documents.json);
	# options in BENCH_DOCUMENTS_ARGS, e.g. BENCH_DOCUMENTS_ARGS='--cold-runs 5'.
	$(PY) -m bench.documents $(BENCH_DOCUMENTS_ARGS)
	# The minutes of a meeting with 30 agenda items and 25 attendees, cold and from storage.
	$(PY) -m bench.minutes
	# Electronic signing: the time to sign a printed MOU with a throwaway agency certificate,
	# on top of printing it (bench/results/signing.json).
	$(PY) -m bench.sign_bench
	# Proposals: 50,000 with 500,000 endorsements (on PostgreSQL too when one is named).
	$(PY) -m bench.proposals $(BENCH_PROPOSALS_ARGS)
	# Each role's home page and the committee attendance picture on the same large register.
	$(PY) -m bench.home $(BENCH_HOME_ARGS)
	# The header's global search over every kind of record, per role.
	$(PY) -m bench.search $(BENCH_SEARCH_ARGS)
	# gunicorn under load, SQLite and PostgreSQL: throughput, latency, SQL per request, PDFs, memory.
	$(PY) -m bench.load --scale "$${BENCH_SCALE:-1}" $(BENCH_LOAD_ARGS)
	# The realistic trace (bench/trace.py): readers asking for different records, lists and
	# searches, with writes mixed in; CPU per page kind (options in BENCH_TRACE_ARGS).
	$(PY) -m bench.trace --scale "$${BENCH_SCALE:-1}" $(BENCH_TRACE_ARGS)

# Many simulated users (staff, representatives, secretaries) against gunicorn, on a SQLite file
# and then on a throwaway PostgreSQL cluster on port 55438 (SOAK_PG_PORT), for SOAK_SECONDS (90)
# each (SOAK_DATABASE=sqlite or postgresql for one only); one worker is killed (and PostgreSQL
# restarted) during each run; then every acknowledged write must be in the database exactly
# once, no stale form may have overwritten an acknowledged change, and no request may fail away
# from the faults. SOAK_ARGS passes options, e.g. SOAK_ARGS='--workers 2 --reps 12'.
# Not part of `make test`.
soak: system-deps install
	@$(PY) -m bench.soak $(SOAK_ARGS)

clean:
	@rm -rf $(VENV) .pytest_cache .ruff_cache build dist test-artifacts *.egg-info
	find . -path ./instance -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
	rm -f registry/translations/*/LC_MESSAGES/*.mo

reset-db:
	@rm -f instance/registry.sqlite3*
	echo "removed instance/registry.sqlite3*"
