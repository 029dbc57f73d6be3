#!/usr/bin/env bash
# The whole test suite: unit, integration (real pcscd + virtual reader, pty serial peers, ESC/POS sinks,
# sandbox server on 127.0.0.1), UI (offscreen), after setting up whatever is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
export PYTHONDONTWRITEBYTECODE=1
# Types first: kiosk/, devices/, offline_cache/ as strictly as --strict, ui/ plainly ([tool.mypy] in
# pyproject.toml); a type error fails the test command before any test runs.
.venv/bin/mypy
# The import rules of the layers are the project's import-linter contracts (pyproject.toml): a broken
# rule fails the command before any test runs (tests/unit/test_import_contracts.py shows it does).
PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}" .venv/bin/lint-imports --no-cache
set +e
.venv/bin/python -m pytest -q -p no:cacheprovider --durations=40 "$@"
rc=$?
set -e
if [ $rc -eq 5 ]; then echo "test.sh: no tests were collected" >&2; exit 1; fi
exit $rc
