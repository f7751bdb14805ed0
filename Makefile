# CivicDesk: `make run` serves the demo city; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# The demo city for `make run`/`make dev`; tests build their own small world with the default pack.
DEMO_CITY_PACK ?= civicdesk.cities.riverbend.Riverbend
export PORT

.PHONY: run dev test setup assets lock bench clean messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/python requirements.lock pyproject.toml
	$(BIN)/pip install -q --require-hashes -r requirements.lock
	$(BIN)/pip install -q --no-deps -e .
	touch $@

$(VENV)/.test-installed: $(VENV)/.installed requirements-test.lock
	$(BIN)/pip install -q --require-hashes -r requirements-test.lock
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	# USWDS ships left-to-right only: rtlcss writes its mirror for right-to-left pages (docs/languages.md).
	node_modules/.bin/rtlcss node_modules/@uswds/uswds/dist/css/uswds.min.css node_modules/@uswds/uswds/dist/css/uswds.rtl.min.css >/dev/null
	touch $@

assets: node_modules/.installed

setup: $(VENV)/.installed assets
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py collectstatic --noinput -v0

## Serve the portal and the task worker on http://127.0.0.1:$(PORT) with the demo city loaded.
run: setup
	CITY_PACK=$${CITY_PACK:-$(DEMO_CITY_PACK)} $(BIN)/python manage.py load_demo_city --if-empty
	CITY_PACK=$${CITY_PACK:-$(DEMO_CITY_PACK)} $(BIN)/python manage.py monthly_report --recent 3 --missing
	CITY_PACK=$${CITY_PACK:-$(DEMO_CITY_PACK)} exec $(BIN)/python manage.py serve --port $(PORT)

## Django's development server with auto-reload (no task worker: run `manage.py db_worker` beside it).
dev: setup
	CITY_PACK=$${CITY_PACK:-$(DEMO_CITY_PACK)} $(BIN)/python manage.py load_demo_city --if-empty
	CITY_PACK=$${CITY_PACK:-$(DEMO_CITY_PACK)} $(BIN)/python manage.py monthly_report --recent 3 --missing
	CITY_PACK=$${CITY_PACK:-$(DEMO_CITY_PACK)} DEBUG=true $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

## The whole test suite (SQLite unless DATABASE_URL says otherwise).
test: $(VENV)/.test-installed assets
	env -u CITY_PACK TESTING=true $(BIN)/python -m pytest $(PYTEST_ARGS)

## City-scale benchmarks (bench/README.md): SIZE requests on SQLite, PG_SIZE on a throwaway PostgreSQL
## (or BENCH_DATABASE_URL, an empty database); `make bench QUICK=1` is a few-minute smoke run.
SIZE ?= 1000000
PG_SIZE ?= 10000000
BENCH_ARGS ?=
bench: $(VENV)/.test-installed assets
	@[ -x /usr/lib/postgresql/15/bin/initdb ] || [ -n "$$BENCH_DATABASE_URL" ] || { echo "== installing postgresql"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; }
	$(BIN)/python manage.py collectstatic --noinput -v0
	env -u CITY_PACK -u DATABASE_URL $(BIN)/python bench/suite.py --size $(SIZE) --pg-size $(PG_SIZE) $(if $(QUICK),--quick) $(BENCH_ARGS)
	env -u CITY_PACK -u DATABASE_URL $(BIN)/python bench/bulk.py --db postgres $(if $(QUICK),--size 20000 --import-rows 20000,--size $(PG_SIZE))
	env -u CITY_PACK -u DATABASE_URL $(BIN)/python bench/bulk.py --db sqlite $(if $(QUICK),--size 20000 --import-rows 20000,--size $(SIZE))
	env -u CITY_PACK -u DATABASE_URL $(BIN)/python bench/crash.py $(if $(QUICK),--minutes 0.5 --kills 6,--minutes 3 --kills 40)
	env -u CITY_PACK -u DATABASE_URL $(BIN)/python bench/alerts.py $(if $(QUICK),--subscribers 5000,--subscribers 100000)
	env -u CITY_PACK -u DATABASE_URL $(BIN)/python bench/soak.py $(if $(QUICK),--minutes 3 --bulk-rows 2000,--minutes 30)

## Re-resolve the pinned dependency locks after editing pyproject.toml.
lock:
	$(BIN)/pip install -q uv
	$(BIN)/uv pip compile pyproject.toml --generate-hashes --python-version 3.11 -o requirements.lock -q
	$(BIN)/uv pip compile pyproject.toml --extra test --generate-hashes --python-version 3.11 -o requirements-test.lock -q

messages:
	$(BIN)/python manage.py makemessages -l es -l ar --ignore=.venv --ignore=node_modules --ignore=bench
	$(BIN)/python manage.py makemessages -d djangojs -l es -l ar --ignore=.venv --ignore=node_modules --ignore=staticfiles
	$(BIN)/python manage.py compilemessages --ignore=.venv --ignore=node_modules

clean:
	rm -rf $(VENV) node_modules staticfiles
