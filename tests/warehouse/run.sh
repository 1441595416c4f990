#!/bin/sh
# The warehouse tests (tests/warehouse), as scripts/run-tests.sh runs them:
#   - every generated statement parses with sqlglot (snowflake, bigquery,
#     databricks, postgres, duckdb), and the DDL backend's script;
#   - PostgreSQL: a throwaway server, the dbt project run with dbt-postgres on
#     both real datasets, compared with the oracle (full and incremental);
#   - Snowflake: the DDL backend's script run on fakesnow (.venv-snow) over both
#     real datasets, compared with the oracle.
# With CI=true a missing engine fails instead of skipping.
set -eu
cd "$(dirname "$0")/../.."
sh tests/warehouse/setup.sh
.venv/bin/python -m pytest -q -p no:cacheprovider tests/warehouse --ignore=tests/warehouse/snowflake --ignore=tests/warehouse/spark
.venv-snow/bin/python -m pytest -q -p no:cacheprovider tests/warehouse/snowflake
