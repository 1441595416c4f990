"""Renders a generated dbt project's models the way dbt would, for a fixed
state, without an adapter: ref/source/this/var/config/is_incremental and
run_started_at, with Jinja (dbt-core's own dependency)."""

from __future__ import annotations

import datetime as dt
import glob
import os

import jinja2


def render_models(project: str, incremental: bool, today: str | None = "2024-05-01",
                  quote: str = '"') -> dict:
    """{model name: SQL} of every model of the project."""
    out = {}
    q = lambda s: f"{quote}{s}{quote}"  # noqa: E731
    env = jinja2.Environment(undefined=jinja2.StrictUndefined)
    for path in sorted(glob.glob(os.path.join(project, "models", "*", "*.sql"))):
        name = os.path.basename(path)[:-4]
        ctx = {
            "config": lambda **kw: "",
            "is_incremental": lambda: incremental,
            "ref": lambda m: f"{q('analytics')}.{q('signals')}.{q(m)}",
            "source": lambda s, t: f"{q('raw')}.{q('atomic')}.{q('events')}",
            "this": f"{q('analytics')}.{q('signals')}.{q(name)}",
            "var": lambda k, d=None: {"snowplow__start_date": "2020-01-01",
                                      "today": today}.get(k, d),
            "run_started_at": dt.datetime(2024, 5, 1, 12, 30, 0, 123456),
        }
        with open(path) as f:
            out[name] = env.from_string(f.read()).render(**ctx)
    return out
