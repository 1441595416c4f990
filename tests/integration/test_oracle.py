"""The oracle against hand-computed values on tiny event sets (no compiler
needed), and the loaders' layout."""

import datetime as dt

import pytest

import load_shared
import oracle

T0 = dt.datetime(2024, 1, 10, 12, 0, 0)
EV = {"vendor": "com.acme", "name": "buy", "version": "1-*-*"}
COL = "unstruct_event_com_acme_buy_1"
PCOL = "contexts_com_acme_product_1"


def ev(eid, days_ago=0, secs=0, data=None, products=None, uid="u1", version="1-0-1",
       load=None, collector=None, **atomic):
    ts = T0 - dt.timedelta(days=days_ago) + dt.timedelta(seconds=secs)
    r = {"event_id": eid, "domain_userid": uid, "derived_tstamp": ts,
         "collector_tstamp": collector or ts, "load_tstamp": load or ts + dt.timedelta(hours=1),
         "event_vendor": "com.acme", "event_name": "buy", "event_version": version,
         COL: data, PCOL: products}
    r.update(atomic)
    return r


def eprop(*steps):
    return {"kind": "event", "column": COL, "steps": [{"field": s} if isinstance(s, str)
                                                      else {"index": s} for s in steps]}


def cprop(field, index=0):
    return {"kind": "entity", "column": PCOL, "index": index, "steps": [{"field": field}]}


def model(*attrs):
    full = []
    for a in attrs:
        b = {"events": [EV], "property": None, "criteria": {"all": [], "any": []},
             "period_seconds": None, "default": None}
        b.update(a)
        full.append(b)
    return {"attributes": full,
            "views": [{"name": "v", "version": 1, "offline": True,
                       "entity": {"name": "domain_userid", "property":
                                  {"kind": "atomic", "column": "domain_userid"}},
                       "attributes": [a["name"] for a in full]}]}


def run(m, rows, today="2024-01-10"):
    return oracle.compute(m, rows, today)["v_v1_attributes"]


def test_counter_criteria_and_absent_ne():
    rows = [ev("a", data={"t": "x"}), ev("b", data={"t": "y"}), ev("c", data={})]
    m = model({"name": "eq", "type": "int64", "aggregation": "counter",
               "criteria": {"all": [{"property": eprop("t"), "operator": "=", "value": "x"}], "any": []}},
              {"name": "ne", "type": "int64", "aggregation": "counter",
               "criteria": {"all": [{"property": eprop("t"), "operator": "!=", "value": "x"}], "any": []}},
              {"name": "lk", "type": "int64", "aggregation": "counter",
               "criteria": {"all": [], "any": [{"property": eprop("t"), "operator": "like", "value": "_"},
                                               {"property": eprop("t"), "operator": "in", "value": ["z"]}]}})
    assert run(m, rows)["u1"] == {"eq": 1, "ne": 2, "lk": 2}


def test_numeric_strings_and_conversions():
    rows = [ev("a", products=[{"price": "12.0"}]), ev("b", products=[{"price": 3}]),
            ev("c", products=[{"price": "abc"}]), ev("d", products=[{"price": "1.5"}])]
    m = model({"name": "gt", "type": "int64", "aggregation": "counter",
               "criteria": {"all": [{"property": cprop("price"), "operator": ">", "value": 2}], "any": []}},
              {"name": "ne", "type": "int64", "aggregation": "counter",
               "criteria": {"all": [{"property": cprop("price"), "operator": "!=", "value": 3}], "any": []}},
              {"name": "s", "type": "double", "aggregation": "sum", "property": cprop("price")},
              {"name": "si", "type": "int64", "aggregation": "sum", "property": cprop("price")},
              {"name": "mn", "type": "double", "aggregation": "mean", "property": cprop("price")},
              {"name": "mx", "type": "string", "aggregation": "max", "property": cprop("price")})
    r = run(m, rows)["u1"]
    assert r["gt"] == 2           # 12.0 and 3; "abc" has no number
    assert r["ne"] == 3           # "abc" counts as no value: passes !=
    assert r["s"] == pytest.approx(16.5)
    assert r["si"] == 15          # "1.5" is not an int
    assert r["mn"] == pytest.approx(16.5 / 3)
    assert r["mx"] == "abc"


def test_windows_first_last_ties_unique_list_and_defaults():
    rows = [ev("b", days_ago=0, data={"t": "x"}), ev("a", days_ago=0, data={"t": "y"}),
            ev("c", days_ago=6, data={"t": "z"}), ev("d", days_ago=7, data={"t": "x"}),
            ev("e", days_ago=-1, data={"t": "future"})]
    m = model({"name": "n7", "type": "int64", "aggregation": "counter", "period_seconds": 7 * 86400},
              {"name": "n", "type": "int64", "aggregation": "counter"},
              {"name": "f", "type": "string", "aggregation": "first", "property": eprop("t")},
              {"name": "l7", "type": "string", "aggregation": "last", "property": eprop("t"),
               "period_seconds": 7 * 86400},
              {"name": "ul", "type": "string_list", "aggregation": "unique_list", "property": eprop("t"),
               "period_seconds": 7 * 86400},
              {"name": "ulall", "type": "string_list", "aggregation": "unique_list", "property": eprop("t")},
              {"name": "none", "type": "string", "aggregation": "last", "property": eprop("nope"),
               "default": "dflt"},
              {"name": "cnt0", "type": "int64", "aggregation": "counter", "default": -1,
               "criteria": {"all": [{"property": eprop("t"), "operator": "=", "value": "q"}], "any": []}})
    r = run(m, rows)["u1"]
    assert r["n7"] == 3 and r["n"] == 5
    assert r["f"] == "x"          # d, 7 days ago
    assert r["l7"] == "x"         # a and b tie on derived_tstamp: largest event_id b
    assert r["ul"] == ["z", "x", "y"]   # ties by value
    assert r["ulall"] == ["z", "x", "y", "future"]
    assert r["none"] == "dflt" and r["cnt0"] == -1


def test_dedup_versions_rows_and_unique_list_cap():
    rows = [ev("a", data={"t": "first"}, load=T0),
            ev("a", data={"t": "later copy"}, load=T0 + dt.timedelta(days=1)),
            ev("b", data={"t": "kept"}, load=T0, collector=T0),
            ev("b", data={"t": "same load, later collector"}, load=T0, collector=T0 + dt.timedelta(seconds=1)),
            ev("c", version="2-0-0", uid="u2"), ev("d", uid=None)]
    m = model({"name": "ul", "type": "string_list", "aggregation": "unique_list", "property": eprop("t")})
    r = oracle.compute(m, rows, "2024-01-10")["v_v1_attributes"]
    assert set(r) == {"u1"}
    assert r["u1"]["ul"] == ["first", "kept"]
    many = [ev(f"e{i:03d}", secs=i, data={"t": f"v{i:03d}"}) for i in range(130)]
    r = run(m, many)["u1"]["ul"]
    assert len(r) == 100 and r[0] == "v030" and r[-1] == "v129"


def test_compare_detects_differences():
    m = model({"name": "s", "type": "double", "aggregation": "sum", "property": cprop("price")},
              {"name": "l", "type": "string_list", "aggregation": "unique_list", "property": cprop("id")})
    exp = {"v_v1_attributes": {"u1": {"s": 1.0, "l": ["a", "b"]}}}
    assert oracle.diff_tables(m, exp, {"v_v1_attributes": {"u1": {"s": 1.0 + 1e-12, "l": ["a", "b"]}}}) == []
    assert oracle.diff_tables(m, exp, {"v_v1_attributes": {"u1": {"s": 1.1, "l": ["a", "b"]}}})
    assert oracle.diff_tables(m, exp, {"v_v1_attributes": {"u1": {"s": 1.0, "l": ["b", "a"]}}})
    assert oracle.diff_tables(m, exp, {"v_v1_attributes": {"u2": {"s": 1.0, "l": ["a", "b"]}}})


def test_loaders_layout(tmp_path):
    rows = load_shared.read_ecommerce()
    assert len(rows) == 834
    tracking = [r for r in rows if r["event_vendor"] == "ecommerce.tracking"
                and r.get("unstruct_event_ecommerce_tracking_snowplow_ecommerce_action_1")]
    assert len(tracking) == 364
    assert not any(r.get("unstruct_event_com_snowplowanalytics_snowplow_ecommerce_snowplow_ecommerce_action_1")
                   for r in rows if r["event_vendor"] == "ecommerce.tracking")
    web = load_shared.read_web()
    consent = [r["unstruct_event_com_snowplowanalytics_snowplow_consent_preferences_1"] for r in web
               if r.get("unstruct_event_com_snowplowanalytics_snowplow_consent_preferences_1")]
    assert len(consent) == 32 and all(isinstance(c, dict) for c in consent)
    db = str(tmp_path / "w.duckdb")
    loaded = load_shared.load_all(db, web)
    back = load_shared.read_events(db)
    assert len(back) == 160 and all(r["load_tstamp"] is not None for r in back)
    key = lambda r: (r["event_id"], r["load_tstamp"])
    for a, b in zip(sorted(loaded, key=key), sorted(back, key=key)):
        for k, v in a.items():
            assert b[k] == v, (k, v, b[k])
    import duckdb
    con = duckdb.connect(db, read_only=True)
    types = dict(con.execute("SELECT column_name, data_type FROM information_schema.columns "
                             "WHERE table_schema='atomic' AND table_name='events'").fetchall())
    con.close()
    assert types["derived_tstamp"] == "TIMESTAMP" and types["br_viewwidth"] == "INTEGER"
    assert types["br_features_pdf"] == "BOOLEAN" and types["geo_latitude"] == "DOUBLE"
    assert types["contexts_nl_basjes_yauaa_context_1"] == "JSON"


def test_like_escapes():
    """docs/language.md section 5: a backslash escapes %, _ and itself."""
    assert oracle.like_match("100%", "100\\%")
    assert not oracle.like_match("1000", "100\\%")
    assert oracle.like_match("a_b", "a\\_b") and not oracle.like_match("axb", "a\\_b")
    assert oracle.like_match("a\\b", "a\\\\b") and oracle.like_match("x\\", "%\\\\")
    assert oracle.like_match("a\r\nb", "a%b") and oracle.like_match("{{ x }}", "{{%}}")
    for bad in ("a\\", "\\a"):
        with pytest.raises(oracle.OracleError):
            oracle.like_match("a", bad)
