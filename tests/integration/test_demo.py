"""The demo's event generator and example spec."""

import datetime as dt
import os
import subprocess
import sys

import duckdb
import pytest

import gen_events
import harness
import load_shared
import scenario

EXAMPLE = os.path.join(harness.ROOT, "examples", "ecommerce.signals")
GEN = os.path.join(harness.ROOT, "tools", "gen_events.py")
END = "2025-03-31"


def _gen(db, seed=42, days=14, users=12):
    subprocess.run([sys.executable, GEN, "--db", db, "--seed", str(seed), "--days", str(days),
                    "--users", str(users), "--end-date", END, "--quiet"], check=True)


def _table(db):
    con = duckdb.connect(db, read_only=True)
    try:
        cur = con.execute("SELECT * FROM atomic.events")
        cols = [d[0] for d in cur.description]
        return cols, cur.fetchall()
    finally:
        con.close()


def test_generator_is_deterministic(tmp_path):
    a, b, c = (str(tmp_path / f"{n}.duckdb") for n in "abc")
    _gen(a)
    _gen(b)
    _gen(c, seed=7)
    ta, tb, tc = _table(a), _table(b), _table(c)
    assert ta == tb
    assert ta[1] != tc[1]


def test_generator_data_shape(tmp_path):
    db = str(tmp_path / "g.duckdb")
    _gen(db)
    rows = load_shared.read_events(db)
    assert len(rows) > 500
    by_name = {}
    for r in rows:
        by_name.setdefault(r["event_name"], []).append(r)
    assert set(by_name) == {"page_view", "page_ping", "snowplow_ecommerce_action"}
    types = {r[gen_events.ACTION_COL]["type"] for r in by_name["snowplow_ecommerce_action"]}
    assert types == {"product_view", "add_to_cart", "remove_from_cart", "transaction"}
    prices = [p["price"] for r in rows for p in (r.get(gen_events.PRODUCT_COL) or [])]
    assert any(isinstance(p, str) for p in prices) and any(isinstance(p, float) for p in prices)
    ids = [r["event_id"] for r in rows]
    assert len(ids) > len(set(ids)), "no re-delivered duplicates"
    assert any(r["load_tstamp"] - r["derived_tstamp"] > dt.timedelta(days=1) for r in rows), \
        "no late-arriving events"
    assert all(r["load_tstamp"] >= r["collector_tstamp"] for r in rows)
    assert any(r["user_id"] for r in rows) and any(r["user_id"] is None for r in rows)
    assert all(r["derived_tstamp"].date() <= dt.date.fromisoformat(END) for r in rows)
    first_pv = [r for r in by_name["page_view"] if r["mkt_source"]]
    assert first_pv and all(r[gen_events.YAUAA_COL][0]["deviceClass"] for r in rows)


@pytest.fixture(scope="module")
def example(signalsc, workdir):
    model = harness.debug_model(EXAMPLE)
    project = harness.compile_dbt(EXAMPLE, str(workdir / "example_project"))
    return model, project


def test_example_matches_oracle(example, workdir):
    model, project = example
    db = str(workdir / "demo.duckdb")
    _gen(db)
    harness.dbt_run(project, db, END)
    expected, _, _ = scenario.check_against_oracle(model, db, END, "example on generated events")
    scenario.check_exercised(model, expected)
    tables = harness.main_tables(db)
    assert "batch_ecommerce_attributes_v1_attributes" in tables
    # the external batch view describes an existing table: nothing is built
    assert not any(t.startswith("ecommerce_transaction_interactions_attributes") for t in tables)


def test_example_incremental_by_load_time(example, workdir):
    """The generated events loaded in the order the loader saw them (by
    load_tstamp, late arrivals and re-delivered copies included), a dbt run
    every few days."""
    model, project = example
    src = str(workdir / "demo_src.duckdb")
    _gen(src)
    rows = load_shared.read_events(src)
    cuts = [dt.date.fromisoformat(END) - dt.timedelta(days=d) for d in (9, 5, 2, 0)]
    batches, lo = [], dt.date.min
    for cut in cuts:
        b = [r for r in rows if lo < r["load_tstamp"].date() <= cut]
        batches.append((b, cut.isoformat()))
        lo = cut
    rest = [r for r in rows if r["load_tstamp"].date() > lo]
    if rest:
        batches[-1][0].extend(rest)
    assert sum(len(b) for b, _ in batches) == len(rows)
    db = str(workdir / "demo_incr.duckdb")
    scenario.run_incremental(model, project, db, batches, gen_events.JSON_COLUMNS,
                             "example incremental")
