"""A local Spark session standing in for Databricks, behind the interface of
tests/warehouse/warehouses.py (create, append, read_events, tables,
read_attributes, dbt_run, copy), so that scenario_wh's full and incremental
checks run unchanged on it.

Events are stored as Snowplow's Databricks loader stores them: one Delta
table, atomic columns typed, one column per self-describing schema and
major version (Snowflake-style names), contexts ARRAY<STRUCT<...>> and
unstruct events STRUCT<...>, struct field names in snake_case. The loader
takes the struct types from the Iglu schemas; here they are inferred from the
JSON of every row the test will load (so that later batches fit the table),
plus every field the spec reads (STRING when no row has it), as the loader's
table has every field of the schema.

dbt runs in this process (dbtRunner) with dbt-spark's `method: session`,
which picks up the active SparkSession: one JVM for the whole test module,
and an in-memory catalog (no Hive metastore)."""

from __future__ import annotations

import json
import os
import sys
import re
import shutil
import tempfile
import time

import gen_events
import harness
from warehouses import jsonable

# Spark hands TIMESTAMP values to Python as naive local datetimes: the
# warehouse's values are UTC, so this process's local time zone is UTC.
os.environ["TZ"] = "UTC"
time.tzset()

DELTA_CONF = {
    "spark.sql.extensions": "io.delta.sql.DeltaSparkSessionExtension",
    "spark.sql.catalog.spark_catalog": "org.apache.spark.sql.delta.catalog.DeltaCatalog",
}

# A few hundred events: what costs is planning each statement, not data.
# Measured on 2 cores, the ecommerce full load (12 models): 57 s -> 32 s
# (with dbt threads: 3, one per view).
SMALL_DATA_CONF = {
    "spark.sql.shuffle.partitions": "1",
    "spark.default.parallelism": "1",
    "spark.databricks.delta.snapshotPartitions": "1",
    "spark.sql.codegen.wholeStage": "false",
    "spark.sql.codegen.factoryMode": "NO_CODEGEN",
    "spark.sql.adaptive.enabled": "false",
    "spark.databricks.delta.stats.collect": "false",
    "spark.databricks.delta.stats.skipping": "false",
    "spark.sql.parquet.compression.codec": "uncompressed",
    # a short-lived JVM: the C1 compiler only
    "spark.driver.extraJavaOptions": "-Duser.timezone=UTC -XX:TieredStopAtLevel=1",
}

ATOMIC_SPARK_TYPES = {"TIMESTAMP": "TIMESTAMP", "INTEGER": "INT", "DOUBLE": "DOUBLE",
                      "BOOLEAN": "BOOLEAN", "VARCHAR": "STRING"}


def snake_case(name: str) -> str:
    """A JSON key as Snowplow's Databricks loader names the struct field
    (camelCase -> snake_case)."""
    s = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    s = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", s)
    return s.lower()


def snake_keys(v):
    if isinstance(v, dict):
        return {snake_case(k): snake_keys(x) for k, x in v.items()}
    if isinstance(v, list):
        return [snake_keys(x) for x in v]
    return v


def loader_value(col, v):
    """A self-describing value as the loader stores it: keys in snake_case;
    a context array element that is not an object (the web fixture has a few
    nested arrays, which no Iglu schema admits) becomes NULL, which reads
    as the oracle's non-object element does (every field NULL)."""
    v = snake_keys(jsonable(v))
    if col.startswith("contexts_") and isinstance(v, list):
        v = [x if isinstance(x, dict) else None for x in v]
    return v


def start_session(root: str):
    """A local SparkSession with Delta Lake, everything under `root`."""
    from delta import configure_spark_with_delta_pip
    from pyspark.sql import SparkSession
    os.environ.setdefault("PYSPARK_PYTHON", os.path.realpath(sys.executable))
    b = (SparkSession.builder.master("local[2]").appName("signalsc-warehouse-tests")
         .config("spark.sql.warehouse.dir", os.path.join(root, "warehouse"))
         .config("spark.local.dir", os.path.join(root, "tmp"))
         .config("spark.sql.session.timeZone", "UTC")
         .config("spark.ui.enabled", "false")
         .config("spark.ui.showConsoleProgress", "false")
         .config("spark.driver.memory", "3g"))
    for k, v in {**DELTA_CONF, **SMALL_DATA_CONF}.items():
        b = b.config(k, v)
    for k, v in json.loads(os.environ.get("SIGNALS_SPARK_CONF", "{}")).items():
        b = b.config(k, v)
    spark = configure_spark_with_delta_pip(b).getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def json_schemas(spark, rows, model, json_cols):
    """{column: Spark DDL type} of every self-describing column: inferred
    from the rows' JSON (snake_case keys), plus the fields the model reads."""
    from pyspark.sql import types as T
    docs = []
    for r in rows:
        d = {c: loader_value(c, r[c]) for c in r
             if gen_events.is_json_column(c) and r[c] is not None}
        if d:
            docs.append(json.dumps(d))
    inferred = {}
    if docs:
        df = spark.read.json(spark.sparkContext.parallelize(docs, 1))
        inferred = {f.name: f.dataType for f in df.schema.fields}

    def element(col):
        t = inferred.get(col)
        if col.startswith("contexts_"):
            return t.elementType if isinstance(t, T.ArrayType) else T.StructType([])
        return t if isinstance(t, T.StructType) else T.StructType([])

    def ensure(struct, steps):
        """struct with the path `steps` (field / index steps) present."""
        if not steps or "field" not in steps[0]:
            return struct
        name = snake_case(steps[0]["field"])
        rest = steps[1:]
        fields = list(struct.fields)
        for i, f in enumerate(fields):
            if f.name == name:
                if rest and "field" in rest[0] and isinstance(f.dataType, T.StructType):
                    fields[i] = T.StructField(name, ensure(f.dataType, rest), True)
                return T.StructType(fields)
        if not rest:
            t = T.StringType()
        elif "index" in rest[0]:
            t = T.ArrayType(T.StringType())
        else:
            t = ensure(T.StructType([]), rest)
        return T.StructType(sorted(fields + [T.StructField(name, t, True)], key=lambda f: f.name))

    elems = {c: element(c) for c in json_cols}
    for p in _model_properties(model):
        if p["column"] in elems:
            elems[p["column"]] = ensure(elems[p["column"]], p.get("steps") or [])
    out = {}
    for c, st in elems.items():
        if not st.fields:  # a struct needs a field
            st = T.StructType([T.StructField("_unused", T.StringType(), True)])
        out[c] = (T.ArrayType(st) if c.startswith("contexts_") else st).simpleString()
    return out


def _model_properties(model):
    for a in model["attributes"]:
        for p in [a.get("property")] + [c["property"] for part in ("all", "any")
                                         for c in (a.get("criteria") or {}).get(part) or []]:
            if p and p.get("kind") in ("event", "entity"):
                yield p
    for v in model["views"]:
        p = (v.get("entity") or {}).get("property")
        if p and p.get("kind") in ("event", "entity"):
            yield p


class SparkWarehouse:
    """Databases `<name>_atomic` (the events table) and `<name>` (the
    models) of one SparkSession."""

    def __init__(self, spark, name: str, types: dict, profiles_root: str):
        self.spark = spark
        self.name = self.dbname = name
        self.schema = name
        self.atomic = f"{name}_atomic"
        self.types = types          # {json column: Spark type}
        self.rows: list[dict] = []  # what was loaded, for the oracle
        self.profiles = os.path.join(profiles_root, name)
        os.makedirs(self.profiles, exist_ok=True)
        with open(os.path.join(self.profiles, "profiles.yml"), "w") as f:
            f.write("signals:\n  target: spark\n  outputs:\n    spark:\n"
                    "      type: spark\n      method: session\n      host: NA\n"
                    f"      schema: {self.schema}\n"
                    f"      threads: {os.environ.get('SIGNALS_SPARK_THREADS', '3')}\n")

    def sql(self, q):
        return self.spark.sql(q)

    def create(self, json_cols):
        self.json_cols = sorted(set(json_cols))
        missing = set(self.json_cols) - set(self.types)
        assert not missing, f"no Spark type for {missing}"
        for db in (self.atomic, self.schema):
            self.sql(f"DROP DATABASE IF EXISTS `{db}` CASCADE")
            self.sql(f"CREATE DATABASE `{db}`")
        cols = [f"`{n}` {ATOMIC_SPARK_TYPES[t]}" for n, t in gen_events.ATOMIC_COLUMNS]
        cols += [f"`{c}` {self.types[c]}" for c in self.json_cols]
        self.sql(f"CREATE TABLE `{self.atomic}`.events ({', '.join(cols)}) USING delta")
        self.rows = []

    def append(self, rows):
        """Rows as the loader writes them: JSON through from_json into the
        column's struct type, keys in snake_case."""
        from pyspark.sql import types as T
        names = [n for n, _ in gen_events.ATOMIC_COLUMNS] + self.json_cols
        for r in rows:
            extra = set(r) - set(names)
            assert not extra or all(not gen_events.is_json_column(c) for c in extra), extra
        schema = T.StructType([T.StructField(n, T.StringType(), True) for n in names])
        data = []
        for r in rows:
            t = []
            for n in names:
                v = r.get(n)
                if v is None:
                    t.append(None)
                elif gen_events.is_json_column(n):
                    t.append(json.dumps(loader_value(n, v)))
                else:
                    v = jsonable(v)
                    t.append(("true" if v else "false") if isinstance(v, bool) else str(v))
            data.append(tuple(t))
        df = self.spark.createDataFrame(data, schema)
        types = dict(gen_events.ATOMIC_COLUMNS)
        sel = [f"CAST(`{n}` AS {ATOMIC_SPARK_TYPES[types[n]]}) AS `{n}`"
               for n, _ in gen_events.ATOMIC_COLUMNS]
        sel += [f"from_json(`{c}`, '{self.types[c]}') AS `{c}`" for c in self.json_cols]
        view = f"load_{self.name}"
        df.createOrReplaceTempView(view)
        # every value arrived: nothing lost to a type that does not fit
        checks = ", ".join(
            [f"count(`{n}`)" for n in names]
            + [f"count(from_json(`{c}`, '{self.types[c]}'))" for c in self.json_cols])
        got = self.sql(f"SELECT {checks} FROM {view}").collect()[0]
        want = [sum(r.get(n) is not None for r in rows) for n in names]
        want += want[len(gen_events.ATOMIC_COLUMNS):]
        bad = [(n, w, g) for n, w, g in zip(names + self.json_cols, want, got) if w != g]
        assert not bad, f"values lost when loading into Spark: {bad[:10]}"
        self.sql(f"INSERT INTO `{self.atomic}`.events SELECT {', '.join(sel)} FROM {view}")
        self.sql(f"DROP VIEW {view}")
        self.rows.extend(dict(r) for r in rows)

    def read_events(self):
        """The loaded rows (original JSON: the oracle reads the spec's field
        names), after checking the table holds as many."""
        n = self.sql(f"SELECT count(*) FROM `{self.atomic}`.events").collect()[0][0]
        assert n == len(self.rows), (n, len(self.rows))
        return [dict(r) for r in self.rows]

    def tables(self):
        return {r.tableName for r in self.sql(f"SHOW TABLES IN `{self.schema}`").collect()
                if not r.isTemporary}

    def read_attributes(self, model, with_updated_at=False):
        existing = self.tables()
        out, upd = {}, {}
        for table, (ent, attrs) in harness.attribute_tables(model).items():
            if table not in existing:
                continue
            cols = ", ".join(f"`{c}`" for c in [ent, *attrs, "updated_at"])
            t, u = {}, {}
            for r in self.sql(f"SELECT {cols} FROM `{self.schema}`.`{table}`").collect():
                r = tuple(r)
                if r[0] in t:
                    raise AssertionError(f"{table}: two rows for entity {r[0]!r}")
                t[r[0]] = dict(zip(attrs, r[1:-1]))
                u[r[0]] = r[-1]
            out[table], upd[table] = t, u
        return (out, upd) if with_updated_at else out

    def dbt_run(self, project, today, full_refresh=False):
        from dbt.cli.main import dbtRunner
        os.environ["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
        os.environ["DO_NOT_TRACK"] = "1"
        logs = os.path.join(project, "logs")
        shutil.rmtree(logs, ignore_errors=True)
        args = ["run", "--project-dir", project, "--profiles-dir", self.profiles,
                # No snowplow__database: the source must also work where the
                # adapter has no target.database (dbt-spark).
                "--vars", json.dumps({"today": today, "snowplow__atomic_schema": self.atomic}),
                "--no-use-colors", "--quiet", "--log-path", logs,
                "--target-path", os.path.join(project, "target")]
        if full_refresh:
            args.append("--full-refresh")
        res = dbtRunner().invoke(args)
        if not res.success:
            log = ""
            p = os.path.join(logs, "dbt.log")
            if os.path.exists(p):
                log = open(p, encoding="utf-8", errors="replace").read()
            fails = []
            for r in getattr(res.result, "results", None) or []:
                if str(getattr(r, "status", "")) not in ("success", "RunStatus.Success"):
                    fails.append(f"{r.node.name}: {r.status}: {r.message}")
            raise harness.ToolError(
                f"dbt run (spark) failed in {project} {' '.join(args)}\n"
                f"exception: {res.exception}\n" + "\n".join(fails)[:20000]
                + f"\n--- dbt.log (end) ---\n{log[-15000:]}")
        return res

    def copy(self, name):
        """A new warehouse with copies of the events and the models."""
        c = SparkWarehouse(self.spark, name, self.types, os.path.dirname(self.profiles))
        for db in (c.atomic, c.schema):
            self.sql(f"DROP DATABASE IF EXISTS `{db}` CASCADE")
            self.sql(f"CREATE DATABASE `{db}`")
        self.sql(f"CREATE TABLE `{c.atomic}`.events USING delta AS "
                 f"SELECT * FROM `{self.atomic}`.events")
        for t in sorted(self.tables()):
            self.sql(f"CREATE TABLE `{c.schema}`.`{t}` USING delta AS "
                     f"SELECT * FROM `{self.schema}`.`{t}`")
        c.json_cols = self.json_cols
        c.rows = [dict(r) for r in self.rows]
        return c


def temp_root():
    return tempfile.mkdtemp(prefix="signals-spark-")
