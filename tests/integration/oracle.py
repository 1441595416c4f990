"""An independent computation of attributes, straight from docs/language.md
§4-§6, in plain Python.

Input: the resolved model (the JSON of `signalsc debug model`), the events
(rows as dicts of column -> Python value, JSON columns parsed, timestamps
naive UTC datetimes) and *today*. Output, per offline view:
{table_name: {entity_value: {attribute_name: value}}}.

Readings of the text that had to be chosen (also in README.md):
- Dedup is global, before anything else: per event_id the copy with the
  smallest (load_tstamp, collector_tstamp) is kept; an exact tie between
  copies is an error of the test data (the loaders avoid it).
- A JSON value converts to an int type when it is an integer, a JSON
  number with an integral value, or a string holding one ("3", "3.0");
  "1.5" does not convert to an int (absent). To double/float: numbers and
  numeric strings. To bool: true/false and the strings "true"/"false".
  To string: strings as they are, numbers/bools in their JSON spelling.
- In criteria, a bool literal compares the property as a bool (the strings
  "true"/"false" count as bools), a string literal compares its string form.
- `default` replaces the "no event / no value" result: counter when no
  event counted, sum/mean/min/max/first/last when no value was aggregated,
  unique_list when the list is empty.
- An event with NULL derived_tstamp has no day: windowed attributes skip it.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections import defaultdict

INT_TYPES = {"int32", "int64"}
FLOAT_TYPES = {"double", "float"}
_NUM_RE = re.compile(r"^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$")


class OracleError(Exception):
    pass


# ------------------------------------------------------------------ values

def walk(value, steps):
    for st in steps or []:
        if value is None:
            return None
        if "field" in st:
            value = value.get(st["field"]) if isinstance(value, dict) else None
        elif "index" in st:
            i = st["index"]
            value = value[i] if isinstance(value, list) and 0 <= i < len(value) else None
        else:
            raise OracleError(f"unknown step {st!r}")
    return value


def prop_value(prop, row):
    """The raw value of a property on an event (None when absent)."""
    if prop is None:
        return None
    kind = prop["kind"]
    v = row.get(prop["column"])
    if kind == "atomic":
        return v
    if isinstance(v, str):
        v = json.loads(v)
    if kind == "event":
        return walk(v, prop.get("steps"))
    if kind == "entity":
        i = prop.get("index", 0) or 0
        if not isinstance(v, list) or not (0 <= i < len(v)):
            return None
        return walk(v[i], prop.get("steps"))
    raise OracleError(f"unknown property kind {kind!r}")


def to_number(v):
    if v is None or isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        return None if isinstance(v, float) and not math.isfinite(v) else v
    if isinstance(v, str) and _NUM_RE.match(v):
        s = v.strip()
        try:
            return int(s)
        except ValueError:
            return float(s)
    return None


def to_bool(v):
    if isinstance(v, bool):
        return v
    if isinstance(v, str) and v.strip().lower() in ("true", "false"):
        return v.strip().lower() == "true"
    return None


def to_string(v):
    if v is None:
        return None
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return json.dumps(v)
    if isinstance(v, (dict, list)):
        return json.dumps(v, separators=(",", ":"))
    return str(v)


def convert(v, typ):
    """A property value converted to a Field type; None if it does not."""
    if v is None:
        return None
    base = typ[:-5] if typ.endswith("_list") else typ
    if base in INT_TYPES:
        n = to_number(v)
        if n is None:
            return None
        if isinstance(n, float):
            return int(n) if n.is_integer() else None
        return n
    if base in FLOAT_TYPES:
        n = to_number(v)
        return None if n is None else float(n)
    if base == "bool":
        return to_bool(v)
    if base == "unix_timestamp":
        if isinstance(v, dt.datetime):
            return v
        if isinstance(v, str):
            try:
                d = dt.datetime.fromisoformat(v.replace("Z", "+00:00"))
            except ValueError:
                return None
            if d.tzinfo is not None:
                d = d.astimezone(dt.timezone.utc).replace(tzinfo=None)
            return d
        return None
    if base in ("string", "bytes"):
        if isinstance(v, dt.datetime):
            return v.isoformat(sep=" ")
        return to_string(v)
    raise OracleError(f"unknown type {typ!r}")


# ------------------------------------------------------------------ criteria

def like_match(s, pattern):
    """docs/language.md section 5: `%` any text, `_` any one character, a
    backslash makes the next `%`, `_` or backslash literal; any other
    backslash is an error of the spec (E0333)."""
    rx, i = [], 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            if i + 1 >= len(pattern) or pattern[i + 1] not in "%_\\":
                raise OracleError(f"invalid escape in like pattern {pattern!r}")
            rx.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        rx.append(".*" if c == "%" else "." if c == "_" else re.escape(c))
        i += 1
    return re.fullmatch("".join(rx), s, re.DOTALL) is not None


def _lit_kind(lit):
    if isinstance(lit, bool):
        return "bool"
    if isinstance(lit, (int, float)):
        return "number"
    if isinstance(lit, str):
        return "string"
    raise OracleError(f"unsupported literal {lit!r}")


def _as_kind(v, kind):
    if v is None:
        return None
    if kind == "number":
        return to_number(v)
    if kind == "bool":
        return to_bool(v)
    if isinstance(v, dt.datetime):
        return v.isoformat(sep=" ")
    return to_string(v)


def criterion_holds(c, row):
    op, lit = c["operator"], c["value"]
    raw = prop_value(c["property"], row)
    if op == "in":
        if not isinstance(lit, list) or not lit:
            raise OracleError(f"`in` needs a list: {lit!r}")
        x = _as_kind(raw, _lit_kind(lit[0]))
        if x is None:
            return False
        return any(x == _as_kind(l, _lit_kind(l)) for l in lit)
    kind = _lit_kind(lit)
    x = _as_kind(raw, "string" if op == "like" else kind)
    if x is None:
        return op == "!="
    if op == "like":
        return like_match(x, lit)
    if op == "=":
        return x == lit
    if op == "!=":
        return x != lit
    if kind == "bool":
        x, lit = int(x), int(lit)
    if op == "<":
        return x < lit
    if op == ">":
        return x > lit
    if op == "<=":
        return x <= lit
    if op == ">=":
        return x >= lit
    raise OracleError(f"unknown operator {op!r}")


def criteria_hold(criteria, row):
    if not criteria:
        return True
    all_ = criteria.get("all") or []
    any_ = criteria.get("any") or []
    if not all(criterion_holds(c, row) for c in all_):
        return False
    if any_ and not any(criterion_holds(c, row) for c in any_):
        return False
    return True


# ------------------------------------------------------------------ events

def version_matches(pattern, version):
    if pattern is None:
        return True
    if version is None:
        return False
    if pattern.endswith("-*-*"):
        return version.split("-")[0] == pattern.split("-")[0]
    return version == pattern


def event_matches(ev_spec, row):
    return (row.get("event_vendor") == ev_spec["vendor"]
            and row.get("event_name") == ev_spec["name"]
            and version_matches(ev_spec.get("version"), row.get("event_version")))


def _lt_key(r):
    lt, ct = r.get("load_tstamp"), r.get("collector_tstamp")
    return (lt is None, lt or dt.datetime.min, ct is None, ct or dt.datetime.min)


def dedup(rows):
    """One row per event_id: the one loaded first (load_tstamp, then
    collector_tstamp)."""
    best = {}
    for r in rows:
        eid = r.get("event_id")
        cur = best.get(eid)
        if cur is None:
            best[eid] = r
            continue
        a, b = _lt_key(r), _lt_key(cur)
        if a == b and r != cur:
            raise OracleError(f"copies of event {eid} tie on (load_tstamp, collector_tstamp)")
        if a < b:
            best[eid] = r
    return list(best.values())


# ------------------------------------------------------------------ aggregation

def _window_ok(attr, row, today):
    ps = attr.get("period_seconds")
    if ps is None:
        return True
    if ps % 86400:
        raise OracleError(f"{attr['name']}: period not whole days")
    n = ps // 86400
    ts = row.get("derived_tstamp")
    if ts is None:
        return False
    day = ts.date()
    return today - dt.timedelta(days=n - 1) <= day <= today


def aggregate(attr, rows):
    """rows: the attribute's events in its window (already filtered)."""
    agg, typ = attr["aggregation"], attr["type"]
    default = attr.get("default")
    if agg == "counter":
        n = len(rows)
        return default if (n == 0 and default is not None) else n
    vals = []
    for r in rows:
        v = convert(prop_value(attr["property"], r), typ)
        if v is not None:
            vals.append((r, v))
    if not vals:
        if default is not None:
            return default
        if agg == "sum":
            return 0.0 if typ in FLOAT_TYPES else 0
        if agg == "unique_list":
            return []
        return None
    if agg == "sum":
        s = sum(v for _, v in vals)
        return float(s) if typ in FLOAT_TYPES else s
    if agg == "mean":
        return float(sum(v for _, v in vals)) / len(vals)
    if agg == "min":
        return min(v for _, v in vals)
    if agg == "max":
        return max(v for _, v in vals)
    if agg in ("first", "last"):
        key = lambda rv: (rv[0].get("derived_tstamp") or dt.datetime.min, rv[0].get("event_id") or "")
        return (min(vals, key=key) if agg == "first" else max(vals, key=key))[1]
    if agg == "unique_list":
        last_seen = {}
        for r, v in vals:
            ts = r.get("derived_tstamp") or dt.datetime.min
            if v not in last_seen or ts > last_seen[v]:
                last_seen[v] = ts
        ordered = sorted(last_seen, key=lambda v: (last_seen[v], v))
        return ordered[-100:]
    raise OracleError(f"unknown aggregation {agg!r}")


def entity_property(ent):
    """An entity's value: its property, else the atomic column of its key,
    else of its name."""
    if ent.get("property"):
        return ent["property"]
    return {"kind": "atomic", "column": ent.get("key") or ent["name"]}


def table_name(view):
    return f"{view['name']}_v{view.get('version', 1)}_attributes"


def compute(model, rows, today):
    """{table: {entity_value: {attribute: value}}} for every offline view."""
    if isinstance(today, str):
        today = dt.date.fromisoformat(today)
    rows = dedup(rows)
    attrs = {a["name"]: a for a in model["attributes"]}
    out = {}
    for view in model["views"]:
        if not view.get("offline") or not view.get("attributes"):
            continue
        eprop = entity_property(view["entity"])
        vattrs = [attrs[n] for n in view["attributes"]]
        per_entity = defaultdict(list)
        for r in rows:
            ev = prop_value(eprop, r)
            if ev is None:
                continue
            if any(any(event_matches(e, r) for e in a["events"]) for a in vattrs):
                per_entity[ev].append(r)
        res = {}
        for ent, evs in per_entity.items():
            res[ent] = {}
            for a in vattrs:
                sel = [r for r in evs
                       if any(event_matches(e, r) for e in a["events"])
                       and criteria_hold(a.get("criteria"), r)
                       and _window_ok(a, r, today)]
                res[ent][a["name"]] = aggregate(a, sel)
        out[table_name(view)] = res
    return out


# ------------------------------------------------------------------ comparing

def values_equal(exp, act, typ):
    if typ.endswith("_list"):
        if exp is None or act is None:
            return exp is None and act is None
        act = list(act)
        return len(exp) == len(act) and all(
            values_equal(e, a, typ[:-5]) for e, a in zip(exp, act))
    if exp is None or act is None:
        return exp is None and act is None
    if typ in FLOAT_TYPES:
        if isinstance(act, bool) or not isinstance(act, (int, float)):
            return False
        rel = 1e-6 if typ == "float" else 1e-9
        return math.isclose(float(exp), float(act), rel_tol=rel, abs_tol=1e-9)
    if typ in INT_TYPES:
        return isinstance(act, int) and not isinstance(act, bool) and exp == act
    if typ == "bool":
        return isinstance(act, bool) and exp == act
    if typ == "unix_timestamp":
        if isinstance(act, dt.datetime):
            if act.tzinfo is not None:
                act = act.astimezone(dt.timezone.utc).replace(tzinfo=None)
            return act == exp
        if isinstance(act, (int, float)):
            epoch = (exp - dt.datetime(1970, 1, 1)).total_seconds()
            return math.isclose(act, epoch, abs_tol=1e-3) or math.isclose(act, epoch * 1000, abs_tol=1)
        return False
    if typ == "bytes" and isinstance(act, (bytes, bytearray)):
        act = act.decode("utf-8")
    return exp == act


def diff_tables(model, expected, actual):
    """Mismatches between the oracle's {table: {entity: {attr: v}}} and the
    warehouse's, as readable strings (empty when equal)."""
    attrs = {a["name"]: a for a in model["attributes"]}
    problems = []
    for table, exp_rows in expected.items():
        act_rows = actual.get(table)
        if act_rows is None:
            problems.append(f"{table}: table missing")
            continue
        missing = sorted(set(exp_rows) - set(act_rows), key=str)
        extra = sorted(set(act_rows) - set(exp_rows), key=str)
        if missing:
            problems.append(f"{table}: {len(missing)} entity rows missing, e.g. {missing[:3]}")
        if extra:
            problems.append(f"{table}: {len(extra)} unexpected entity rows, e.g. {extra[:3]}")
        for ent in sorted(set(exp_rows) & set(act_rows), key=str):
            for name, ev in exp_rows[ent].items():
                if name not in act_rows[ent]:
                    problems.append(f"{table}: column {name} missing")
                    continue
                av = act_rows[ent][name]
                if not values_equal(ev, av, attrs[name]["type"]):
                    problems.append(f"{table}[{ent}].{name}: expected {ev!r}, got {av!r}")
    return problems
