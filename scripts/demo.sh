#!/bin/sh
# The demo (`make demo`): generate sample events, compile the example spec to
# a dbt project, run it on DuckDB and print the attributes it computed.
#
#   build/demo/events.duckdb   the warehouse (atomic.events + the attributes tables)
#   build/demo/project/        the dbt project signalsc generated
#   build/demo/dbt.log         dbt's output
#
# Everything is fixed (seed, dates, today), so the output is the same on
# every run. Override with SEED, USERS, DAYS, END_DATE.
set -eu

ROOT=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
cd "$ROOT"

VENV=${VENV:-.venv}
PY="$VENV/bin/python"
DBT="$VENV/bin/dbt"
SIGNALSC=${SIGNALSC:-build/signalsc}
SPEC=${SPEC:-examples/ecommerce.signals}
OUT=build/demo
SEED=${SEED:-42}
USERS=${USERS:-12}
DAYS=${DAYS:-14}
END_DATE=${END_DATE:-2025-03-31}   # also the dbt var `today`

for f in "$PY" "$DBT" "$SIGNALSC"; do
    if [ ! -x "$f" ]; then
        echo "demo: $f is missing (run: make venv build)" >&2
        exit 1
    fi
done

mkdir -p "$OUT"
rm -rf "$OUT/project"

echo "==> generating sample events (seed $SEED, $USERS users, $DAYS days to $END_DATE)"
"$PY" tools/gen_events.py --db "$OUT/events.duckdb" --seed "$SEED" \
    --users "$USERS" --days "$DAYS" --end-date "$END_DATE"

echo "==> compiling $SPEC"
"$SIGNALSC" compile --backend dbt --target duckdb -o "$OUT/project" "$SPEC"

echo "==> dbt run (today = $END_DATE)"
if ! SIGNALS_DUCKDB_PATH="$ROOT/$OUT/events.duckdb" DBT_SEND_ANONYMOUS_USAGE_STATS=false \
    "$DBT" run --project-dir "$OUT/project" --profiles-dir "$OUT/project" \
        --log-path "$OUT/project/logs" --target-path "$OUT/project/target" \
        --no-use-colors --vars "{today: \"$END_DATE\"}" >"$OUT/dbt.log" 2>&1; then
    cat "$OUT/dbt.log" >&2
    echo "demo: dbt run failed (log above, also in $OUT/dbt.log)" >&2
    exit 1
fi
grep -E "Completed successfully|Done\. PASS" "$OUT/dbt.log" | sed 's/^[0-9:]* *//' || true

"$PY" - "$OUT/events.duckdb" <<'EOF'
"""Print every attributes table as fixed-width text, in column groups that
fit the terminal width."""
import datetime as dt
import os
import shutil
import sys

import duckdb

WIDTH = max(100, min(shutil.get_terminal_size((140, 20)).columns, 160))
CELL = 34


def fmt(v):
    if v is None:
        s = "NULL"
    elif isinstance(v, float):
        s = f"{v:.2f}"
    elif isinstance(v, dt.datetime):
        s = v.strftime("%Y-%m-%d %H:%M")
    elif isinstance(v, (list, tuple)):
        s = "[" + ", ".join(fmt(x) for x in v) + "]"
    else:
        s = str(v)
    return s if len(s) <= CELL else s[:CELL - 1] + "~"


con = duckdb.connect(sys.argv[1], read_only=True)
tables = [r[0] for r in con.execute(
    "SELECT table_name FROM information_schema.tables "
    "WHERE table_schema = 'main' AND table_name LIKE '%\\_attributes' ESCAPE '\\' "
    "ORDER BY table_name").fetchall()]
if not tables:
    sys.exit("demo: no attributes table was built")
for t in tables:
    cur = con.execute(f'SELECT * EXCLUDE (updated_at) FROM main."{t}" ORDER BY 1')
    names = [d[0] for d in cur.description]
    rows = [[fmt(v) for v in r] for r in cur.fetchall()]
    # the entity column: ids are long, their start is enough to tell them apart
    key = [r[0] if len(r[0]) <= 13 else r[0][:12] + "~" for r in rows]
    key_w = max([len(names[0])] + [len(k) for k in key])
    print(f"\n{t}: {len(rows)} rows, {len(names) - 1} attributes")
    widths = [max([len(names[i])] + [len(r[i]) for r in rows]) for i in range(len(names))]
    i = 1
    while i < len(names):
        group, used = [], key_w
        while i < len(names) and (not group or used + 2 + widths[i] <= WIDTH):
            group.append(i)
            used += 2 + widths[i]
            i += 1
        line = names[0].ljust(key_w) + "".join("  " + names[j].ljust(widths[j]) for j in group)
        print()
        print(line.rstrip())
        print("-" * len(line.rstrip()))
        for k, r in zip(key, rows):
            print((k.ljust(key_w) + "".join("  " + r[j].ljust(widths[j]) for j in group)).rstrip())
con.close()
EOF
echo
echo "warehouse: $OUT/events.duckdb   dbt project: $OUT/project   dbt log: $OUT/dbt.log"
