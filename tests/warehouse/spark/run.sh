#!/bin/sh
# The Databricks target on Spark: the generated dbt project (--target
# databricks) run by dbt-spark (method: session) on a local Spark session with
# Delta Lake, over both real datasets, compared with the oracle (full and
# incremental). Creates .venv-spark when missing (setup.sh). Needs Java 17 and,
# on the first run, Maven Central for Delta's jars (cached in ~/.ivy2).
# With CI=true a missing engine fails instead of skipping.
# About 6 minutes on 2 cores (setup.sh: under a minute when it creates the venv).
set -eu
cd "$(dirname "$0")/../../.."
sh tests/warehouse/spark/setup.sh
.venv-spark/bin/python -m pytest -q -p no:cacheprovider -W ignore::DeprecationWarning \
    tests/warehouse/spark
