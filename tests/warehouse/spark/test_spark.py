"""The generated dbt project (--target databricks) run with dbt-spark on a
local Spark session with Delta Lake (standing in for Databricks), over both
real Snowplow fixtures (/work/shared/data), compared attribute by attribute
with the independent oracle: a full load, and incremental loads with late and
duplicate events. Runs in .venv-spark (tests/warehouse/spark/setup.sh)."""

import os
import shutil
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import harness  # noqa: E402
import load_shared  # noqa: E402
import strings_data  # noqa: E402
import scenario  # noqa: E402
import scenario_wh  # noqa: E402
from conftest import unavailable  # noqa: E402

DATASETS = {
    "ecommerce": (load_shared.read_ecommerce, "ecommerce.signals", "2022-12-22", set()),
    "web": (load_shared.read_web, "web.signals", "2021-03-03", {"n_consent_100"}),
    "strings": (strings_data.read_strings, "strings.signals", "2024-03-06", {"dflt"}),
}
N_BATCHES = 4


@pytest.fixture(scope="module")
def spark():
    try:
        import delta  # noqa: F401
        import dbt.adapters.spark  # noqa: F401
        import pyspark  # noqa: F401
    except ImportError as e:
        unavailable(f"pyspark / delta-spark / dbt-spark missing ({e}): "
                    "run tests/warehouse/spark/setup.sh and use .venv-spark")
    if not shutil.which("java") and not os.environ.get("JAVA_HOME"):
        unavailable("java is not installed (Spark needs Java 17)")
    import spark_wh
    root = spark_wh.temp_root()
    s = spark_wh.start_session(root)
    yield s, root
    s.stop()
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def compiled(signalsc, workdir):
    out = {}
    for name, (reader, spec, _, _) in DATASETS.items():
        path = os.path.join(harness.SPECS, spec)
        model = harness.debug_model(path)
        project = str(workdir / f"spark_{name}_project")
        if os.path.exists(project):
            shutil.rmtree(project)
        harness._run([signalsc, "compile", "--backend", "dbt", "--target", "databricks",
                      "-o", project, path], what="signalsc compile")
        out[name] = (model, project)
    return out


def make_warehouse(spark, model, name, all_rows, json_cols):
    import spark_wh
    session, root = spark
    types = spark_wh.json_schemas(session, all_rows, model, json_cols)
    return spark_wh.SparkWarehouse(session, name, types, os.path.join(root, "profiles"))


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_full_load(spark, compiled, name):
    reader, _, today, allowed_empty = DATASETS[name]
    model, project = compiled[name]
    rows = reader()
    rows = load_shared.assign_load_tstamp(rows, load_shared.default_load_time(rows))
    json_cols = set(load_shared.json_columns(rows)) | harness.model_json_columns(model)
    wh = make_warehouse(spark, model, f"{name}_full", rows, json_cols)
    expected, _ = scenario_wh.run_full(wh, model, project, rows, json_cols, today,
                                       f"spark {name} full load")
    scenario.check_exercised(model, expected, allowed_empty)
    tables = wh.tables()
    for v in model["views"]:
        t = f"{v['name']}_v{v['version']}_attributes"
        assert (t in tables) == bool(v["offline"] and v["attributes"]), t


@pytest.mark.skipif(os.environ.get("SIGNALS_SPARK_INCREMENTAL", "1") == "0",
                    reason="SIGNALS_SPARK_INCREMENTAL=0")
@pytest.mark.parametrize("name", sorted(DATASETS))
def test_incremental(spark, compiled, name):
    reader, _, _, _ = DATASETS[name]
    model, project = compiled[name]
    rows = reader()
    batches = scenario.make_incremental_batches(rows, N_BATCHES)
    json_cols = set(load_shared.json_columns(rows)) | harness.model_json_columns(model)
    every = [r for b, _ in batches for r in b]
    wh = make_warehouse(spark, model, f"{name}_incr", every, json_cols)
    scenario_wh.run_incremental(wh, model, project, batches, json_cols,
                                f"spark {name} incremental")
