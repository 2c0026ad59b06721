# The two commands of the README: `make run` and `make test`. Everything else is a step of theirs.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup setup-dev messages migrate demo lint format check chromium speech speech-optional nginx clean

## run: install, migrate, load the demo data and serve http://127.0.0.1:8000 (SQLite, SMS to var/sms/),
## with the task worker beside the server (it sends SMS and email, draws e-visas); both stop together
run: setup messages migrate demo speech-optional
	MUSANED_SITE_URL="$${MUSANED_SITE_URL:-http://$(HOST):$(PORT)}"; export MUSANED_SITE_URL; \
	$(BIN)/python manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; trap 'exit 130' INT TERM; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

## test: install, lint and run the whole suite, browser tests included
test: setup-dev messages lint chromium speech nginx
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=config.settings.test
	$(BIN)/python -m pytest

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: $(BIN)/python requirements.txt
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

setup: $(VENV)/.runtime
setup-dev: $(VENV)/.dev

## messages: compile the Arabic catalogue (pure Python, no system gettext needed)
messages: setup
	$(BIN)/pybabel compile -d locale -D django

migrate: setup
	$(BIN)/python manage.py migrate --no-input -v 0

demo: migrate
	$(BIN)/python manage.py seed_demo

lint: setup-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy

format: setup-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## chromium: the browser tests drive Debian's Chromium; install it when it is missing and we may
chromium:
	@bash scripts/ensure-chromium

## speech: the verification code's spoken alternative needs Debian's espeak-ng (tests and
## production); install it when it is missing and we may. `make run` goes on without it.
speech:
	@bash scripts/ensure-espeak

speech-optional:
	@bash scripts/ensure-espeak --optional

## nginx: tests/proxy/ runs the application behind Debian's nginx; install it when missing and we may
nginx:
	@bash scripts/ensure-nginx

clean:
	rm -rf $(VENV) var staticfiles
