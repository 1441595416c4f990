#!/usr/bin/env python3
"""Generate deterministic sample Snowplow events into a DuckDB warehouse.

The events land in table ``atomic.events`` laid out as the signalsc dbt
backend expects it (Snowflake-style naming on DuckDB):

* the Snowplow atomic columns with proper types (TIMESTAMP for *_tstamp,
  INTEGER / DOUBLE / BOOLEAN per the atomic schema, VARCHAR otherwise),
  ``load_tstamp`` always set;
* self-describing data in JSON columns named with the major version only:
  ``unstruct_event_<vendor>_<name>_<major>`` (a JSON object) and
  ``contexts_<vendor>_<name>_<major>`` (a JSON array of objects), with '.'
  and '-' in vendor and name turned into '_'.

What is generated: a few users (some logged in, with a user_id) browsing a
small shop over N days ending at --end-date: sessions of page views (the
first one carrying the marketing parameters), page pings, ecommerce actions
(snowplow_ecommerce_action 1-0-2: product_view, add_to_cart,
remove_from_cart, transaction) with product contexts, a yauaa context on
every event, some late-arriving events (loaded days after they happened) and
some re-delivered duplicates (same event_id, loaded later).

Only the standard library and duckdb are used; the same --seed gives the
same table, row for row.

This module also holds the warehouse layout (ATOMIC_COLUMNS,
create_events_table, insert_events) that the integration tests reuse.

    python tools/gen_events.py --db build/demo/events.duckdb \\
        --days 14 --users 12 --seed 42 --end-date 2025-03-31
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import sys
import tempfile

# --------------------------------------------------------------------------
# The warehouse layout
# --------------------------------------------------------------------------

_TS = "TIMESTAMP"
_INT = "INTEGER"
_DBL = "DOUBLE"
_BOOL = "BOOLEAN"
_STR = "VARCHAR"

# Snowplow's atomic.events columns in their usual order, with their types.
ATOMIC_COLUMNS: list[tuple[str, str]] = [
    ("app_id", _STR), ("platform", _STR), ("etl_tstamp", _TS),
    ("collector_tstamp", _TS), ("dvce_created_tstamp", _TS), ("event", _STR),
    ("event_id", _STR), ("txn_id", _INT), ("name_tracker", _STR),
    ("v_tracker", _STR), ("v_collector", _STR), ("v_etl", _STR),
    ("user_id", _STR), ("user_ipaddress", _STR), ("user_fingerprint", _STR),
    ("domain_userid", _STR), ("domain_sessionidx", _INT),
    ("network_userid", _STR), ("geo_country", _STR), ("geo_region", _STR),
    ("geo_city", _STR), ("geo_zipcode", _STR), ("geo_latitude", _DBL),
    ("geo_longitude", _DBL), ("geo_region_name", _STR), ("ip_isp", _STR),
    ("ip_organization", _STR), ("ip_domain", _STR), ("ip_netspeed", _STR),
    ("page_url", _STR), ("page_title", _STR), ("page_referrer", _STR),
    ("page_urlscheme", _STR), ("page_urlhost", _STR), ("page_urlport", _INT),
    ("page_urlpath", _STR), ("page_urlquery", _STR),
    ("page_urlfragment", _STR), ("refr_urlscheme", _STR),
    ("refr_urlhost", _STR), ("refr_urlport", _INT), ("refr_urlpath", _STR),
    ("refr_urlquery", _STR), ("refr_urlfragment", _STR),
    ("refr_medium", _STR), ("refr_source", _STR), ("refr_term", _STR),
    ("mkt_medium", _STR), ("mkt_source", _STR), ("mkt_term", _STR),
    ("mkt_content", _STR), ("mkt_campaign", _STR), ("se_category", _STR),
    ("se_action", _STR), ("se_label", _STR), ("se_property", _STR),
    ("se_value", _DBL), ("tr_orderid", _STR), ("tr_affiliation", _STR),
    ("tr_total", _DBL), ("tr_tax", _DBL), ("tr_shipping", _DBL),
    ("tr_city", _STR), ("tr_state", _STR), ("tr_country", _STR),
    ("ti_orderid", _STR), ("ti_sku", _STR), ("ti_name", _STR),
    ("ti_category", _STR), ("ti_price", _DBL), ("ti_quantity", _INT),
    ("pp_xoffset_min", _INT), ("pp_xoffset_max", _INT),
    ("pp_yoffset_min", _INT), ("pp_yoffset_max", _INT),
    ("useragent", _STR), ("br_name", _STR), ("br_family", _STR),
    ("br_version", _STR), ("br_type", _STR), ("br_renderengine", _STR),
    ("br_lang", _STR), ("br_features_pdf", _BOOL),
    ("br_features_flash", _BOOL), ("br_features_java", _BOOL),
    ("br_features_director", _BOOL), ("br_features_quicktime", _BOOL),
    ("br_features_realplayer", _BOOL), ("br_features_windowsmedia", _BOOL),
    ("br_features_gears", _BOOL), ("br_features_silverlight", _BOOL),
    ("br_cookies", _BOOL), ("br_colordepth", _STR), ("br_viewwidth", _INT),
    ("br_viewheight", _INT), ("os_name", _STR), ("os_family", _STR),
    ("os_manufacturer", _STR), ("os_timezone", _STR), ("dvce_type", _STR),
    ("dvce_ismobile", _BOOL), ("dvce_screenwidth", _INT),
    ("dvce_screenheight", _INT), ("doc_charset", _STR), ("doc_width", _INT),
    ("doc_height", _INT), ("tr_currency", _STR), ("tr_total_base", _DBL),
    ("tr_tax_base", _DBL), ("tr_shipping_base", _DBL), ("ti_currency", _STR),
    ("ti_price_base", _DBL), ("base_currency", _STR), ("geo_timezone", _STR),
    ("mkt_clickid", _STR), ("mkt_network", _STR), ("etl_tags", _STR),
    ("dvce_sent_tstamp", _TS), ("refr_domain_userid", _STR),
    ("refr_dvce_tstamp", _TS), ("domain_sessionid", _STR),
    ("derived_tstamp", _TS), ("event_vendor", _STR), ("event_name", _STR),
    ("event_format", _STR), ("event_version", _STR),
    ("event_fingerprint", _STR), ("true_tstamp", _TS), ("load_tstamp", _TS),
]
ATOMIC_TYPES = dict(ATOMIC_COLUMNS)


def _mangle(s: str) -> str:
    return s.replace(".", "_").replace("-", "_")


def unstruct_column(vendor: str, name: str, version: str) -> str:
    """unstruct_event_<vendor>_<name>_<major>, Snowflake-style."""
    major = version.split("-")[0]
    return f"unstruct_event_{_mangle(vendor)}_{_mangle(name)}_{major}"


def contexts_column(vendor: str, name: str, version: str) -> str:
    """contexts_<vendor>_<name>_<major>, Snowflake-style."""
    major = version.split("-")[0]
    return f"contexts_{_mangle(vendor)}_{_mangle(name)}_{major}"


def is_json_column(name: str) -> bool:
    return name.startswith("unstruct_event_") or name.startswith("contexts_")


def create_events_table(con, json_columns, schema: str = "atomic",
                        table: str = "events") -> None:
    """(Re)create schema.table with the atomic columns plus the given JSON
    columns (typed JSON)."""
    cols = [f'"{n}" {t}' for n, t in ATOMIC_COLUMNS]
    cols += [f'"{n}" JSON' for n in sorted(set(json_columns))]
    con.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
    con.execute(f'DROP TABLE IF EXISTS "{schema}"."{table}"')
    con.execute(f'CREATE TABLE "{schema}"."{table}" ({", ".join(cols)})')


def table_columns(con, schema: str = "atomic", table: str = "events"):
    return [r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position",
        [schema, table]).fetchall()]


def _jsonable(v):
    if isinstance(v, dt.datetime):
        return v.strftime("%Y-%m-%d %H:%M:%S.%f")
    return v


def insert_events(con, rows, schema: str = "atomic", table: str = "events") -> None:
    """Append rows (dicts of column -> Python value; JSON columns as Python
    objects, timestamps as naive UTC datetimes) to schema.table. Columns a
    row lacks are NULL; JSON columns the table lacks are added."""
    rows = list(rows)
    if not rows:
        return
    existing = set(table_columns(con, schema, table))
    wanted = set()
    for r in rows:
        wanted.update(k for k, v in r.items() if v is not None)
    for name in sorted(wanted - existing):
        if not is_json_column(name):
            raise ValueError(f"unknown atomic column {name!r}")
        con.execute(f'ALTER TABLE "{schema}"."{table}" ADD COLUMN "{name}" JSON')
    cols = [c for c in table_columns(con, schema, table) if c in wanted]
    types = {c: ATOMIC_TYPES.get(c, "JSON") for c in cols}
    fd, path = tempfile.mkstemp(suffix=".ndjson")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            for r in rows:
                f.write(json.dumps({c: _jsonable(r.get(c)) for c in cols}))
                f.write("\n")
        spec = ", ".join(f"'{c}': '{t}'" for c, t in types.items())
        collist = ", ".join(f'"{c}"' for c in cols)
        con.execute(
            f'INSERT INTO "{schema}"."{table}" ({collist}) SELECT {collist} FROM '
            f"read_json('{path}', format='newline_delimited', columns={{{spec}}})")
    finally:
        os.unlink(path)


# --------------------------------------------------------------------------
# The generator
# --------------------------------------------------------------------------

ECOM_VENDOR = "com.snowplowanalytics.snowplow.ecommerce"
ECOM_ACTION_VERSION = "1-0-2"
ACTION_COL = unstruct_column(ECOM_VENDOR, "snowplow_ecommerce_action", ECOM_ACTION_VERSION)
PRODUCT_COL = contexts_column(ECOM_VENDOR, "product", "1-0-0")
YAUAA_COL = contexts_column("nl.basjes", "yauaa_context", "1-0-0")
WEB_PAGE_COL = contexts_column("com.snowplowanalytics.snowplow", "web_page", "1-0-0")
TRANSACTION_COL = contexts_column(ECOM_VENDOR, "transaction", "1-0-0")
JSON_COLUMNS = [ACTION_COL, PRODUCT_COL, YAUAA_COL, WEB_PAGE_COL, TRANSACTION_COL]

HOST = "shop.example.com"

PRODUCTS = [
    # id, name, category, price
    ("SKU-1001", "Trail Running Shoes", "Shoes", 89.99),
    ("SKU-1002", "Canvas Sneakers", "Shoes", 49.5),
    ("SKU-1003", "Leather Boots", "Shoes", 129.0),
    ("SKU-2001", "Wool Beanie", "Hats", 19.99),
    ("SKU-2002", "Baseball Cap", "Hats", 15.0),
    ("SKU-3001", "Rain Jacket", "Jackets", 119.0),
    ("SKU-3002", "Down Parka", "Jackets", 249.0),
    ("SKU-4001", "Merino T-Shirt", "Shirts", 39.0),
    ("SKU-4002", "Flannel Shirt", "Shirts", 54.25),
    ("SKU-5001", "Hiking Socks (3 pack)", "Accessories", 17.75),
    ("SKU-5002", "Insulated Bottle", "Accessories", 24.0),
    ("SKU-5003", "Daypack 20L", "Accessories", 74.9),
]

DEVICES = [
    # deviceClass, os, agent, useragent, viewport, screen, ismobile, dvce_type
    ("Desktop", "Mac OS", "Chrome",
     "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
     (1440, 789), (1512, 982), False, "Computer"),
    ("Desktop", "Windows NT", "Edge",
     "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0",
     (1920, 969), (1920, 1080), False, "Computer"),
    ("Desktop", "Linux", "Firefox",
     "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
     (1680, 939), (1920, 1080), False, "Computer"),
    ("Phone", "iOS", "Safari",
     "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
     (390, 664), (390, 844), True, "Mobile"),
    ("Phone", "Android", "Chrome",
     "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36",
     (412, 839), (412, 915), True, "Mobile"),
    ("Tablet", "iPadOS", "Safari",
     "Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
     (820, 1106), (820, 1180), True, "Tablet"),
]

GEOS = [
    # country, region, city, lat, lon, timezone, lang
    ("GB", "ENG", "London", 51.5072, -0.1276, "Europe/London", "en-GB"),
    ("DE", "BE", "Berlin", 52.52, 13.405, "Europe/Berlin", "de-DE"),
    ("FR", "IDF", "Paris", 48.8566, 2.3522, "Europe/Paris", "fr-FR"),
    ("US", "NY", "New York", 40.7128, -74.006, "America/New_York", "en-US"),
    ("US", "CA", "San Francisco", 37.7749, -122.4194, "America/Los_Angeles", "en-US"),
    ("NL", "NH", "Amsterdam", 52.3676, 4.9041, "Europe/Amsterdam", "nl-NL"),
]

# (mkt_source, mkt_medium, mkt_campaign, refr_urlhost, refr_medium) with weights
CHANNELS = [
    ((None, None, None, None, None), 30),
    (("google", "cpc", "spring_sale", "www.google.com", "search"), 20),
    (("newsletter", "email", "weekly_digest", None, "email"), 15),
    (("facebook", "social", "brand_awareness", "www.facebook.com", "social"), 12),
    (("instagram", "social", "new_arrivals", "l.instagram.com", "social"), 10),
    (("bing", "cpc", "spring_sale", "www.bing.com", "search"), 5),
    (("partner_blog", "referral", None, "blog.partner.example", "unknown"), 8),
]

PAGES = [("/", "Home | Example Shop"), ("/new", "New arrivals | Example Shop"),
         ("/sale", "Sale | Example Shop"), ("/help/shipping", "Shipping | Example Shop")]


class Gen:
    def __init__(self, seed: int, users: int, days: int, end_date: dt.date):
        self.rng = random.Random(seed)
        self.n_users = users
        self.days = days
        self.end_date = end_date
        self.rows: list[dict] = []

    # ids ------------------------------------------------------------------
    def uuid(self) -> str:
        h = "%032x" % self.rng.getrandbits(128)
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) % 4]}{h[17:20]}-{h[20:32]}"

    def hexid(self) -> str:
        return "%064x" % self.rng.getrandbits(256)

    # users ----------------------------------------------------------------
    def make_users(self):
        users = []
        for i in range(self.n_users):
            dev = self.rng.choice(DEVICES)
            geo = self.rng.choice(GEOS)
            users.append({
                "domain_userid": self.uuid(),
                "network_userid": self.uuid(),
                "user_id": f"customer-{1000 + i}" if self.rng.random() < 0.5 else None,
                "device": dev,
                "geo": geo,
                "ip": f"203.0.113.{self.rng.randint(1, 254)}",
                "activity": self.rng.choice([0.25, 0.45, 0.7]),
                "sessionidx": 0,
                "cart": [],
            })
        return users

    # one event ------------------------------------------------------------
    def base_event(self, user, session, ts: dt.datetime, event: str,
                   vendor: str, name: str, version: str) -> dict:
        dev, geo = user["device"], user["geo"]
        collector = ts + dt.timedelta(milliseconds=self.rng.randint(20, 900))
        # Loaded by the batch loader that runs every hour at :15.
        load = collector.replace(minute=15, second=0, microsecond=0)
        if load <= collector:
            load += dt.timedelta(hours=1)
        load += dt.timedelta(milliseconds=self.rng.randint(0, 999))
        r = {
            "app_id": "shop-web", "platform": "web",
            "etl_tstamp": collector + dt.timedelta(seconds=1, milliseconds=self.rng.randint(0, 999)),
            "collector_tstamp": collector,
            "dvce_created_tstamp": ts - dt.timedelta(milliseconds=self.rng.randint(5, 60)),
            "dvce_sent_tstamp": ts + dt.timedelta(milliseconds=self.rng.randint(1, 15)),
            "derived_tstamp": ts,
            "load_tstamp": load,
            "event": event, "event_id": self.uuid(),
            "name_tracker": "sp", "v_tracker": "js-3.23.0",
            "v_collector": "ssc-3.1.0-kinesis", "v_etl": "snowplow-enrich-kinesis-4.1.0",
            "user_id": user["user_id"], "user_ipaddress": user["ip"],
            "domain_userid": user["domain_userid"],
            "domain_sessionidx": session["idx"],
            "domain_sessionid": session["id"],
            "network_userid": user["network_userid"],
            "geo_country": geo[0], "geo_region": geo[1], "geo_city": geo[2],
            "geo_latitude": geo[3], "geo_longitude": geo[4], "geo_timezone": geo[5],
            "useragent": dev[3], "br_lang": geo[6], "br_cookies": True,
            "br_colordepth": "24", "br_viewwidth": dev[4][0], "br_viewheight": dev[4][1],
            "os_timezone": geo[5], "dvce_screenwidth": dev[5][0],
            "dvce_screenheight": dev[5][1], "doc_charset": "UTF-8",
            "event_vendor": vendor, "event_name": name,
            "event_format": "jsonschema", "event_version": version,
            "event_fingerprint": "%032x" % self.rng.getrandbits(128),
            YAUAA_COL: [{"deviceClass": dev[0], "operatingSystemName": dev[1],
                         "agentName": dev[2], "agentClass": "Browser"}],
        }
        page = session.get("page")
        if page:
            r.update({
                "page_url": f"https://{HOST}{page['path']}", "page_title": page["title"],
                "page_urlscheme": "https", "page_urlhost": HOST, "page_urlport": 443,
                "page_urlpath": page["path"],
                "doc_width": dev[4][0], "doc_height": page["height"],
                WEB_PAGE_COL: [{"id": page["view_id"]}],
            })
            if page.get("referrer"):
                r["page_referrer"] = page["referrer"]
        return r

    def emit(self, row):
        self.rows.append(row)
        return row

    def product_ctx(self, p, quantity=None):
        pid, pname, cat, price = p
        # Trackers sometimes send the price as a numeric string.
        price_v = str(price) if self.rng.random() < 0.15 else price
        ctx = {"id": pid, "name": pname, "category": cat, "price": price_v,
               "currency": "USD"}
        if quantity is not None:
            ctx["quantity"] = quantity
        return ctx

    def action(self, user, session, ts, typ, products, transaction=None):
        r = self.base_event(user, session, ts, "unstruct", ECOM_VENDOR,
                            "snowplow_ecommerce_action", ECOM_ACTION_VERSION)
        r[ACTION_COL] = {"type": typ}
        if products:
            r[PRODUCT_COL] = products
        if transaction:
            r[TRANSACTION_COL] = [transaction]
        return self.emit(r)

    # a session --------------------------------------------------------------
    def session(self, user, start: dt.datetime):
        user["sessionidx"] += 1
        s = {"id": self.uuid(), "idx": user["sessionidx"], "page": None}
        weights = [w for _, w in CHANNELS]
        src, medium, campaign, refr_host, refr_medium = self.rng.choices(
            [c for c, _ in CHANNELS], weights)[0]
        t = start
        n_pages = self.rng.randint(1, 7)
        for i in range(n_pages):
            if self.rng.random() < 0.55:
                p = self.rng.choice(PRODUCTS)
                path, title = f"/products/{p[0].lower()}", f"{p[1]} | Example Shop"
            else:
                p = None
                path, title = self.rng.choice(PAGES)
            page = {"path": path, "title": title, "view_id": self.uuid(),
                    "height": self.rng.randint(1500, 6000)}
            if i == 0 and refr_host:
                page["referrer"] = f"https://{refr_host}/"
            s["page"] = page
            pv = self.base_event(user, s, t, "page_view",
                                 "com.snowplowanalytics.snowplow", "page_view", "1-0-0")
            if i == 0:
                pv.update({"mkt_source": src, "mkt_medium": medium,
                           "mkt_campaign": campaign})
                if refr_host:
                    pv.update({"refr_urlscheme": "https", "refr_urlhost": refr_host,
                               "refr_urlpath": "/", "refr_medium": refr_medium,
                               "refr_source": refr_host.split(".")[-2].capitalize()})
            self.emit(pv)
            t += dt.timedelta(milliseconds=self.rng.randint(300, 1500))
            if p:
                self.action(user, s, t, "product_view", [self.product_ctx(p)])
                if self.rng.random() < 0.35:
                    t += dt.timedelta(seconds=self.rng.randint(3, 40))
                    q = self.rng.choice([1, 1, 1, 2])
                    self.action(user, s, t, "add_to_cart", [self.product_ctx(p, q)])
                    user["cart"].append((p, q))
            for _ in range(self.rng.randint(0, 3)):
                t += dt.timedelta(seconds=10)
                ping = self.base_event(user, s, t, "page_ping",
                                       "com.snowplowanalytics.snowplow", "page_ping", "1-0-0")
                y = self.rng.randint(0, page["height"])
                ping.update({"pp_xoffset_min": 0, "pp_xoffset_max": 0,
                             "pp_yoffset_min": max(0, y - 400), "pp_yoffset_max": y})
                self.emit(ping)
            t += dt.timedelta(seconds=self.rng.randint(5, 120))
        if user["cart"] and self.rng.random() < 0.2:
            p, q = user["cart"].pop(self.rng.randrange(len(user["cart"])))
            self.action(user, s, t, "remove_from_cart", [self.product_ctx(p, q)])
            t += dt.timedelta(seconds=self.rng.randint(2, 30))
        if user["cart"] and self.rng.random() < 0.45:
            items = [self.product_ctx(p, q) for p, q in user["cart"]]
            revenue = round(sum(p[3] * q for p, q in user["cart"]), 2)
            shipping = 0.0 if revenue >= 100 else 4.95
            txn = {"transaction_id": "T%06d" % self.rng.randint(0, 999999),
                   "revenue": round(revenue + shipping, 2), "currency": "USD",
                   "payment_method": self.rng.choice(["card", "card", "paypal", "apple_pay"]),
                   "total_quantity": sum(q for _, q in user["cart"]),
                   "shipping": shipping}
            self.action(user, s, t, "transaction", items, txn)
            user["cart"] = []

    # the whole data set -----------------------------------------------------
    def run(self):
        users = self.make_users()
        first_day = self.end_date - dt.timedelta(days=self.days - 1)
        for d in range(self.days):
            day = first_day + dt.timedelta(days=d)
            for u in users:
                if self.rng.random() >= u["activity"]:
                    continue
                for _ in range(self.rng.choice([1, 1, 1, 2])):
                    start = dt.datetime.combine(day, dt.time(0)) + dt.timedelta(
                        seconds=self.rng.randint(6 * 3600, 22 * 3600))
                    self.session(u, start)
        end_of_data = dt.datetime.combine(self.end_date, dt.time(23, 59))
        # Late arrivals: events of a phone that was offline, loaded 1-4 days
        # after they happened (never after the last day).
        for r in self.rows:
            if r["domain_sessionidx"] and self.rng.random() < 0.03:
                late = r["collector_tstamp"] + dt.timedelta(
                    days=self.rng.randint(1, 4), hours=self.rng.randint(0, 5))
                if late < end_of_data:
                    r["collector_tstamp"] = late
                    r["etl_tstamp"] = late + dt.timedelta(seconds=2)
                    r["load_tstamp"] = late.replace(minute=15, second=0, microsecond=0) \
                        + dt.timedelta(hours=1)
        # Duplicates: a copy re-delivered by the collector, loaded later.
        dups = []
        for r in self.rows:
            if self.rng.random() < 0.01:
                c = dict(r)
                shift = dt.timedelta(seconds=self.rng.randint(1, 600))
                c["collector_tstamp"] = r["collector_tstamp"] + shift
                # derived_tstamp = collector_tstamp - (dvce_sent - dvce_created)
                c["derived_tstamp"] = r["derived_tstamp"] + shift
                c["etl_tstamp"] = c["collector_tstamp"] + dt.timedelta(seconds=1)
                c["load_tstamp"] = r["load_tstamp"] + dt.timedelta(hours=self.rng.randint(1, 3))
                dups.append(c)
        self.rows.extend(dups)
        return self.rows


def generate(seed: int = 42, users: int = 12, days: int = 14,
             end_date: dt.date = dt.date(2025, 3, 31)) -> list[dict]:
    """The generated rows (dicts of column -> Python value)."""
    return Gen(seed, users, days, end_date).run()


def write_db(path: str, rows: list[dict]) -> None:
    import duckdb
    if os.path.exists(path):
        os.unlink(path)
    if os.path.exists(path + ".wal"):
        os.unlink(path + ".wal")
    con = duckdb.connect(path)
    try:
        create_events_table(con, JSON_COLUMNS)
        insert_events(con, rows)
    finally:
        con.close()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", required=True, help="DuckDB file to (re)create")
    ap.add_argument("--days", type=int, default=14)
    ap.add_argument("--users", type=int, default=12)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--end-date", default="2025-03-31", help="last day, YYYY-MM-DD")
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args(argv)
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", a.end_date):
        ap.error("--end-date must be YYYY-MM-DD")
    if a.days < 1 or a.users < 1:
        ap.error("--days and --users must be >= 1")
    end = dt.date.fromisoformat(a.end_date)
    rows = generate(a.seed, a.users, a.days, end)
    d = os.path.dirname(os.path.abspath(a.db))
    os.makedirs(d, exist_ok=True)
    write_db(a.db, rows)
    if not a.quiet:
        print(f"wrote {len(rows)} events for {a.users} users over {a.days} days "
              f"ending {end} to {a.db} (atomic.events)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
