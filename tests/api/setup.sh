#!/bin/sh
# Creates the SDK virtual environments that tests/api validates the api
# backend's bodies against, only when missing (or when their requirements
# file changed):
#   .venv-sdk04    snowplow-signals 0.4.2   (--target attribute-groups)
#   .venv-sdk0410  snowplow-signals 0.4.10  (--target attribute-groups, the current SDK)
#   .venv-sdk01    snowplow-signals 0.1.x   (--target views)
# Run from anywhere; the venvs go at the repository root.
set -eu
cd "$(dirname "$0")/../.."
make_venv() {
    venv="$1"
    req="$2"
    stamp="$venv/.requirements"
    if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && cmp -s "$req" "$stamp"; then
        return 0
    fi
    echo "tests/api/setup.sh: creating $venv from $req"
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check -r "$req"
    cp "$req" "$stamp"
}
make_venv .venv-sdk04 tests/api/requirements-sdk04.txt
make_venv .venv-sdk01 tests/api/requirements-sdk01.txt
make_venv .venv-sdk0410 tests/api/requirements-sdk0410.txt
