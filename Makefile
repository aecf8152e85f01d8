# saleor-attention: `make demo` serves Saleor 2.10 + the plugin with demo data,
# `make test` runs the test suite against the loopback PostgreSQL.
PYTHON38 ?= $(shell pyenv root 2>/dev/null)/versions/3.8.18/bin/python
VENV := .venv
PY := $(VENV)/bin/python
PGHOST ?= 127.0.0.1
PGUSER ?= postgres
DEMO_DB ?= saleor_attention_demo
export DJANGO_SETTINGS_MODULE := saleor_attention.saleor_v2.settings
export ALLOWED_CLIENT_HOSTS ?= localhost,127.0.0.1

.PHONY: install test demo benchmark clean

$(VENV)/.installed: pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON38) -m venv $(VENV)
	# Saleor 2.10's celery 4 has metadata that pip 24.1+ refuses.
	$(PY) -m pip install -q "pip<24.1" wheel
	# Saleor 2.10.1 is the CI target; constraints.txt pins its stale dependencies.
	$(PY) -m pip install -q -c constraints.txt saleor -e ".[test]"
	touch $@

install: $(VENV)/.installed

test: install
	DATABASE_URL=postgres://$(PGUSER)@$(PGHOST):5432/saleor_attention \
		$(PY) -m pytest -q $(PYTEST_ARGS)

demo: install
	DATABASE_URL=postgres://$(PGUSER)@$(PGHOST):5432/$(DEMO_DB) $(PY) demo/serve.py

benchmark: install
	DATABASE_URL=postgres://$(PGUSER)@$(PGHOST):5432/saleor_attention_bench \
		$(PY) benchmarks/run.py

clean:
	rm -rf $(VENV) *.egg-info
