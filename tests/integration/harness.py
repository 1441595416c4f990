"""Driving signalsc and dbt from the integration tests."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SPECS = os.path.join(HERE, "specs")


def signalsc_path() -> str:
    return os.environ.get("SIGNALSC", os.path.join(ROOT, "build", "signalsc"))


def dbt_path() -> str:
    d = os.path.dirname(sys.executable)
    p = os.path.join(d, "dbt")
    return p if os.path.exists(p) else (shutil.which("dbt") or "dbt")


class ToolError(AssertionError):
    pass


def _run(cmd, env=None, cwd=None, what=None):
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=cwd)
    if p.returncode != 0:
        raise ToolError(
            f"{what or cmd[0]} failed (exit {p.returncode}): {' '.join(map(str, cmd))}\n"
            f"--- stdout ---\n{p.stdout[-20000:]}\n--- stderr ---\n{p.stderr[-20000:]}")
    return p


def debug_model(spec: str) -> dict:
    p = _run([signalsc_path(), "debug", "model", spec], what="signalsc debug model")
    return json.loads(p.stdout)


def compile_dbt(spec: str, outdir: str) -> str:
    if os.path.exists(outdir):
        shutil.rmtree(outdir)
    _run([signalsc_path(), "compile", "--backend", "dbt", "--target", "duckdb",
          "-o", outdir, spec], what="signalsc compile")
    return outdir


def _dbt(verb: str, project: str, db: str, today: str, extra_args=(), extra_vars=None):
    env = dict(os.environ)
    env["SIGNALS_DUCKDB_PATH"] = os.path.abspath(db)
    env["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
    env["DO_NOT_TRACK"] = "1"
    vars_ = {"today": today}
    vars_.update(extra_vars or {})
    cmd = [dbt_path(), verb, "--project-dir", project, "--profiles-dir", project,
           "--vars", json.dumps(vars_), "--no-use-colors", *extra_args,
           "--log-path", os.path.join(project, "logs"),
           "--target-path", os.path.join(project, "target")]
    return _run(cmd, env=env, what="dbt " + verb)


def dbt_run(project: str, db: str, today: str, full_refresh: bool = False,
            extra_vars: dict | None = None):
    """`dbt run` of a generated project against the DuckDB file `db`. Logs
    are kept out of the way, and shown in the failure message."""
    return _dbt("run", project, db, today, ["--full-refresh"] if full_refresh else [],
                extra_vars)


def dbt_test(project: str, db: str, today: str):
    """`dbt test`: the generated schema.yml tests (entity key unique and not
    null, event_id unique and not null) against the built models."""
    return _dbt("test", project, db, today)


def attribute_tables(model: dict) -> dict:
    """{table name: (entity column, [attribute names])} of offline views
    with attributes."""
    out = {}
    for v in model["views"]:
        if v.get("offline") and v.get("attributes"):
            out[f"{v['name']}_v{v.get('version', 1)}_attributes"] = (
                v["entity"]["name"], list(v["attributes"]))
    return out


def read_attributes(db: str, model: dict, with_updated_at: bool = False):
    """{table: {entity value: {attribute: value}}} from the warehouse; with
    with_updated_at, also {table: {entity value: updated_at}}."""
    import duckdb
    con = duckdb.connect(db, read_only=True)
    out, upd = {}, {}
    try:
        existing = {r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
        ).fetchall()}
        for table, (ent, attrs) in attribute_tables(model).items():
            if table not in existing:
                continue
            cols = ", ".join(f'"{c}"' for c in [ent, *attrs, "updated_at"])
            rows = con.execute(f'SELECT {cols} FROM main."{table}"').fetchall()
            t, u = {}, {}
            for r in rows:
                if r[0] in t:
                    raise AssertionError(f"{table}: two rows for entity {r[0]!r}")
                t[r[0]] = dict(zip(attrs, r[1:-1]))
                u[r[0]] = r[-1]
            out[table], upd[table] = t, u
        tables = existing
    finally:
        con.close()
    if with_updated_at:
        return out, upd
    return out


def main_tables(db: str) -> set:
    import duckdb
    con = duckdb.connect(db, read_only=True)
    try:
        return {r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
        ).fetchall()}
    finally:
        con.close()


def model_json_columns(model: dict) -> set:
    """Every JSON column a model reads (so the events table has them)."""
    cols = set()

    def add(p):
        if p and p.get("kind") in ("event", "entity"):
            cols.add(p["column"])

    for a in model["attributes"]:
        add(a.get("property"))
        for part in ("all", "any"):
            for c in (a.get("criteria") or {}).get(part) or []:
                add(c["property"])
    for v in model["views"]:
        if v.get("entity"):
            add(v["entity"].get("property"))
    return cols
