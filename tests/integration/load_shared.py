"""Loaders of the real Snowplow fixtures in /work/shared/data into DuckDB.

The CSVs are read into rows (dicts of column -> Python value) laid out as
the signalsc dbt backend expects ``atomic.events`` (see tools/gen_events.py):

* atomic columns typed (datetime / int / float / bool / str), empty -> None;
* self-describing JSON moved from the BigQuery-style columns of the CSVs
  (full version: ``..._1_0_0``) to Snowflake-style columns (major only:
  ``..._1``). An unstruct event's data goes to the column derived from the
  row's own event_vendor / event_name / event_version, and a one-element
  JSON array is unwrapped to its object. Empty context arrays become NULL.

load_tstamp: the web CSV has it for some rows; it is kept there unless the
caller overrides it. Missing ones are synthesized per load batch (see
``assign_load_tstamp``).

The web fixture also ships yauaa / ua-parser / spider contexts as separate
CSVs keyed by root_id (a Redshift-style layout); the same contexts are in
the events CSV as JSON, which is what is loaded.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import re
import sys
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tools"))

import gen_events  # noqa: E402  (the warehouse layout)

DATA = os.environ.get("SIGNALS_TEST_DATA", "/work/shared/data")
ECOMMERCE_CSV = os.path.join(DATA, "snowplow-ecommerce", "events.csv")
WEB_CSV = os.path.join(DATA, "snowplow-web", "snowplow_web_events.csv")

_FULL_VERSION = re.compile(r"^(.*)_(\d+)_(\d+)_(\d+)$")


def parse_tstamp(s: str) -> dt.datetime:
    """'2022-12-22 13:25:47.779000+00:00' or '2021-03-01 20:58:11.021' ->
    naive UTC datetime."""
    d = dt.datetime.fromisoformat(s.strip().replace("T", " ").replace("Z", "+00:00"))
    if d.tzinfo is not None:
        d = d.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return d


def _convert(col: str, typ: str, s: str):
    if s == "":
        return None
    if typ == "TIMESTAMP":
        return parse_tstamp(s)
    if typ == "INTEGER":
        return int(float(s))
    if typ == "DOUBLE":
        return float(s)
    if typ == "BOOLEAN":
        low = s.strip().lower()
        if low in ("true", "t", "1"):
            return True
        if low in ("false", "f", "0"):
            return False
        raise ValueError(f"{col}: not a boolean: {s!r}")
    return s


def convert_row(raw: dict) -> dict:
    """One CSV row -> one warehouse row."""
    row: dict = {}
    unstruct_data = []
    for col, s in raw.items():
        if col in gen_events.ATOMIC_TYPES:
            row[col] = _convert(col, gen_events.ATOMIC_TYPES[col], s)
        elif col.startswith("contexts_"):
            if s.strip() in ("", "null"):
                continue
            v = json.loads(s)
            if not isinstance(v, list):
                v = [v]
            if not v:
                continue
            m = _FULL_VERSION.match(col)
            target = f"{m.group(1)}_{m.group(2)}" if m else col
            row.setdefault(target, [])
            row[target] = row[target] + v
        elif col.startswith("unstruct_event_"):
            if s.strip() in ("", "null"):
                continue
            v = json.loads(s)
            if isinstance(v, list):
                if len(v) != 1:
                    raise ValueError(f"{col}: array of {len(v)} objects")
                v = v[0]
            if v is None:
                continue
            m = _FULL_VERSION.match(col)
            unstruct_data.append((f"{m.group(1)}_{m.group(2)}" if m else col, v))
        # other columns (none in the fixtures) are ignored
    if len(unstruct_data) > 1:
        raise ValueError(f"event {row.get('event_id')}: data in several unstruct columns")
    if unstruct_data:
        fallback, data = unstruct_data[0]
        if row.get("event_vendor") and row.get("event_name") and row.get("event_version"):
            target = gen_events.unstruct_column(
                row["event_vendor"], row["event_name"], row["event_version"])
        else:
            target = fallback
        row[target] = data
    return row


def read_csv(path: str) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return [convert_row(r) for r in csv.DictReader(f)]


def read_ecommerce() -> list[dict]:
    """The 834 events of snowplow-ecommerce (no load_tstamp)."""
    return read_csv(ECOMMERCE_CSV)


def read_web() -> list[dict]:
    """The 160 events of snowplow-web (load_tstamp on some rows)."""
    return read_csv(WEB_CSV)


def json_columns(rows) -> list[str]:
    cols = set()
    for r in rows:
        cols.update(c for c in r if gen_events.is_json_column(c))
    return sorted(cols)


def assign_load_tstamp(rows, load: dt.datetime, override: bool = False) -> list[dict]:
    """Copies of rows with load_tstamp set to `load` (one load batch) where
    missing, or everywhere with override=True.

    Copies of one event_id in the same batch get load + 1 ms per earlier
    copy whenever their collector_tstamp ties too, so that "the copy loaded
    first" is always well defined (the fixtures hold duplicates with equal
    collector_tstamp)."""
    out = []
    seen: Counter = Counter()
    for r in rows:
        c = dict(r)
        if override or c.get("load_tstamp") is None:
            key = (c.get("event_id"), c.get("collector_tstamp"))
            c["load_tstamp"] = load + dt.timedelta(milliseconds=seen[key])
            seen[key] += 1
        out.append(c)
    return out


def default_load_time(rows) -> dt.datetime:
    """A load batch time just after the last collector_tstamp of rows."""
    last = max(r["collector_tstamp"] for r in rows if r.get("collector_tstamp"))
    return last.replace(microsecond=0) + dt.timedelta(minutes=10)


def create_warehouse(path: str, json_cols, schema="atomic", table="events"):
    """A fresh DuckDB file with an empty events table; returns nothing."""
    import duckdb
    for p in (path, path + ".wal"):
        if os.path.exists(p):
            os.unlink(p)
    con = duckdb.connect(path)
    try:
        gen_events.create_events_table(con, json_cols, schema, table)
    finally:
        con.close()


def append_rows(path: str, rows, schema="atomic", table="events"):
    import duckdb
    con = duckdb.connect(path)
    try:
        gen_events.insert_events(con, rows, schema, table)
    finally:
        con.close()


def load_all(path: str, rows, extra_json_cols=()):
    """Create `path` holding all rows in one load batch (missing
    load_tstamps synthesized)."""
    rows = assign_load_tstamp(rows, default_load_time(rows))
    create_warehouse(path, set(json_columns(rows)) | set(extra_json_cols))
    append_rows(path, rows)
    return rows


def read_events(path: str, schema="atomic", table="events") -> list[dict]:
    """Read the events table back as Python rows (JSON columns parsed)."""
    import duckdb
    con = duckdb.connect(path, read_only=True)
    try:
        cur = con.execute(f'SELECT * FROM "{schema}"."{table}"')
        names = [d[0] for d in cur.description]
        rows = cur.fetchall()
    finally:
        con.close()
    out = []
    for t in rows:
        r = {}
        for n, v in zip(names, t):
            if gen_events.is_json_column(n) and isinstance(v, str):
                v = json.loads(v)
            r[n] = v
        out.append(r)
    return out
