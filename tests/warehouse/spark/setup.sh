#!/bin/sh
# Creates .venv-spark (pyspark, Delta Lake, dbt-spark; for tests/warehouse/spark)
# at the repository root, only when missing or when its requirements changed.
# Delta's jars are fetched from Maven Central by Spark itself on the first run
# (spark.jars.packages, cached in ~/.ivy2). Java 17 must be installed.
set -eu
cd "$(dirname "$0")/../../.."
venv=.venv-spark
req=tests/warehouse/spark/requirements.txt
stamp="$venv/.requirements"
if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && cmp -s "$req" "$stamp"; then
    exit 0
fi
echo "tests/warehouse/spark/setup.sh: creating $venv from $req"
rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$req"
cp "$req" "$stamp"
