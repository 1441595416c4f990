"""Every statement generated for Snowflake, BigQuery, Databricks and
PostgreSQL parses with sqlglot's parser for that dialect: each dbt model
rendered for a first run and for an incremental run (with and without the
`today` var), for the integration specs and the golden spec; and the DDL
backend's Snowflake script."""

import os
import shutil

import pytest
import sqlglot
from sqlglot.errors import ErrorLevel

import harness
from render import render_models

ROOT = harness.ROOT
SPECS = [os.path.join(harness.SPECS, "ecommerce.signals"),
         os.path.join(harness.SPECS, "web.signals"),
         os.path.join(harness.SPECS, "strings.signals"),
         os.path.join(ROOT, "tests", "golden", "dbt", "shop.signals")]
TARGETS = {  # target: (sqlglot dialect, identifier quote)
    "snowflake": ("snowflake", '"'),
    "bigquery": ("bigquery", "`"),
    "databricks": ("databricks", "`"),
    "postgres": ("postgres", '"'),
    "duckdb": ("duckdb", '"'),
}


def parse_all(sql, dialect, what):
    try:
        trees = sqlglot.parse(sql, read=dialect, error_level=ErrorLevel.RAISE)
    except sqlglot.errors.ParseError as e:
        raise AssertionError(f"{what}: does not parse as {dialect}: {e}\n{sql[:4000]}") from e
    trees = [t for t in trees if t is not None]
    assert trees, f"{what}: no statement"
    return trees


@pytest.mark.parametrize("target", sorted(TARGETS))
@pytest.mark.parametrize("spec", SPECS, ids=lambda p: os.path.basename(p))
def test_dbt_models_parse(signalsc, workdir, target, spec):
    dialect, quote = TARGETS[target]
    project = str(workdir / f"parse_{target}_{os.path.basename(spec)}")
    if os.path.exists(project):
        shutil.rmtree(project)
    harness._run([signalsc, "compile", "--backend", "dbt", "--target", target,
                  "-o", project, spec], what="signalsc compile")
    n = 0
    for incremental in (False, True):
        for today in ("2024-05-01", None):
            for name, sql in render_models(project, incremental, today, quote).items():
                trees = parse_all(sql, dialect, f"{target} {name} (incremental={incremental})")
                assert len(trees) == 1, f"{name}: {len(trees)} statements"
                assert isinstance(trees[0], sqlglot.exp.Query), name
                n += 1
    assert n >= 12


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: os.path.basename(p))
def test_ddl_script_parses(signalsc, workdir, spec):
    out = str(workdir / f"ddl_{os.path.basename(spec)}.sql")
    harness._run([signalsc, "compile", "--backend", "ddl", "--target", "snowflake",
                  "-o", out, spec], what="signalsc compile --backend ddl")
    with open(out) as f:
        sql = f.read()
    trees = parse_all(sql, "snowflake", "ddl script")
    kinds = [type(t).__name__ for t in trees]
    assert kinds[0] == "Create" and "Insert" in kinds, kinds
