"""The DDL backend's Snowflake script (signalsc compile --backend ddl
--target snowflake) run on fakesnow (Snowflake SQL emulated on DuckDB) over
both real Snowplow fixtures, every attribute of every entity compared with
the independent oracle. Runs in .venv-snow (tests/warehouse/setup.sh)."""

import datetime as dt
import logging
import json
import os
import re

import pytest

import gen_events
import harness
import load_shared
import strings_data
import oracle
from warehouses import jsonable
import scenario
from conftest import unavailable

logging.getLogger("sqlglot").setLevel(logging.ERROR)  # fakesnow's COMMENT warnings

DATASETS = {
    "ecommerce": (load_shared.read_ecommerce, "ecommerce.signals", "2022-12-22", set()),
    "web": (load_shared.read_web, "web.signals", "2021-03-03", {"n_consent_100"}),
    "strings": (strings_data.read_strings, "strings.signals", "2024-03-06", {"dflt"}),
}

SF_TYPES = {"TIMESTAMP": "TIMESTAMP_NTZ", "INTEGER": "INTEGER", "DOUBLE": "DOUBLE",
            "BOOLEAN": "BOOLEAN", "VARCHAR": "VARCHAR"}
TODAY_EXPR = "CAST(CONVERT_TIMEZONE('UTC', CURRENT_TIMESTAMP()) AS DATE)"


@pytest.fixture(scope="module")
def fakesnow_mod():
    try:
        import fakesnow
        import snowflake.connector  # noqa: F401
    except ImportError as e:
        unavailable(f"fakesnow is missing ({e}): run tests/warehouse/setup.sh and use .venv-snow")
    return fakesnow




def load(cur, rows, json_cols):
    cols = [f'"{n.upper()}" {SF_TYPES[t]}' for n, t in gen_events.ATOMIC_COLUMNS]
    cols += [f'"{n.upper()}" VARIANT' for n in json_cols]
    cur.execute("CREATE SCHEMA IF NOT EXISTS atomic")
    cur.execute(f"CREATE OR REPLACE TABLE atomic.events ({', '.join(cols)})")
    names = [n for n, _ in gen_events.ATOMIC_COLUMNS] + list(json_cols)
    sel = ", ".join(f"PARSE_JSON(%s)" if gen_events.is_json_column(n) else "%s" for n in names)
    params = []
    for r in rows:
        params.append(tuple(
            (json.dumps(jsonable(r[n])) if r.get(n) is not None else None)
            if gen_events.is_json_column(n) else r.get(n) for n in names))
    collist = ", ".join(f'"{n.upper()}"' for n in names)
    for p in params:
        cur.execute(f"INSERT INTO atomic.events ({collist}) SELECT {sel}", p)


def statements(script):
    """The script's statements (each ends with `;` at the end of a line)."""
    out, cur = [], []
    for line in script.split("\n"):  # not splitlines(): U+2028 may be in a literal
        cur.append(line)
        if line.rstrip().endswith(";"):
            s = "\n".join(cur).strip()
            cur = []
            body = "\n".join(l for l in s.splitlines() if not l.lstrip().startswith("--")).strip()
            if body:
                out.append(s.rstrip().rstrip(";"))
    assert not "".join(cur).strip(), "text after the last statement"
    return out


def read_attributes(cur, model):
    out = {}
    for table, (ent, attrs) in harness.attribute_tables(model).items():
        cur.execute(f"SELECT * FROM signals.{table}")
        names = [d[0].lower() for d in cur.description]
        types = {a["name"]: a["type"] for a in model["attributes"]}
        t = {}
        for r in cur.fetchall():
            row = dict(zip(names, r))
            vals = {}
            for a in attrs:
                v = row[a.lower()]
                if types[a].endswith("_list") and isinstance(v, str):
                    v = json.loads(v)
                    if types[a] == "unix_timestamp_list":
                        v = [load_shared.parse_tstamp(x) for x in v]
                vals[a] = v
            assert row[ent.lower()] not in t, f"{table}: two rows for {row[ent.lower()]!r}"
            assert row["updated_at"] is not None
            t[row[ent.lower()]] = vals
        out[table] = t
    return out


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_ddl_script_on_fakesnow(fakesnow_mod, signalsc, workdir, name):
    import snowflake.connector
    reader, spec, today, allowed_empty = DATASETS[name]
    path = os.path.join(harness.SPECS, spec)
    model = harness.debug_model(path)
    script_path = str(workdir / f"{name}.sql")
    harness._run([signalsc, "compile", "--backend", "ddl", "--target", "snowflake",
                  "-o", script_path, path], what="signalsc compile --backend ddl")
    script = open(script_path).read()
    assert script.count(TODAY_EXPR) >= 1
    script = script.replace(TODAY_EXPR, f"CAST('{today}' AS DATE)")
    rows = reader()
    rows = load_shared.assign_load_tstamp(rows, load_shared.default_load_time(rows))
    json_cols = sorted(set(load_shared.json_columns(rows)) | harness.model_json_columns(model))
    with fakesnow_mod.patch():
        con = snowflake.connector.connect(database="signals_test", schema="atomic")
        cur = con.cursor()
        cur.execute("CREATE DATABASE IF NOT EXISTS signals_test")
        cur.execute("USE DATABASE signals_test")
        load(cur, rows, json_cols)
        for st in statements(script):
            try:
                cur.execute(st)
            except Exception as e:  # show which statement
                raise AssertionError(f"statement failed on fakesnow: {e}\n{st[:3000]}") from e
        actual = read_attributes(cur, model)
        con.close()
    expected = oracle.compute(model, rows, today)
    scenario.check_exercised(model, expected, allowed_empty)
    problems = oracle.diff_tables(model, expected, actual)
    assert not problems, (f"fakesnow {name}: {len(problems)} differences from the oracle:\n  "
                          + "\n  ".join(problems[:60]))
