# The two commands a newcomer types: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export PROJSYNC_HOME ?= $(CURDIR)/var

.PHONY: run test lint typecheck java sweeps chromium bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --config-settings editable_mode=compat -e '.[msproject]'
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --config-settings editable_mode=compat -e '.[test]'
	touch $(VENV)/.installed $@

run: $(VENV)/.installed java sweeps
	$(BIN)/projsync init
	$(BIN)/projsync demo
	$(BIN)/projsync serve

lint: $(VENV)/.installed-test
	$(BIN)/ruff check projsync tests bench

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

# Microsoft Project files are read by MPXJ on a Java runtime: install a JDK from
# Debian's packages where there is no Java compiler, and compile projsync's Java
# helper (projsync/msproject/java: every task field of a file in three calls)
# against MPXJ when MPXJ is installed. Without the helper files read the same,
# only slower.
HELPER_SOURCE := projsync/msproject/java/io/projsync/TaskColumns.java
HELPER_CLASSES := projsync/msproject/java/classes
java: $(VENV)/.installed
	@command -v javac >/dev/null 2>&1 || { \
	  echo "no Java compiler: installing default-jdk-headless"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq default-jdk-headless; }
	@jar=$$($(BIN)/python -c "import mpxj, pathlib; print(pathlib.Path(mpxj.__file__).parent / 'lib' / 'mpxj.jar')" 2>/dev/null) || { \
	  echo "MPXJ is not installed: no Java helper to compile"; exit 0; }; \
	[ $(HELPER_CLASSES)/io/projsync/TaskColumns.class -nt $(HELPER_SOURCE) ] || \
	javac --release 17 -d $(HELPER_CLASSES) -cp "$$jar" $(HELPER_SOURCE)

# The scheduler's sweeps compiled with Cython (projsync/plan/_sweeps.pyx): a C
# compiler and Python's headers come from Debian's packages where they are
# missing. Without the compiled module the scheduler gives the same results in
# pure Python, slower (tests/plan/test_sweeps.py compares the two).
SWEEPS := projsync/plan/_sweeps
sweeps: $(VENV)/.installed
	@command -v gcc >/dev/null 2>&1 && \
	  [ -f "$$($(BIN)/python -c 'import sysconfig; print(sysconfig.get_paths()["include"])')/Python.h" ] || { \
	  echo "no C compiler or no Python headers: installing gcc and python3-dev"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq gcc python3-dev; }
	@[ -n "$$(find $(SWEEPS).*.so -newer $(SWEEPS).pyx 2>/dev/null)" ] || { \
	  $(BIN)/pip install --quiet 'Cython>=3.0' setuptools && \
	  $(BIN)/cythonize -i -q $(SWEEPS).pyx && rm -f $(SWEEPS).c; }

# The browser tests drive Debian's Chromium; install it where there is none.
chromium:
	@[ -x /usr/bin/chromium ] || { \
	  echo "no Chromium: installing chromium"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; }

test: lint typecheck java sweeps chromium
	$(BIN)/pytest

bench: $(VENV)/.installed-test java sweeps chromium
	$(BIN)/python bench/ledger_posting.py --lines 1000000
	$(BIN)/python bench/schedule.py --tasks 100000
	$(BIN)/python bench/msproject.py --tasks 10000
	$(BIN)/python bench/web.py

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache .hypothesis $(HELPER_CLASSES)
	rm -f $(SWEEPS).c $(SWEEPS).*.so
