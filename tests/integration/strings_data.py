"""A small synthetic dataset of the strings that are hard to carry from a
.signals file to the warehouse unchanged: CR (which dbt's Jinja turns into
LF), other control characters, quotes, backslashes, LIKE wildcards, Jinja's
{{ {% {# }}, and the characters YAML reads as line breaks (U+0085, U+2028,
U+2029). specs/strings.signals compares them with `=`, `!=`, `in` and
`like` on an atomic column (page_title) and on a JSON field (label.text),
and aggregates them, so that the oracle checks every one cell by cell."""

from __future__ import annotations

import datetime as dt
import uuid

VALUES = [
    "a\rb", "a\r\nb", "line\nbreak", "tab\there", "bell\x07", "del\x7f",
    "100%", "100% sure", "1000", "under_score", "underXscore",
    "back\\slash", "trailing\\", "back\\%",
    "{{ 1 + 1 }}", "{% if x %}", "{# c #}", "a }} b", "{{{",
    "it's", "it''s", 'say "hi"',
    "sep\u2028ar", "para\u2029x", "nel\u0085y", "bom\ufeffz", "caf\u00e9 \u2603",
]

LABEL_COL = "unstruct_event_com_acme_label_1"
USERS = ["u-alpha", "u-beta", "u-gamma"]
DAY0 = dt.datetime(2024, 3, 1, 9, 0, 0)


def read_strings() -> list[dict]:
    """Every value once per user on a spread of six days, as a label event
    (page_title and label.text both hold the value), plus a page_title-only
    copy for the second user (label.text absent)."""
    rows = []
    n = 0
    for ui, user in enumerate(USERS):
        for vi, v in enumerate(VALUES):
            n += 1
            t = DAY0 + dt.timedelta(days=(vi + ui) % 6, minutes=11 * vi + ui)
            label = {"text": v} if not (ui == 1 and vi % 4 == 0) else {}
            rows.append({
                "event_id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"signals-strings-{n}")),
                "app_id": "strings", "platform": "web", "event": "unstruct",
                "event_vendor": "com.acme", "event_name": "label",
                "event_format": "jsonschema", "event_version": "1-0-0",
                "collector_tstamp": t, "dvce_created_tstamp": t, "derived_tstamp": t,
                "domain_userid": user, "page_title": v, LABEL_COL: label,
            })
    return rows
