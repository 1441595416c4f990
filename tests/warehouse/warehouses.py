"""The engines the warehouse tests load events into and read attributes
from, behind one interface, so that the full and incremental scenarios of
tests/integration run unchanged on each."""

from __future__ import annotations

import json
import os

import gen_events
import harness

PG_TYPES = {"TIMESTAMP": "TIMESTAMP", "INTEGER": "INTEGER", "DOUBLE": "DOUBLE PRECISION",
            "BOOLEAN": "BOOLEAN", "VARCHAR": "TEXT"}


def jsonable(v):
    """A loaded row's value as JSON can carry it (timestamps as text)."""
    import datetime as dt
    if isinstance(v, dt.datetime):
        return v.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(v, dict):
        return {k: jsonable(x) for k, x in v.items()}
    if isinstance(v, list):
        return [jsonable(x) for x in v]
    return v


class PgWarehouse:
    """A database of a PgServer: atomic.events (Snowflake-style column names,
    JSON as jsonb); the models in schema `signals`."""

    schema = "signals"

    def __init__(self, server, dbname: str):
        self.server = server
        self.dbname = dbname

    def create(self, json_cols):
        con = self.server.connect()
        try:
            con.cursor().execute(f'DROP DATABASE IF EXISTS "{self.dbname}"')
            con.cursor().execute(f'CREATE DATABASE "{self.dbname}"')
        finally:
            con.close()
        cols = [f'"{n}" {PG_TYPES[t]}' for n, t in gen_events.ATOMIC_COLUMNS]
        cols += [f'"{n}" JSONB' for n in sorted(set(json_cols))]
        self._exec("CREATE SCHEMA atomic",
                   f'CREATE TABLE atomic.events ({", ".join(cols)})')
        self.json_cols = sorted(set(json_cols))

    def _exec(self, *sqls):
        con = self.server.connect(self.dbname)
        try:
            cur = con.cursor()
            for s in sqls:
                cur.execute(s)
        finally:
            con.close()

    def append(self, rows):
        from psycopg2.extras import Json, execute_values
        names = [n for n, _ in gen_events.ATOMIC_COLUMNS] + self.json_cols
        values = []
        for r in rows:
            extra = set(r) - set(names)
            assert not extra or all(not gen_events.is_json_column(c) for c in extra), extra
            values.append(tuple(
                Json(jsonable(r[n])) if gen_events.is_json_column(n) and r.get(n) is not None
                else r.get(n) for n in names))
        con = self.server.connect(self.dbname)
        try:
            execute_values(con.cursor(),
                           f'INSERT INTO atomic.events ({", ".join(chr(34) + n + chr(34) for n in names)}) VALUES %s',
                           values, page_size=500)
        finally:
            con.close()

    def read_events(self):
        con = self.server.connect(self.dbname)
        try:
            cur = con.cursor()
            cur.execute("SELECT * FROM atomic.events")
            # PostgreSQL truncates identifiers to 63 bytes (NAMEDATALEN), in the
            # generated SQL as here: give the oracle the full names back
            full = {c[:63]: c for c in self.json_cols}
            names = [full.get(d[0], d[0]) for d in cur.description]
            return [dict(zip(names, t)) for t in cur.fetchall()]
        finally:
            con.close()

    def tables(self):
        con = self.server.connect(self.dbname)
        try:
            cur = con.cursor()
            cur.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
                        [self.schema])
            return {r[0] for r in cur.fetchall()}
        finally:
            con.close()

    def read_attributes(self, model, with_updated_at=False):
        existing = self.tables()
        out, upd = {}, {}
        con = self.server.connect(self.dbname)
        try:
            cur = con.cursor()
            for table, (ent, attrs) in harness.attribute_tables(model).items():
                if table not in existing:
                    continue
                cols = ", ".join(f'"{c}"' for c in [ent, *attrs, "updated_at"])
                cur.execute(f'SELECT {cols} FROM "{self.schema}"."{table}"')
                t, u = {}, {}
                for r in cur.fetchall():
                    if r[0] in t:
                        raise AssertionError(f"{table}: two rows for entity {r[0]!r}")
                    t[r[0]] = dict(zip(attrs, r[1:-1]))
                    u[r[0]] = r[-1]
                out[table], upd[table] = t, u
        finally:
            con.close()
        return (out, upd) if with_updated_at else out

    def dbt_run(self, project, today, full_refresh=False):
        env = dict(os.environ)
        env.update(self.server.env(self.dbname, self.schema))
        env["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
        env["DO_NOT_TRACK"] = "1"
        cmd = [harness.dbt_path(), "run", "--project-dir", project, "--profiles-dir", project,
               "--vars", json.dumps({"today": today}), "--no-use-colors",
               "--log-path", os.path.join(project, "logs"),
               "--target-path", os.path.join(project, "target")]
        if full_refresh:
            cmd.append("--full-refresh")
        return harness._run(cmd, env=env, what="dbt run (postgres)")

    def copy(self, dbname):
        con = self.server.connect()
        try:
            con.cursor().execute(f'DROP DATABASE IF EXISTS "{dbname}"')
            con.cursor().execute(f'CREATE DATABASE "{dbname}" TEMPLATE "{self.dbname}"')
        finally:
            con.close()
        c = PgWarehouse(self.server, dbname)
        c.json_cols = self.json_cols
        return c
