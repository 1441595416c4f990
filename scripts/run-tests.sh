#!/bin/sh
# The whole test suite, as `make test` runs it (after deps and the venv):
#   1. build with the strict warning set;
#   2. unit tests (tests/unit), golden tests (tests/golden); the editor
#      grammars (editors/, when npm is installed);
#   3. unit and golden tests again under AddressSanitizer + UBSan;
#   4. a 20-second smoke run of each libFuzzer harness (tests/fuzz);
#      valgrind over the CLI on the examples (no leaks, no errors);
#   5. integration tests (tests/integration, pytest): generated dbt projects
#      run on DuckDB over real Snowplow events, compared with an independent
#      computation;
#   6. warehouse tests (tests/warehouse): the same on a real PostgreSQL server
#      started by the tests, the Snowflake DDL script on fakesnow, every
#      generated statement parsed by sqlglot for Snowflake, BigQuery and
#      Databricks, and the Databricks project run with dbt-spark on a local
#      Spark session with Delta Lake.
set -eu
cd "$(dirname "$0")/.."
MAKE="${MAKE:-make}"

step() { printf '\n== %s\n' "$*"; }

step "build"
$MAKE --no-print-directory build build/unit_tests

step "unit tests"
build/unit_tests

step "golden tests"
.venv/bin/python tests/golden/run.py --signalsc build/signalsc

step "command line (exit statuses, stdin, JSON diagnostics, atomic output)"
.venv/bin/python -m pytest -q -p no:cacheprovider tests/cli

step "docs/diagnostics.md matches the compiler's code table"
.venv/bin/python tools/gen_diagnostics_doc.py build/signalsc - | diff -u docs/diagnostics.md - \
    || { echo "docs/diagnostics.md is stale: run make docs"; exit 1; }
step "docs/aggregations.md matches the compiler's aggregation table"
.venv/bin/python tools/gen_aggregations_doc.py build/signalsc - | diff -u docs/aggregations.md - \
    || { echo "docs/aggregations.md is stale: run make docs"; exit 1; }
echo "docs: up to date"

step "editor grammars: tree-sitter and TextMate (editors/)"
if command -v npm >/dev/null 2>&1; then
    sh scripts/test-grammars.sh
else
    echo "editor grammars: SKIPPED (npm is not installed; scripts/install-deps.sh installs it)"
fi

step "sanitizers (ASan + UBSan): unit and golden tests"
$MAKE --no-print-directory test-sanitize PYTHON=.venv/bin/python

step "fuzz smoke: each libFuzzer harness for 20 s (tests/fuzz)"
$MAKE --no-print-directory fuzz FUZZ_SECONDS=20

if command -v valgrind >/dev/null 2>&1; then
    step "valgrind: check on every example and golden input; compile and import on the examples"
    for f in examples/*.signals tests/golden/*/*.signals; do
        valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
            build/signalsc check --color never "$f" >/dev/null 2>/tmp/signalsc-valgrind.$$ || {
            rc=$?
            if [ "$rc" = 99 ]; then cat /tmp/signalsc-valgrind.$$; echo "valgrind: errors in $f"; exit 1; fi
        }
    done
    for backend in dbt api; do
        for f in examples/*.signals; do
            out=$(mktemp -d)
            valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
                build/signalsc compile --backend "$backend" -o "$out/o" "$f" >/dev/null 2>/tmp/signalsc-valgrind.$$ \
                || { cat /tmp/signalsc-valgrind.$$; echo "valgrind: compile --backend $backend $f failed"; exit 1; }
            rm -rf "$out"
        done
    done
    for f in tests/api/fixtures/*.json; do
        valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
            build/signalsc import "$f" >/dev/null 2>/tmp/signalsc-valgrind.$$ \
            || { cat /tmp/signalsc-valgrind.$$; echo "valgrind: import $f failed"; exit 1; }
    done
    rm -f /tmp/signalsc-valgrind.$$
    echo "valgrind: clean"
fi

step "api payloads, validated with the real Signals SDK (0.4.x and 0.1.x)"
sh tests/api/setup.sh
.venv/bin/python -m pytest -q -p no:cacheprovider tests/api

step "integration tests (dbt + DuckDB)"
.venv/bin/python -m pytest -q -p no:cacheprovider tests/integration

step "warehouse tests (PostgreSQL + dbt-postgres, fakesnow, sqlglot parsing)"
sh tests/warehouse/run.sh

step "Databricks target on a local Spark session (dbt-spark, Delta Lake)"
sh tests/warehouse/spark/run.sh
