"""`signalsc import` of definitions made with the Python SDK 0.4.10
(tests/api/fixtures_sdk0410, written by tests/api/gen_sdk0410.py):

* what the language carries comes back unchanged from import then
  `compile --backend api` (publish state `is_published` aside: publish and
  unpublish set it);
* the cases of unsupported.json the language has learnt since round trip
  too (rules: a one-item all or any comes back as its item);
* what the SDK dumps but the API's models rule out is refused whole;
* every 0.4.10 member or value the language cannot carry (event logs) is an
  error E0936 that names its JSON path: nothing is dropped, nothing is
  written."""
import json
import os
import subprocess

import pytest

from test_payloads import FIXTURES, ROOT, SIGNALSC, compile_api, import_spec, normalise

SDK0410 = os.path.join(os.path.dirname(FIXTURES), "fixtures_sdk0410")


def without_publish_state(v):
    if isinstance(v, dict):
        return {k: without_publish_state(x) for k, x in v.items() if k != "is_published"}
    if isinstance(v, list):
        return [without_publish_state(x) for x in v]
    return v


def assert_compiles_back(spec, pairs, tmp_path):
    """`spec` compiles for attribute groups, and each (object, file) pair's
    file holds the object again (publish state aside)."""
    out = tmp_path / "out"
    p = compile_api(str(spec), "attribute-groups", out)
    assert p.returncode == 0, p.stderr + spec.read_text()
    for obj, rel in pairs:
        with open(out / rel) as f:
            got = json.load(f)
        assert without_publish_state(normalise(got, False)) == without_publish_state(normalise(obj, False)), rel


def test_sdk0410_round_trip(tmp_path):
    fixture = os.path.join(SDK0410, "supported.json")
    spec = import_spec(fixture, tmp_path)
    out = tmp_path / "out"
    p = compile_api(str(spec), "attribute-groups", out)
    assert p.returncode == 0, p.stderr + spec.read_text()
    with open(fixture) as f:
        key, group, service = json.load(f)
    for obj, path in [(key, out / "attribute_keys" / "shopper.json"),
                      (group, out / "attribute_groups" / "shop_v1.json"),
                      (service, out / "services" / "shop_service.json")]:
        with open(path) as f:
            got = json.load(f)
        assert without_publish_state(normalise(got, False)) == without_publish_state(normalise(obj, False)), path


with open(os.path.join(SDK0410, "unsupported.json")) as _f:
    UNSUPPORTED = json.load(_f)


# Cases of unsupported.json that the language has learnt since the fixtures
# were written: import carries them, and compile gives the body back.
CARRIED = {"most_frequent", "time_since_last", "timestamp_type", "is_null",
           "calculated", "all_events", "attribute_ttl", "backfill_since_tstamp",
           "refresh_rate"}
# Cases the SDK dumps but that the API's models rule out, with the errors
# import gives instead of writing a spec: `sum` of a date part `active_day`
# (a string), refused whole by the checker run on the spec (E0935); an event
# with an event specification id and a name, vendor and version ("mutually
# exclusive", Event.event_specification_id). Consistent forms are in EXTRA.
INCONSISTENT = {"date_part": ["E0935", "E0325"],
                "event_specification_id": ["E0932"]}

PAGE_VIEW = {"name": "page_view", "vendor": "com.snowplowanalytics.snowplow", "version": "1-0-0"}
PRODUCT = {"vendor": "com.snowplowanalytics.snowplow.ecommerce", "name": "product",
           "major_version": 1, "path": "price", "type": "entity", "index": 0}


def group_with(*attrs, **members):
    g = dict(UNSUPPORTED["is_null"][0])
    g["attributes"] = list(attrs)
    g.update(members)
    return g


def atomic(name, **more):
    return dict({"type": "atomic", "name": name}, **more)


def calc(op, *props, **more):
    return dict({"type": "calculated", "operation": op, "properties": list(props)}, **more)


# Bodies the SDK 0.4.10 models allow, written here: each round trips.
EXTRA = {
    "is_not_null": group_with({
        "name": "with_refr", "type": "int64", "events": [PAGE_VIEW], "aggregation": "counter",
        "criteria": {"any": [{"property": atomic("page_referrer"), "operator": "is not null"},
                             {"property": atomic("page_title"), "operator": "is null"}]}}),
    "date_part_atomic": group_with({
        "name": "busy_hour", "type": "int64", "events": [PAGE_VIEW], "aggregation": "most_frequent",
        "property": atomic("derived_tstamp", date_part="hour_of_day"),
        "criteria": {"all": [{"property": atomic("collector_tstamp", date_part="day_of_week"),
                              "operator": "<", "value": 6}]}}),
    "date_part_entity": group_with({
        "name": "day", "type": "string", "events": [PAGE_VIEW], "aggregation": "last",
        "property": dict(PRODUCT, path="added_at", date_part="active_day")}),
    "calculated_numbers": group_with(*[{
        "name": "c_" + op, "type": "double", "events": [PAGE_VIEW], "aggregation": "sum",
        "property": calc(op, PRODUCT, dict(PRODUCT, index=1), atomic("tr_total"))}
        for op in ("sum", "product", "min", "max")]),
    "event_specification_id": group_with({
        "name": "spec_views", "type": "int64", "aggregation": "counter",
        "events": [{"event_specification_id": "b1f1c0de-0000-4000-8000-000000000001"}, PAGE_VIEW]}, {
        "name": "all_hours", "type": "int64", "events": [], "aggregation": "most_frequent",
        "property": atomic("derived_tstamp", date_part="hour_of_day"), "ttl": "P1D",
        "criteria": {"all": [{"property": {"vendor": "com.acme", "name": "checkout", "major_version": 2,
                                           "path": "total", "type": "event"},
                              "operator": ">", "value": 10}]}}),
    "calculated_coalesce": group_with({
        "name": "who", "type": "string", "events": [PAGE_VIEW], "aggregation": "last",
        "property": calc("coalesce", atomic("user_id")),
        "criteria": {"all": [{"property": calc("concat", atomic("app_id"), atomic("platform")),
                              "operator": "=", "value": "webweb"}]}}),
}


def round_trips(obj, case, tmp_path):
    f = tmp_path / (case + ".json")
    f.write_text(json.dumps(obj))
    spec = import_spec(str(f), tmp_path)
    assert_compiles_back(spec, [(obj, "attribute_groups/%s_v%d.json" % (obj["name"], obj["version"]))],
                         tmp_path)
    return spec.read_text()


@pytest.mark.parametrize("case", sorted(CARRIED))
def test_sdk0410_newer_member_round_trips(case, tmp_path):
    round_trips(UNSUPPORTED[case][0], case, tmp_path)


@pytest.mark.parametrize("case", sorted(EXTRA))
def test_sdk0410_written_member_round_trips(case, tmp_path):
    round_trips(EXTRA[case], case, tmp_path)


# Cases that are an attribute key, not a group.
KEY_CARRIED = {"external_column"}


@pytest.mark.parametrize("case", sorted(KEY_CARRIED))
def test_sdk0410_key_member_round_trips(case, tmp_path):
    obj, _ = UNSUPPORTED[case]
    f = tmp_path / (case + ".json")
    f.write_text(json.dumps(obj))
    spec = import_spec(str(f), tmp_path)
    assert "external_column crm_user" in spec.read_text()
    assert_compiles_back(spec, [(obj, "attribute_keys/%s.json" % obj["name"])], tmp_path)


@pytest.mark.parametrize("case", sorted(INCONSISTENT))
def test_sdk0410_inconsistent_case_is_refused_whole(case, tmp_path):
    obj, _ = UNSUPPORTED[case]
    f = tmp_path / (case + ".json")
    f.write_text(json.dumps(obj))
    spec = tmp_path / "out.signals"
    p = subprocess.run([SIGNALSC, "import", "--color", "never", "-o", str(spec), str(f)], cwd=ROOT,
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 1, p.stdout + p.stderr
    for code in INCONSISTENT[case]:
        assert "error[%s]" % code in p.stderr, p.stderr
    assert not spec.exists()


# What import still refuses member by member: event logs (the language has
# none); rule interventions round trip below.
REFUSED = set(UNSUPPORTED) - CARRIED - KEY_CARRIED - set(INCONSISTENT) - {"rule_intervention"}


def test_sdk0410_only_event_logs_are_refused():
    assert REFUSED == {"event_log"}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_sdk0410_member_is_never_dropped(case, tmp_path):
    obj, path = UNSUPPORTED[case]
    f = tmp_path / (case + ".json")
    f.write_text(json.dumps(obj))
    spec = tmp_path / "out.signals"
    p = subprocess.run([SIGNALSC, "import", "--color", "never", "-o", str(spec), str(f)], cwd=ROOT,
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 1, p.stdout + p.stderr
    errors = [line for line in p.stderr.splitlines() if "error[" in line]
    assert any("error[E0936]" in line and ": %s: " % path in line for line in errors), p.stderr
    assert not spec.exists()


def rule_as_written(c):
    """A rule's criteria as the language writes them: a one-item all or any
    is its item, and an all in an all (any in an any) merges into it."""
    for k in ("all", "any", "none"):
        if k in c:
            items = [rule_as_written(x) for x in c[k]]
            if k != "none" and len(items) == 1:
                return items[0]
            merged = []
            for x in items:
                merged.extend(x[k] if k != "none" and list(x) == [k] else [x])
            if k == "none" and len(merged) == 1 and list(merged[0]) == ["any"]:
                merged = merged[0]["any"]
            return {k: merged}
    return c


RULE_GROUP = dict(UNSUPPORTED["refresh_rate"][0])
del RULE_GROUP["refresh_rate"]
NESTED_RULE = {
    "name": "nested", "version": 2, "owner": "team@example.com", "description": "Busy, not bored",
    "is_published": False,
    "criteria": {"all": [
        {"attribute": "shop:page_views_7d", "operator": ">", "value": 10},
        {"any": [{"attribute": "shop:page_views_7d", "operator": "changed"},
                 {"attribute": "shop:page_views_7d", "operator": "in", "value": [1, 2]}]},
        {"none": [{"attribute": "shop:page_views_7d", "operator": "is null"},
                  {"all": [{"attribute": "shop:page_views_7d", "operator": "rlike", "value": "^1"},
                           {"attribute": "shop:page_views_7d", "operator": "not in", "value": [3]}]}]},
        {"none": [{"attribute": "shop:page_views_7d", "operator": "not like", "value": "x%"}]}]},
    "target_attribute_keys": [{"name": "shopper"}, {"name": "domain_userid"}],
    "payload_attribute_groups": [{"name": "shop", "version": 1}]}


@pytest.mark.parametrize("case", ["fixture", "nested"])
def test_sdk0410_rule_intervention_round_trips(case, tmp_path):
    key, rule = UNSUPPORTED["rule_intervention"][0]
    if case == "nested":
        rule = NESTED_RULE
    f = tmp_path / "rule.json"
    f.write_text(json.dumps([key, RULE_GROUP, rule]))
    spec = import_spec(str(f), tmp_path)
    out = tmp_path / "out"
    p = compile_api(str(spec), "attribute-groups", out)
    assert p.returncode == 0, p.stderr + spec.read_text()
    with open(out / "interventions" / ("%s_v%d.json" % (rule["name"], rule["version"]))) as g:
        got = json.load(g)
    want = dict(rule, criteria=rule_as_written(rule["criteria"]))
    assert without_publish_state(got) == without_publish_state(want)
    if case == "nested":  # as sent: nothing to merge
        assert got["criteria"] == rule["criteria"]


def test_sdk0410_rule_intervention_without_its_group_is_refused(tmp_path):
    # The rule's `shop:page_views_7d` names a group the input lacks.
    obj, _ = UNSUPPORTED["rule_intervention"]
    f = tmp_path / "rule.json"
    f.write_text(json.dumps(obj))
    spec = tmp_path / "out.signals"
    p = subprocess.run([SIGNALSC, "import", "--color", "never", "-o", str(spec), str(f)], cwd=ROOT,
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 1 and "error[E0935]" in p.stderr and "undefined view `shop`" in p.stderr, p.stderr
    assert not spec.exists()


def bodies(out):
    found = {}
    for root, _, files in os.walk(out):
        for name in files:
            if name.endswith(".json") and name != "plan.json":
                with open(os.path.join(root, name)) as f:
                    found[os.path.relpath(os.path.join(root, name), out)] = json.load(f)
    return found


# Specs of the 0.4.3-0.4.10 constructs: what compile sends, import gives
# back as a spec that compiles to the very same bodies (group_fields also has
# an entity that replaces the built-in `user_id`, with an external_column).
@pytest.mark.parametrize("spec", ["calculated", "date_parts", "group_fields", "interventions",
                                  "null_tests"])
def test_sdk0410_golden_bodies_round_trip(spec, tmp_path):
    out = tmp_path / "out"
    p = compile_api(os.path.join("tests", "golden", "api", spec + ".signals"), "attribute-groups", out)
    assert p.returncode == 0, p.stderr
    sent = bodies(out)
    f = tmp_path / (spec + ".json")
    f.write_text(json.dumps([sent[k] for k in sorted(sent)]))
    imported = import_spec(str(f), tmp_path)
    again = tmp_path / "again"
    p = compile_api(str(imported), "attribute-groups", again)
    assert p.returncode == 0, p.stderr + imported.read_text()
    assert bodies(again) == sent


def test_keyword_names_import_in_backquotes(tmp_path):
    # SDK names that are .signals keywords (an attribute `target`, a group
    # `source`, a key `key`, a service `default`) are written in backquotes
    # and come back unchanged.
    with open(os.path.join(SDK0410, "supported.json")) as f:
        key, group, service = json.load(f)
    key["name"] = group["attribute_key"]["name"] = "key"
    group["name"] = service["attribute_groups"][0]["name"] = "source"
    group["attributes"][0]["name"] = "target"
    group["attributes"][1]["name"] = "payload"
    service["name"] = "default"
    fixture = tmp_path / "keywords.json"
    fixture.write_text(json.dumps([key, group, service]))
    spec = import_spec(str(fixture), tmp_path)
    text = spec.read_text()
    for name in ("key", "source", "target", "payload", "default"):
        assert "`%s`" % name in text, text
    assert_compiles_back(spec, [(key, "attribute_keys/key.json"), (group, "attribute_groups/source_v1.json"),
                                (service, "services/default.json")], tmp_path)
