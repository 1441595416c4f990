#!/bin/sh
# Creates the Python virtual environment for tests and the demo (dbt-core,
# dbt-duckdb, duckdb, pytest) from tests/requirements.txt, once; reinstalls
# when the requirements file changes.
set -eu
venv="${1:-.venv}"
req=tests/requirements.txt
stamp="$venv/.requirements"
if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && cmp -s "$req" "$stamp"; then
    exit 0
fi
echo "setup-venv: creating $venv"
python3 -m venv "$venv"
"$venv/bin/pip" install -q --disable-pip-version-check -r "$req"
cp "$req" "$stamp"
