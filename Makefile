# Two commands set up a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: fuzz package token code outbox remind install run test test-unit test-functional lint lint-content lock-content bench clean

$(INSTALLED): pyproject.toml requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(INSTALLED)

## Start moto, publish content/, create demo accounts, serve the API on 127.0.0.1:8000.
run: install
	$(BIN)/python -m steady_local

## Lint the code (ruff, mypy, layer rules) and the shipped content, then run every test.
test: install lint lint-content
	$(BIN)/python -m pytest

## ruff (style and formatting), mypy --strict (chalicelib/, steady_content/) and the layer rules
## (import-linter). `ruff format .` fixes the formatting.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

test-unit: install
	$(BIN)/python -m pytest tests/unit

test-functional: install
	$(BIN)/python -m pytest tests/functional

## Schemathesis against chalice local as every role (tests/fuzz, marker fuzz; not in make test),
## on two workers with a stack each.
fuzz: install lint-content
	$(BIN)/python -m pytest tests/fuzz -m fuzz -n 2 --dist load

lint-content: install
	$(BIN)/steady-content lint

lock-content: install
	$(BIN)/steady-content lock

bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .pytest_cache

## Print an access token for a local account: make -s token USER=demo-participant-1
## (any other account: make -s token USER=name PASSWORD=its-password; the recipe reads PASSWORD
## from its environment, so make never puts the password on a command line)
token: install
	@$(BIN)/python -m steady_local token $(USER)

## Print the emails and texts the local stack would have sent (reminders, confirmation codes).
outbox: install
	@$(BIN)/python -m steady_local outbox

## Run the quarter-hour reminder job once against the running local stack.
remind: install
	@$(BIN)/python -m steady_local remind

## Print the current authenticator code of a local account: make -s code USER=demo-leader
code: install
	@$(BIN)/python -m steady_local code $(USER)

## Package a stage for CloudFormation: build/$(STAGE)/sam.yaml + deployment.zip (docs/deploy.md).
## Chalice downloads Linux wheels for requirements.txt from PyPI (cached in .chalice/deployments).
STAGE ?= dev
package: install
	rm -rf build/$(STAGE)
	AWS_DEFAULT_REGION=$${AWS_DEFAULT_REGION:-us-east-1} $(BIN)/chalice package --stage $(STAGE) \
		--merge-template infra/resources.yaml build/$(STAGE)
