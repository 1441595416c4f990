"""Writes tests/api/fixtures_sdk0410/*.json: Signals definitions built with
the models of the Python SDK 0.4.10 and dumped as its RegistryClient sends
them (model_dump(mode="json", exclude_none=True, by_alias=True)).

Run it with a Python that has `snowplow-signals==0.4.10` (the fixtures are
committed; the tests do not need the SDK):

    .venv-sdk0410/bin/python tests/api/gen_sdk0410.py   # tests/api/setup.sh makes it

* supported.json: a group, its key and a service that use only what the
  .signals language carries: import then compile gives the same bodies.
* unsupported.json: {case: [object, JSONPath, ...]}: each object sets one
  0.4.10 member or value that the language could not carry when the file was
  written. tests/api/test_import_sdk0410.py says which cases import now
  carries; the rest it must refuse (E0936) at that JSONPath."""
import copy
import json
import os
from datetime import datetime, timedelta, timezone

import snowplow_signals
from snowplow_signals.models import (AtomicProperty, AttributeGroup, AttributeKey, Criteria, Criterion,
                                     EntityProperty, Event, EventProperty, Service)
from snowplow_signals.models import model as m


HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures_sdk0410")
OWNER = "team@example.com"


def dump(obj):
    return obj.model_dump(mode="json", exclude_none=True, by_alias=True)


PV = Event(vendor="com.snowplowanalytics.snowplow", name="page_view", version="1-0-0")
ADD = Event(vendor="com.snowplowanalytics.snowplow.ecommerce", name="snowplow_ecommerce_action", version="1-0-2")


def key():
    return AttributeKey(name="shopper", property=AtomicProperty(name="user_id"), owner=OWNER,
                        description="A signed-in user")


def group(attributes, **extra):
    return AttributeGroup(name="shop", version=1, attribute_key=key(), owner=OWNER, offline=True,
                          description="Shop attributes", attributes=attributes, **extra)


def counter():
    return m.Attribute(name="page_views_7d", type="int64", events=[PV], aggregation="counter",
                       period=timedelta(days=7), criteria=Criteria(all=[
                           Criterion(property=AtomicProperty(name="app_id"), operator="=", value="web")]))


def price_sum(**prop):
    return m.Attribute(name="cart_value", type="double", events=[ADD], aggregation="sum",
                       property=EntityProperty(vendor="com.snowplowanalytics.snowplow.ecommerce", name="product",
                                               major_version=1, path="price", index=0, **prop),
                       default_value=0.0)


def supported():
    g = group([counter(), price_sum()])
    svc = Service(name="shop_service", owner=OWNER, attribute_groups=[m.VersionedLinkAttributeGroup(name="shop", version=1)])
    return [dump(key()), dump(g), dump(svc)]


def unsupported():
    cases = {}
    g = dump(group([counter(), price_sum(date_part="active_day")]))
    cases["date_part"] = [g, "$.attributes[1].property.date_part"]
    calc = m.CalculatedProperty(type="calculated", operation="concat", separator="-", properties=[
        AtomicProperty(name="app_id"), AtomicProperty(name="platform")])
    a = m.Attribute(name="app_platform", type="string", events=[PV], aggregation="last", property=calc)
    cases["calculated"] = [dump(group([a])), "$.attributes[0].property"]
    a = m.Attribute(name="top_page", type="string", events=[PV], aggregation="most_frequent",
                    property=AtomicProperty(name="page_title"))
    cases["most_frequent"] = [dump(group([a])), "$.attributes[0].aggregation"]
    a = m.Attribute(name="since", type="double", events=[PV], aggregation="time_since_last", time_unit="h")
    cases["time_since_last"] = [dump(group([a])), "$.attributes[0].aggregation"]
    a = m.Attribute(name="seen_at", type="timestamp", events=[PV], aggregation="last",
                    property=AtomicProperty(name="derived_tstamp"))
    cases["timestamp_type"] = [dump(group([a])), "$.attributes[0].type"]
    a = m.Attribute(name="no_refr", type="int64", events=[PV], aggregation="counter",
                    criteria=Criteria(all=[Criterion(property=AtomicProperty(name="page_referrer"),
                                                     operator="is null")]))
    cases["is_null"] = [dump(group([a])), "$.attributes[0].criteria.all[0].operator"]
    a = m.Attribute(name="views_ever", type="int64", events=[PV], aggregation="counter", ttl=timedelta(days=30))
    cases["attribute_ttl"] = [dump(group([a])), "$.attributes[0].ttl"]
    ev = Event(vendor="com.snowplowanalytics.snowplow", name="page_view", version="1-0-0",
               event_specification_id="b1f1c0de-0000-4000-8000-000000000001")
    a = m.Attribute(name="spec_views", type="int64", events=[ev], aggregation="counter")
    cases["event_specification_id"] = [dump(group([a])), "$.attributes[0].events[0].event_specification_id"]
    a = m.Attribute(name="all_events", type="int64", events=[], aggregation="counter")
    cases["all_events"] = [dump(group([a])), "$.attributes[0].events"]
    g = dump(group([counter()], backfill_since_tstamp=datetime(2026, 1, 1, tzinfo=timezone.utc)))
    cases["backfill_since_tstamp"] = [g, "$.backfill_since_tstamp"]
    g = dump(group([counter()], refresh_rate=timedelta(hours=6)))
    cases["refresh_rate"] = [g, "$.refresh_rate"]
    k = AttributeKey(name="crm_user", property=AtomicProperty(name="user_id"), owner=OWNER,
                     external_column="crm_user")
    cases["external_column"] = [dump(k), "$.external_column"]
    from snowplow_signals.models import RuleIntervention
    crit = m.CriteriaAllInput(all=[m.SignalsApiModelsInterventionCriterionCriterion(
        attribute="shop:page_views_7d", operator=">", value=10)])
    ri = RuleIntervention(name="busy", version=1, owner=OWNER, criteria=crit,
                          target_attribute_keys=[m.LinkAttributeKey(name="shopper")])
    cases["rule_intervention"] = [[dump(key()), dump(ri)], "$[1]"]
    from snowplow_signals.models import EventLog, EventSelection
    el = EventLog(name="recent", version=1, owner=OWNER, prompt="Recent page views",
                  attribute_key=AttributeKey(name="domain_sessionid"), max_events=10, max_age_seconds=3600,
                  events=[EventSelection(event=m.EventLogEvent(vendor="com.snowplowanalytics.snowplow", name="page_view"),
                                         properties=[m.EventLogAtomicProperty(name="page_title")])])
    cases["event_log"] = [[dump(el)], "$[0]"]
    return cases


def write(name, data):
    with open(os.path.join(HERE, name), "w") as f:
        json.dump(data, f, indent=2, sort_keys=False)
        f.write("\n")


if __name__ == "__main__":
    os.makedirs(HERE, exist_ok=True)
    write("supported.json", supported())
    write("unsupported.json", unsupported())
