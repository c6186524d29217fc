#!/usr/bin/env bash
# Creates compat/python/.venv and installs requirements.txt into it.
# Re-installs only when the venv is missing or requirements.txt changed (hash stamp kept inside the venv).
# Override the interpreter with PYTHON=/path/to/python3 (needs Python >= 3.10 with the venv module).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="$HERE/.venv"
REQ="$HERE/requirements.txt"
STAMP="$VENV/.requirements.sha256"
PYTHON="${PYTHON:-python3}"

want="$(sha256sum "$REQ" | cut -d' ' -f1)"
if [[ -x "$VENV/bin/python" && -f "$STAMP" && "$(cat "$STAMP")" == "$want" ]]; then
    exit 0
fi

if [[ ! -x "$VENV/bin/python" ]]; then
    echo "setup-venv: creating $VENV" >&2
    rm -rf "$VENV"
    if ! "$PYTHON" -m venv "$VENV"; then
        rm -rf "$VENV"
        echo "setup-venv: '$PYTHON -m venv' failed (on Debian: apt-get install python3-venv)" >&2
        exit 1
    fi
fi
echo "setup-venv: installing requirements.txt (this takes a few minutes the first time)" >&2
rm -f "$STAMP"
"$VENV/bin/python" -m pip install -q --disable-pip-version-check -r "$REQ"
echo "$want" >"$STAMP"
echo "setup-venv: done" >&2
