"""Shared steps of the integration tests: full runs and incremental runs
compared with the oracle."""

from __future__ import annotations

import datetime as dt
import os
import shutil

import harness
import load_shared
import oracle

# Values that count as "nothing computed" when checking that a spec
# exercises its data.
EMPTY = (None, 0, 0.0, [])


def check_against_oracle(model, db, today, what=""):
    """Compare every attribute of every entity row of every offline view
    with the oracle over the events in `db`. Returns (expected, actual)."""
    events = load_shared.read_events(db)
    expected = oracle.compute(model, events, today)
    actual, updated = harness.read_attributes(db, model, with_updated_at=True)
    problems = oracle.diff_tables(model, expected, actual)
    for table, ups in updated.items():
        nulls = [e for e, u in ups.items() if u is None]
        if nulls:
            problems.append(f"{table}: updated_at is NULL for {len(nulls)} rows")
    assert not problems, (f"{what}: {len(problems)} differences from the oracle "
                          f"(today={today}):\n  " + "\n  ".join(problems[:60]))
    return expected, actual, updated


def check_exercised(model, expected, allowed_empty=()):
    """Every attribute has, for some entity, a value other than its empty
    result, so that the comparison means something."""
    dull = []
    attrs = {a["name"]: a for a in model["attributes"]}
    for table, rows in expected.items():
        assert rows, f"{table}: no entity rows at all"
        names = next(iter(rows.values())).keys()
        for n in names:
            if n in allowed_empty:
                continue
            dflt = attrs[n].get("default")
            if all(r[n] in EMPTY or r[n] == dflt for r in rows.values()):
                dull.append(f"{table}.{n}")
    assert not dull, "attributes with no value for any entity: " + ", ".join(dull)


def split_by_day(rows, n_batches):
    """Contiguous groups of derived_tstamp days with about the same number
    of events each."""
    days = sorted({r["derived_tstamp"].date() for r in rows})
    per_day = {d: 0 for d in days}
    for r in rows:
        per_day[r["derived_tstamp"].date()] += 1
    target = len(rows) / n_batches
    groups, cur, acc = [], [], 0
    for d in days:
        cur.append(d)
        acc += per_day[d]
        if acc >= target * (len(groups) + 1) and len(groups) < n_batches - 1:
            groups.append(cur)
            cur = []
    if cur:
        groups.append(cur)
    index = {d: i for i, g in enumerate(groups) for d in g}
    batches = [[] for _ in groups]
    for r in rows:
        batches[index[r["derived_tstamp"].date()]].append(dict(r))
    return batches


def make_incremental_batches(rows, n_batches, late_every=15, dup_every=40):
    """Batches of events as a loader would deliver them:
    - split by derived day;
    - every `late_every`-th event (by event_id) of the earlier batches is
      moved to the last batch: it reaches the collector days late;
    - every `dup_every`-th event of the earlier batches is re-delivered
      (same event_id, different content) in the next batch;
    - two copies of a few events of the last batch arrive in the last batch
      with different collector_tstamps (the earlier one counts);
    and each batch gets one load_tstamp (after its last collector_tstamp).
    Returns [(batch rows, today)]."""
    batches = split_by_day(rows, n_batches)
    k = len(batches)
    for i in range(k - 1):
        keep = []
        for r in sorted(batches[i], key=lambda r: r["event_id"]):
            h = int(r["event_id"].replace("-", "")[:8], 16)
            if h % late_every == 0:
                batches[-1].append(r)
            else:
                keep.append(r)
            if h % dup_every == 1:
                batches[i + 1].append(_altered_copy(r))
        batches[i] = keep
    out = []
    last_load = None
    for i, b in enumerate(batches):
        last_day = max(r["derived_tstamp"] for r in b if r["derived_tstamp"])
        load = max(r["collector_tstamp"] for r in b if r["collector_tstamp"])
        load = load.replace(microsecond=0) + dt.timedelta(minutes=10)
        if last_load is not None and load <= last_load:
            load = last_load + dt.timedelta(hours=1)
        for r in b:
            # late and re-delivered events reach the collector at load time
            if r["collector_tstamp"] > load or r["collector_tstamp"] < (last_load or dt.datetime.min):
                r["collector_tstamp"] = load - dt.timedelta(minutes=5)
        if i == k - 1:
            extra = []
            for r in sorted(b, key=lambda r: r["event_id"])[::25]:
                c = _altered_copy(r)
                c["collector_tstamp"] = r["collector_tstamp"] + dt.timedelta(seconds=30)
                extra.append(c)
            b.extend(extra)
        last_load = load
        today = (load.date() if i == k - 1 else last_day.date()).isoformat()
        out.append((load_shared.assign_load_tstamp(b, load, override=True), today))
    return out


def _altered_copy(r):
    """A re-delivered copy of an event whose content differs, so that using
    it instead of the first copy changes attributes."""
    c = dict(r)
    c["derived_tstamp"] = r["derived_tstamp"] + dt.timedelta(days=1, minutes=7)
    for col, v in list(c.items()):
        if col.startswith("unstruct_event_") and isinstance(v, dict):
            c[col] = dict(v, type="transaction", name="redelivered")
        elif col.startswith("contexts_") and isinstance(v, list):
            c[col] = [dict(x, price="999.5", id="DUP", category="Duplicates")
                      if isinstance(x, dict) else x for x in v]
    for col in ("page_title", "geo_country", "mkt_source"):
        if c.get(col) is not None:
            c[col] = c[col] + " (dup)"
    if c.get("br_viewwidth") is not None:
        c["br_viewwidth"] += 1
    return c


def run_incremental(model, project, db, batches, json_cols, what):
    """Load the batches one by one, dbt run after each, compare with the
    oracle, check updated_at of unchanged rows; then a run with no new
    events changes no updated_at; then a full refresh of a copy equals the
    incremental result. Returns the final (expected, actual)."""
    load_shared.create_warehouse(db, json_cols)
    prev_vals, prev_upd = None, None
    today = None
    for i, (rows, today) in enumerate(batches):
        load_shared.append_rows(db, rows)
        harness.dbt_run(project, db, today)
        _, actual, updated = check_against_oracle(model, db, today, f"{what} batch {i + 1}")
        if prev_vals is not None:
            _check_updated_at(prev_vals, prev_upd, actual, updated, f"{what} batch {i + 1}")
        prev_vals, prev_upd = actual, updated
    # No new events: nothing changes, updated_at included.
    harness.dbt_run(project, db, today)
    expected, actual, updated = check_against_oracle(model, db, today, f"{what} rerun")
    assert actual == prev_vals, f"{what}: a run without new events changed values"
    assert updated == prev_upd, f"{what}: a run without new events changed updated_at"
    # A full refresh over the same events computes the same.
    copy = db.replace(".duckdb", "_refresh.duckdb")
    shutil.copyfile(db, copy)
    if os.path.exists(db + ".wal"):
        shutil.copyfile(db + ".wal", copy + ".wal")
    harness.dbt_run(project, copy, today, full_refresh=True)
    refreshed = harness.read_attributes(copy, model)
    problems = oracle.diff_tables(model, refreshed, actual)
    assert not problems, (f"{what}: incremental result differs from a full refresh:\n  "
                          + "\n  ".join(problems[:60]))
    return expected, actual


def _check_updated_at(prev_vals, prev_upd, vals, upd, what):
    bad = []
    for table, rows in vals.items():
        for ent, v in rows.items():
            if ent in prev_vals.get(table, {}) and prev_vals[table][ent] == v:
                if upd[table][ent] != prev_upd[table][ent]:
                    bad.append(f"{table}[{ent}]: {prev_upd[table][ent]} -> {upd[table][ent]}")
    assert not bad, (f"{what}: updated_at changed on rows whose values did not:\n  "
                     + "\n  ".join(bad[:20]))
