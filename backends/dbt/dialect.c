/* dialect.c: the table of warehouse dialects of the dbt backend.
 *
 * One entry per --target. Only DuckDB is filled and tested so far; issue #3
 * adds snowflake, bigquery, databricks and postgres as further entries (their
 * known differences are noted in shared/reference/batch-engine.md section 9:
 * JSON access, list aggregation and unnest, date arithmetic, current UTC
 * date, merge strategies). */
#include <string.h>

#include "dialect.h"

static const sig_dbt_dialect dialects[] = {
    {
        .target = "duckdb",
        .adapter = "duckdb",
        .quote_open = "\"",
        .quote_close = "\"",
        .backslash_escapes = false,
        .type_name = {
            [SIG_BYTES] = "VARCHAR",
            [SIG_STRING] = "VARCHAR",
            [SIG_INT32] = "INTEGER",
            [SIG_INT64] = "BIGINT",
            [SIG_DOUBLE] = "DOUBLE",
            [SIG_FLOAT] = "REAL",
            [SIG_BOOL] = "BOOLEAN",
            [SIG_UNIX_TIMESTAMP] = "TIMESTAMP",
        },
        .list_type = "{0}[]",
        .json_text = "json_extract_string({0}, {1})",
        .cast = "CAST({0} AS {1})",
        .try_cast = "TRY_CAST({0} AS {1})",
        .to_text = "CAST({0} AS VARCHAR)",
        .lower = "lower({0})",
        .trim = "trim({0})",
        .regex_match = "regexp_matches({0}, {1})",
        .text_to_timestamp = "timezone('UTC', TRY_CAST({0} AS TIMESTAMPTZ))",
        .floor = "floor({0})",
        .date_of = "CAST({0} AS DATE)",
        .date_minus_days = "{0} - {1}",
        .current_utc_date = "CAST(timezone('UTC', current_timestamp) AS DATE)",
        .date_literal = "CAST({0} AS DATE)",
        .timestamp_literal = "CAST({0} AS TIMESTAMP)",
        .first_ordered = "first({0} ORDER BY {1}) FILTER (WHERE {2})",
        .list_agg_ordered = "list({0} ORDER BY {1})",
        .list_literal = "[{0}]",
        .empty_list = "CAST([] AS {0})",
        .distinct_from = "{0} IS DISTINCT FROM {1}",
        .upsert_strategy = "delete+insert",
        .append_strategy = "append",
        .profile_output =
            "    {0}:\n"
            "      type: duckdb\n"
            "      path: \"{{ env_var('SIGNALS_DUCKDB_PATH', 'signals.duckdb') }}\"\n"
            "      schema: main\n"
            "      threads: 1\n"
            "      settings:\n"
            "        TimeZone: UTC\n",
    },
};

const char *const sig_dbt_targets[] = {"duckdb", NULL};

const sig_dbt_dialect *sig_dbt_dialect_find(const char *target)
{
    for (size_t i = 0; i < sizeof dialects / sizeof dialects[0]; i++)
        if (strcmp(dialects[i].target, target) == 0) return &dialects[i];
    return NULL;
}

void sig_dbt_tpl(sig_buf *b, const char *tpl, int n, const char *const *args)
{
    const char *p = tpl;
    while (*p) {
        if (p[0] == '{' && p[1] >= '0' && p[1] <= '9' && p[2] == '}' && p[1] - '0' < n) {
            sig_buf_puts(b, args[p[1] - '0']);
            p += 3;
            continue;
        }
        const char *q = p + 1;
        while (*q && *q != '{') q++;
        sig_buf_append(b, p, (size_t)(q - p));
        p = q;
    }
}
