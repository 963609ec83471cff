# PolicyKB developer commands. `make run` and `make test` are the README's quick start.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
APT_PACKAGES := poppler-utils tesseract-ocr tesseract-ocr-khm tesseract-ocr-eng fonts-khmeros chromium \
                util-linux mount
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: install system-deps run serve ingest-sample test test-quick lint bench clean

install: $(VENV)/.installed

# torch is installed first and pinned: an unpinned torch pulls gigabytes of CUDA wheels.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet "torch==2.13.0"
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

# Debian packages: poppler (Khmer-safe PDF text), tesseract with Khmer+English (OCR),
# Khmer OS fonts (rendering), Chromium (the web page's end-to-end tests) and unshare/mount
# (util-linux, mount: the disk-fault tests mount a tmpfs in a private mount namespace).
system-deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

run: install system-deps
	$(VENV)/bin/policykb serve --ingest-sample

serve: install
	$(VENV)/bin/policykb serve

# Strict skips (tests/support/skip_policy.py): what system-deps installs must not skip.
# The layer rules, ruff and mypy run first: a forbidden import fails the test run too.
test: install system-deps lint
	POLICYKB_STRICT_SKIPS=1 $(PY) -m pytest -q

test-quick: install
	$(PY) -m pytest -q -m "not slow"

# The layer rules (pyproject.toml [tool.importlinter]) first: an upward import fails here.
lint: install
	$(VENV)/bin/lint-imports
	$(VENV)/bin/ruff check core ingest index answers alignment api policykb evaluation tests
	$(VENV)/bin/mypy core ingest index answers alignment api policykb evaluation

bench: install system-deps
	$(VENV)/bin/policykb bench

clean:
	rm -rf $(VENV) data test-output
