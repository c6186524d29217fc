#!/usr/bin/env bash
# Runs the MLflow Python client compatibility suite against Cairn.
#   compat/python/run.sh [pytest args...]     e.g.  compat/python/run.sh -k search -x
# Creates/updates compat/python/.venv first. Runs from compat/python, so test paths given as
# arguments are relative to it (e.g. test_search.py::test_paging_past_1000_runs).
# See conftest.py for CAIRN_JAR, CAIRN_TRACKING_URI and the other environment variables.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
"$HERE/setup-venv.sh"
cd "$HERE"
set +e
"$HERE/.venv/bin/python" -m pytest -q "$@"
rc=$?
set -e
exit $rc
