"""tests/integration/scenario.py's checks for any warehouse of
warehouses.py: a full run and incremental runs, compared with the oracle."""

from __future__ import annotations

import oracle
import scenario


def check_against_oracle(wh, model, today, what=""):
    events = wh.read_events()
    expected = oracle.compute(model, events, today)
    actual, updated = wh.read_attributes(model, with_updated_at=True)
    problems = oracle.diff_tables(model, expected, actual)
    for table, ups in updated.items():
        nulls = [e for e, u in ups.items() if u is None]
        if nulls:
            problems.append(f"{table}: updated_at is NULL for {len(nulls)} rows")
    assert not problems, (f"{what}: {len(problems)} differences from the oracle "
                          f"(today={today}):\n  " + "\n  ".join(problems[:60]))
    return expected, actual, updated


def run_full(wh, model, project, rows, json_cols, today, what):
    wh.create(json_cols)
    wh.append(rows)
    wh.dbt_run(project, today)
    expected, actual, _ = check_against_oracle(wh, model, today, what)
    return expected, actual


def run_incremental(wh, model, project, batches, json_cols, what):
    """As scenario.run_incremental: batch by batch, a rerun without new
    events, and a full refresh of a copy equal to the incremental result."""
    wh.create(json_cols)
    prev_vals = prev_upd = None
    today = None
    for i, (rows, today) in enumerate(batches):
        wh.append(rows)
        wh.dbt_run(project, today)
        _, actual, updated = check_against_oracle(wh, model, today, f"{what} batch {i + 1}")
        if prev_vals is not None:
            scenario._check_updated_at(prev_vals, prev_upd, actual, updated, f"{what} batch {i + 1}")
        prev_vals, prev_upd = actual, updated
    wh.dbt_run(project, today)
    expected, actual, updated = check_against_oracle(wh, model, today, f"{what} rerun")
    assert actual == prev_vals, f"{what}: a run without new events changed values"
    assert updated == prev_upd, f"{what}: a run without new events changed updated_at"
    copy = wh.copy(wh.dbname + "_refresh")
    copy.dbt_run(project, today, full_refresh=True)
    refreshed = copy.read_attributes(model)
    problems = oracle.diff_tables(model, refreshed, actual)
    assert not problems, (f"{what}: incremental result differs from a full refresh:\n  "
                          + "\n  ".join(problems[:60]))
    return expected, actual
