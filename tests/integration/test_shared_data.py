"""The generated dbt project against the oracle on the real Snowplow
fixtures (/work/shared/data): every attribute of every entity row."""

import os

import pytest

import harness
import load_shared
import strings_data
import oracle
import scenario

DATASETS = {
    # name: (reader, spec, today of the full run, attributes allowed to be
    #        empty everywhere: they test that non-matching versions count 0)
    "ecommerce": (load_shared.read_ecommerce, "ecommerce.signals", "2022-12-22",
                  set()),
    "web": (load_shared.read_web, "web.signals", "2021-03-03",
            {"n_consent_100"}),
    "strings": (strings_data.read_strings, "strings.signals", "2024-03-06",
                {"dflt"}),
}


@pytest.fixture(scope="module")
def compiled(signalsc, workdir):
    """{dataset: (model, project dir)}"""
    out = {}
    for name, (_, spec, _, _) in DATASETS.items():
        path = os.path.join(harness.SPECS, spec)
        model = harness.debug_model(path)
        project = harness.compile_dbt(path, str(workdir / f"{name}_project"))
        out[name] = (model, project)
    return out


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_full_load(compiled, workdir, name):
    reader, _, today, allowed_empty = DATASETS[name]
    model, project = compiled[name]
    db = str(workdir / f"{name}_full.duckdb")
    load_shared.load_all(db, reader(), harness.model_json_columns(model))
    harness.dbt_run(project, db, today)
    harness.dbt_test(project, db, today)
    expected, actual, _ = scenario.check_against_oracle(model, db, today, f"{name} full load")
    scenario.check_exercised(model, expected, allowed_empty)
    # Online-only views get no table.
    tables = harness.main_tables(db)
    for v in model["views"]:
        t = f"{v['name']}_v{v['version']}_attributes"
        assert (t in tables) == bool(v["offline"] and v["attributes"]), t


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_incremental(compiled, workdir, name):
    reader, _, _, _ = DATASETS[name]
    model, project = compiled[name]
    rows = reader()
    batches = scenario.make_incremental_batches(rows, 4)
    assert len(batches) >= 3
    json_cols = set(load_shared.json_columns(rows)) | harness.model_json_columns(model)
    db = str(workdir / f"{name}_incr.duckdb")
    scenario.run_incremental(model, project, db, batches, json_cols, f"{name} incremental")


def test_oracle_sees_duplicates_and_late_events():
    """The incremental scenario really contains what it claims."""
    rows = load_shared.read_ecommerce()
    batches = scenario.make_incremental_batches(rows, 4)
    seen, dups, late = {}, 0, 0
    for i, (b, _) in enumerate(batches):
        for r in b:
            if r["event_id"] in seen:
                dups += 1
            seen.setdefault(r["event_id"], i)
            if (r["load_tstamp"] - r["derived_tstamp"]).days >= 3:
                late += 1
    assert dups >= 5 and late >= 20, (dups, late)
    assert len(oracle.dedup([r for b, _ in batches for r in b])) == 834
