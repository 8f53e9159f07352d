# One command each for set-up, demo, test, lint and benchmarks. `make help` lists them.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help install demo test lint format bench i18n

help: ## list the commands
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 10

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) ## create .venv and install gongzhi with its development tools

demo: $(STAMP) ## seed the demo jurisdiction (once) into ./gongzhi.db and serve it on http://127.0.0.1:8000
	$(BIN)/gongzhi demo

test: $(STAMP) ## run the tests (SQLite; PostgreSQL too when GONGZHI_TEST_DATABASE_URL is set)
	$(BIN)/python -m pytest -q

lint: $(STAMP) ## ruff: lint rules and formatting
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

format: $(STAMP) ## apply ruff's formatting and safe fixes
	$(BIN)/ruff check --fix src tests benchmarks
	$(BIN)/ruff format src tests benchmarks

bench: $(STAMP) ## print the main figures: intake (HTTP), ledger and hot issues, on SQLite and PostgreSQL if reachable
	$(BIN)/python benchmarks/intake.py
	$(BIN)/python benchmarks/ledger.py
	$(BIN)/python benchmarks/hot_issues.py

i18n: $(STAMP) ## add new texts of the pages to the zh_CN catalogue (src/gongzhi/web/i18n)
	$(BIN)/python -m gongzhi.web.i18n
