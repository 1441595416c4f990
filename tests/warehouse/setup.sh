#!/bin/sh
# Creates .venv-snow (fakesnow, for tests/warehouse/snowflake) at the
# repository root, only when missing or when its requirements file changed.
set -eu
cd "$(dirname "$0")/../.."
venv=.venv-snow
req=tests/warehouse/requirements-snow.txt
stamp="$venv/.requirements"
if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && cmp -s "$req" "$stamp"; then
    exit 0
fi
echo "tests/warehouse/setup.sh: creating $venv from $req"
rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$req"
cp "$req" "$stamp"
