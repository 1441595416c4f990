"""Descriptions reach dbt exactly as written: YAML would read U+0085,
U+2028 and U+2029 as line breaks, and dbt renders a yml string that holds
Jinja marks, which would evaluate {{ }} and turn CR into LF. (The values of
specs/strings.signals are compared cell by cell in test_shared_data.py.)"""

import json
import os

import harness


def test_descriptions_reach_dbt_unchanged(signalsc, workdir):
    spec = os.path.join(harness.SPECS, "strings.signals")
    model = harness.debug_model(spec)
    project = harness.compile_dbt(spec, str(workdir / "strings_parse_project"))
    harness._dbt("parse", project, str(workdir / "strings_parse.duckdb"), "2024-03-06")
    with open(os.path.join(project, "target", "manifest.json"), encoding="utf-8") as f:
        nodes = json.load(f)["nodes"]
    node = next(n for n in nodes.values() if n.get("name") == "strings_v1_attributes")
    view = next(v for v in model["views"] if v["name"] == "strings")
    want = view["description"]
    assert "\r" in want and "\u2028" in want and "{{ 1 + 1 }}" in want
    got = node["description"]
    assert got.startswith(want + "\n\n"), (want, got)
    # the default's literal, in the column's description
    col = node["columns"]["dflt"]["description"]
    assert "(default \"x\\r{{ y }}\u2028'\\\\\")" in col, col
