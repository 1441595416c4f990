"""The generated dbt project (--target postgres) on a real PostgreSQL server
with dbt-postgres, over both real Snowplow fixtures (/work/shared/data),
compared attribute by attribute with the independent oracle: one full load,
and incremental loads with late and duplicate events."""

import os
import shutil

import pytest

import harness
import load_shared
import strings_data
import scenario
import scenario_wh
from conftest import unavailable
from pg import PgServer
from warehouses import PgWarehouse

DATASETS = {
    "ecommerce": (load_shared.read_ecommerce, "ecommerce.signals", "2022-12-22", set()),
    "web": (load_shared.read_web, "web.signals", "2021-03-03", {"n_consent_100"}),
    "strings": (strings_data.read_strings, "strings.signals", "2024-03-06", {"dflt"}),
}


@pytest.fixture(scope="module")
def server():
    try:
        import psycopg2  # noqa: F401
    except ImportError:
        unavailable("psycopg2 is missing (dbt-postgres brings it)")
    try:
        s = PgServer().start()
    except RuntimeError as e:
        unavailable(str(e))
    yield s
    s.stop()


@pytest.fixture(scope="module")
def compiled(signalsc, workdir):
    out = {}
    for name, (_, spec, _, _) in DATASETS.items():
        path = os.path.join(harness.SPECS, spec)
        model = harness.debug_model(path)
        project = str(workdir / f"pg_{name}_project")
        if os.path.exists(project):
            shutil.rmtree(project)
        harness._run([signalsc, "compile", "--backend", "dbt", "--target", "postgres",
                      "-o", project, path], what="signalsc compile")
        assert os.path.exists(os.path.join(project, "profiles.yml"))
        out[name] = (model, project)
    return out


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_full_load(server, compiled, name):
    reader, _, today, allowed_empty = DATASETS[name]
    model, project = compiled[name]
    rows = reader()
    rows = load_shared.assign_load_tstamp(rows, load_shared.default_load_time(rows))
    json_cols = set(load_shared.json_columns(rows)) | harness.model_json_columns(model)
    wh = PgWarehouse(server, f"{name}_full")
    expected, _ = scenario_wh.run_full(wh, model, project, rows, json_cols, today,
                                       f"postgres {name} full load")
    scenario.check_exercised(model, expected, allowed_empty)
    tables = wh.tables()
    for v in model["views"]:
        t = f"{v['name']}_v{v['version']}_attributes"
        assert (t in tables) == bool(v["offline"] and v["attributes"]), t


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_incremental(server, compiled, name):
    reader, _, _, _ = DATASETS[name]
    model, project = compiled[name]
    rows = reader()
    batches = scenario.make_incremental_batches(rows, 4)
    json_cols = set(load_shared.json_columns(rows)) | harness.model_json_columns(model)
    wh = PgWarehouse(server, f"{name}_incr")
    scenario_wh.run_incremental(wh, model, project, batches, json_cols,
                                f"postgres {name} incremental")
