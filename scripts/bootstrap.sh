#!/usr/bin/env bash
# Set up everything the kiosk needs on this machine: Debian packages, then the project's virtualenv.
# Safe to run again: it installs only what is missing or changed.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

bash scripts/system-deps.sh

PY=${KIOSK_PYTHON:-python3}
if ! "$PY" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)' 2>/dev/null; then
  for cand in python3.11 /usr/bin/python3.11 /usr/bin/python3; do
    if command -v "$cand" >/dev/null 2>&1 && "$cand" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)'; then
      PY=$cand; break
    fi
  done
fi
"$PY" -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required (PySide6 6.11.3 pin)"'

if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys; assert sys.version_info[:2] == (3, 11)' 2>/dev/null; then
  rm -rf .venv
  "$PY" -m venv .venv
fi

stamp=.venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)
if [ ! -f "$stamp" ] || ! .venv/bin/python -c 'import kiosk, PySide6, smartcard, escpos, sqlalchemy, fastapi' 2>/dev/null; then
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e "$ROOT[dev]"
  rm -f .venv/.installed-*
  touch "$stamp"
fi
echo "bootstrap: ready ($(.venv/bin/python --version), $(.venv/bin/python -c 'import PySide6; print("PySide6", PySide6.__version__)'))"
